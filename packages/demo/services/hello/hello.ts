import { api, APIError, ErrCode } from '@topo/runtime';
import type { Response } from '../../shared/hello/hello';

/** Greets one person: `GET /hello/Ada`. */
export const h1 = api(
  { expose: true, method: 'GET', path: '/hello/:name' },
  async ({ name }: { name: string }): Promise<Response> => ({ message: `Hello, ${name}!` }),
);

/** The body of `POST /hello`. A request whose body does not have this shape is answered 400 before `greet` runs. */
export interface GreetRequest {
  /** Who to greet, together. */
  names: string[];
  /** The word to greet with: "Hello" when left out. */
  greeting?: string;
}

/** Greets several people at once: `POST /hello` with `{"names": ["Ada", "Grace"], "greeting": "Hi"}`. */
export const greet = api(
  { expose: true, method: 'POST', path: '/hello' },
  async ({ names, greeting = 'Hello' }: GreetRequest): Promise<Response> => {
    if (names.length === 0) throw new APIError(ErrCode.InvalidArgument, 'names: give at least one name');
    return { message: `${greeting}, ${listed(names)}!` };
  },
);

/**
 * A formal greeting, for the app's other services only: private (`expose` is false), so the
 * gateway and the mono process answer 404 for it from outside. `yo` calls it.
 */
export const formal = api(
  { expose: false, method: 'GET', path: '/formal/:name' },
  async ({ name }: { name: string }): Promise<Response> => ({ message: `Good day, ${name}.` }),
);

/** "Ada", "Ada and Grace", "Ada, Grace and Alan". */
function listed(names: string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
