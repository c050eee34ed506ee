import { api } from '@topo/runtime';

/** What both greetings answer. */
export interface Response {
  message: string;
}

export const h1 = api(
  { expose: true, method: 'GET', path: '/hello/:name' },
  async ({ name }: { name: string }): Promise<Response> => ({ message: `Hello, ${name}!` }),
);

export const h2 = api(
  { expose: true, method: 'GET', path: '/yo/:name' },
  async ({ name }: { name: string }): Promise<Response> => ({ message: `Yo, ${name}!` }),
);
