import { api } from '@topo/runtime';
import type { Response } from '../../shared/hello/hello';
import { hello } from '../hello/client';

/** Greets one person, casually: `GET /yo/Ada`. */
export const h2 = api(
  { expose: true, method: 'GET', path: '/yo/:name' },
  async ({ name }: { name: string }): Promise<Response> => ({ message: `Yo, ${name}!` }),
);

/**
 * Both greetings: yo's own and hello's formal one, asked of service hello through its typed
 * client. In the mono topology that is a function call in the same process; in micro an
 * HTTP request to hello's process, with the internal-call credential its private endpoint
 * requires.
 */
export const both = api(
  { expose: true, method: 'GET', path: '/both/:name' },
  async ({ name }: { name: string }): Promise<Response> => {
    const formal = await hello.formal({ name });
    return { message: `Yo, ${name}! ${formal.message}` };
  },
);
