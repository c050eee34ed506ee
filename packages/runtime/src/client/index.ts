import type { Endpoint } from '../api';
import { noSuchEndpoint } from '../internal-call';
import { localService, registryGeneration } from '../registry';
import { assertServiceName } from '../service';
import { callInProcess, inProcessTarget, type InProcessTarget } from './in-process';
import { callOverHttp } from './over-http';

/**
 * The typed client of a service: one function per typed endpoint exported by the module
 * type `M`. Raw endpoints and other exports are left out.
 *
 * @example
 * ```ts
 * import type * as endpoints from './hello';
 * type HelloClient = Client<typeof endpoints>; // { readonly h1: (req: { name: string }) => Promise<Greeting> }
 * ```
 */
export type Client<M> = {
  readonly [K in keyof M as M[K] extends Endpoint<never, unknown> ? K : never]: M[K] extends Endpoint<infer Req, infer Resp>
    ? (req: Req) => Promise<Resp>
    : never;
};

/**
 * The typed client of service `name`, for its `client.ts`. A call runs in-process when this
 * process hosts the service, and is an authenticated HTTP request to the process that hosts
 * it otherwise; either way arguments and results are copied as JSON would copy them, the
 * request is validated against the same schema, and errors arrive as the same `APIError`.
 *
 * @example
 * ```ts
 * // yo/client.ts
 * import { client } from '@topo/runtime';
 * import type * as endpoints from './yo';
 * export const yo = client<typeof endpoints>('yo');
 *
 * // elsewhere, in another service
 * const { message } = await yo.h2({ name: 'x' });
 * ```
 */
export function client<M>(name: string): Client<M> {
  assertServiceName(name);
  // Endpoint functions become own properties of the client the first time they are read, so
  // later reads are plain property loads: the Proxy below the client only sees the first.
  const calls = new Proxy(Object.create(null) as object, {
    get(_target, property, receiver: object) {
      if (typeof property !== 'string' || NOT_ENDPOINTS.has(property)) return (Object.prototype as Record<PropertyKey, unknown>)[property];
      const call = endpointCall(name, property);
      Object.defineProperty(receiver, property, { value: call, enumerable: true });
      return call;
    },
  });
  return Object.create(calls) as Client<M>;
}

/**
 * Names that inspection, promises and test frameworks probe on any object. A client must not
 * answer them with an endpoint call, or `await someClient` would call `then`.
 */
const NOT_ENDPOINTS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'then',
  'catch',
  'finally',
  'toJSON',
  'asymmetricMatch',
  '$$typeof',
  'nodeType',
  'tagName',
  '@@__IMMUTABLE_ITERABLE__@@',
  '@@__IMMUTABLE_RECORD__@@',
]);

/** Marks a service hosted here that has no such endpoint, so the lookup is cached too. */
const NO_SUCH_ENDPOINT = null;

function endpointCall(service: string, name: string): (request?: unknown) => Promise<unknown> {
  let generation = -1;
  let local: InProcessTarget | typeof NO_SUCH_ENDPOINT | undefined;
  return function callEndpoint(request?: unknown): Promise<unknown> {
    if (generation !== registryGeneration()) {
      local = findLocal(service, name);
      generation = registryGeneration();
    }
    if (local === undefined) return callOverHttp(service, name, request);
    if (local === NO_SUCH_ENDPOINT) return Promise.reject(noSuchEndpoint(service, name));
    return callInProcess(local, request);
  };
}

function findLocal(service: string, name: string): InProcessTarget | typeof NO_SUCH_ENDPOINT | undefined {
  const endpoints = localService(service);
  if (endpoints === undefined) return undefined;
  const endpoint = endpoints.get(name);
  return endpoint === undefined ? NO_SUCH_ENDPOINT : inProcessTarget(endpoint);
}
