import { api, APIError, ErrCode } from '@topo/runtime';

/** What both greetings answer. */
export interface Response {
  message: string;
}

export const h1 = api(
  { expose: true, method: 'GET', path: '/hello/:name' },
  async ({ name }: { name: string }): Promise<Response> => {
    if (name === 'nobody') throw new APIError(ErrCode.NotFound, 'no such person');
    return { message: `Hello, ${name}!` };
  },
);

export const h2 = api(
  { expose: true, method: 'GET', path: '/yo/:name' },
  async ({ name }: { name: string }): Promise<Response> => ({ message: `Yo, ${name}!` }),
);
