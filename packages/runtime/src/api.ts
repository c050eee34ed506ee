import type { Request, Response } from 'express';
import {
  DEFAULT_BODY_LIMIT,
  DEFAULT_METHODS,
  DEFAULT_TIMEOUT_MS,
  describeProblem,
  QUERY_METHODS,
  readEndpointOptions,
  type EndpointDeclaration,
  type Method,
  type RouteSegment,
} from './contract';

export { DEFAULT_BODY_LIMIT, DEFAULT_METHODS, DEFAULT_TIMEOUT_MS, QUERY_METHODS, type Method };

/**
 * Options of a typed endpoint.
 *
 * @example
 * ```ts
 * const options: ApiOptions = { expose: true, method: ['PUT', 'PATCH'], path: '/users/:id', bodyLimit: 64 * 1024 };
 * ```
 */
export interface ApiOptions {
  /** `true`: public, reachable through the gateway. Default `false`: only other services may call it. */
  expose?: boolean;
  /** Default {@link DEFAULT_METHODS} (`['GET', 'POST']`). */
  method?: Method | readonly Method[];
  /** `/hello/:name`, with parameters `:name` and a final wildcard `*rest`. */
  path: string;
  /** Largest accepted request body in bytes; default 1 MiB. */
  bodyLimit?: number;
  /**
   * Milliseconds the handler has to answer, the calls it makes included; default 30 s. Past
   * it, the request answers 504 `deadline_exceeded`, and so does a client's call.
   */
  timeout?: number;
}

/**
 * Options of a raw endpoint: `method` may be `'*'` for any method.
 *
 * @example
 * ```ts
 * const options: RawApiOptions = { expose: true, method: '*', path: '/files/*rest' };
 * ```
 */
export interface RawApiOptions {
  expose?: boolean;
  /** Default {@link DEFAULT_METHODS}; `'*'` answers every method. */
  method?: Method | readonly Method[] | '*';
  path: string;
  /** Milliseconds the handler has to start its answer; default 30 s. Past it, 504 `deadline_exceeded`. */
  timeout?: number;
}

/**
 * An express request handler, for {@link api.raw}.
 *
 * @example
 * ```ts
 * const stream: RawHandler = (req, res) => {
 *   res.setHeader('content-type', 'text/plain');
 *   res.end('hello');
 * };
 * ```
 */
export type RawHandler = (req: Request, res: Response) => void | Promise<void>;

/**
 * Where the host finds what `api()` declared. A registered symbol, so two copies of the
 * runtime in one process (a bundle and node_modules, say) still recognise each other's
 * endpoints.
 */
export const ENDPOINT: unique symbol = Symbol.for('@topo/runtime.endpoint');

/** What the host knows about a typed endpoint. */
export interface TypedEndpointInfo {
  readonly kind: 'typed';
  readonly expose: boolean;
  readonly methods: readonly Method[];
  readonly path: string;
  readonly segments: readonly RouteSegment[];
  readonly bodyLimit: number;
  readonly timeout: number;
  readonly handler: (req: never) => unknown;
}

/** What the host knows about a raw endpoint. */
export interface RawEndpointInfo {
  readonly kind: 'raw';
  readonly expose: boolean;
  readonly methods: readonly Method[] | '*';
  readonly path: string;
  readonly segments: readonly RouteSegment[];
  readonly timeout: number;
  readonly handler: RawHandler;
}

/**
 * A typed endpoint. Code of its own service calls it as a plain function, with no copying;
 * other services call it through their client of this service.
 *
 * @example
 * ```ts
 * export const h1: Endpoint<{ name: string }, { message: string }> = api(
 *   { expose: true, method: 'GET', path: '/hello/:name' },
 *   async ({ name }) => ({ message: `Hello, ${name}!` }),
 * );
 * const { message } = await h1({ name: 'ada' }); // a plain call inside the service
 * ```
 */
export interface Endpoint<Req, Resp> {
  (req: Req): Promise<Resp>;
  readonly [ENDPOINT]: TypedEndpointInfo;
}

/**
 * An express-style endpoint; not callable through a client.
 *
 * @example
 * ```ts
 * export const hook: RawEndpoint = api.raw({ method: 'POST', path: '/hook' }, (req, res) => res.status(204).end());
 * ```
 */
export interface RawEndpoint {
  (req: Request, res: Response): void | Promise<void>;
  readonly [ENDPOINT]: RawEndpointInfo;
}

interface Api {
  /**
   * Declares a typed endpoint. Request fields are the path parameters plus the query string
   * (GET, HEAD, DELETE) or the JSON body (other methods); the result is sent as JSON, or
   * 204 when it is undefined.
   *
   * @example
   * ```ts
   * export const h1 = api(
   *   { expose: true, method: 'GET', path: '/hello/:name' },
   *   async ({ name }: { name: string }): Promise<{ message: string }> => ({ message: `Hello, ${name}!` }),
   * );
   * ```
   */
  <Resp>(options: ApiOptions, handler: () => Promise<Resp>): Endpoint<void, Resp>;
  <Req, Resp>(options: ApiOptions, handler: (req: Req) => Promise<Resp>): Endpoint<Req, Resp>;

  /**
   * Declares an express-style endpoint, for webhooks, streams and anything else that needs the
   * raw request and response. The service's middleware runs before it.
   *
   * @example
   * ```ts
   * export const hook = api.raw({ expose: true, method: 'POST', path: '/webhooks/stripe' }, (req, res) => {
   *   res.status(204).end();
   * });
   * ```
   */
  raw(options: RawApiOptions, handler: RawHandler): RawEndpoint;
}

function declareTyped<Req, Resp>(options: ApiOptions, handler: (req: Req) => Promise<Resp>): Endpoint<Req, Resp> {
  const declared = declare('typed', options, handler);
  const info: TypedEndpointInfo = Object.freeze({ ...declared, kind: 'typed', methods: declared.methods as readonly Method[], handler: handler as (req: never) => unknown });
  const endpoint = (req: Req): Promise<Resp> => handler(req);
  return withInfo(endpoint, info);
}

function declareRaw(options: RawApiOptions, handler: RawHandler): RawEndpoint {
  const declared = declare('raw', options, handler);
  const info: RawEndpointInfo = Object.freeze({ ...declared, kind: 'raw', handler });
  const endpoint = (req: Request, res: Response): void | Promise<void> => handler(req, res);
  return withInfo(endpoint, info);
}

/** Checks a declaration against the endpoint contract, throwing every problem it has. */
function declare(kind: 'typed' | 'raw', options: unknown, handler: unknown): EndpointDeclaration {
  const where = `${kind === 'raw' ? 'api.raw' : 'api'}(${describePath(options)}, handler)`;
  const read = readEndpointOptions(kind, options);
  if (!read.ok) throw new Error(`${where}: ${read.problems.map(describeProblem).join('; ')}`);
  if (typeof handler !== 'function') throw new Error(`${where}: the handler is ${typeof handler}, not a function`);
  return read.value;
}

function describePath(options: unknown): string {
  const path = typeof options === 'object' && options !== null ? (options as { path?: unknown }).path : undefined;
  return typeof path === 'string' ? `{ path: ${JSON.stringify(path)} }` : 'options';
}

/**
 * Declares an endpoint; see the call signatures. `api.raw` declares an express-style one.
 *
 * @example
 * ```ts
 * export const h1 = api({ expose: true, method: 'GET', path: '/hello/:name' }, async ({ name }: { name: string }) => ({ message: `Hello, ${name}!` }));
 * export const hook = api.raw({ method: 'POST', path: '/hook' }, (req, res) => res.status(204).end());
 * ```
 */
export const api: Api = Object.assign(declareTyped, { raw: declareRaw }) as Api;

function withInfo<F extends (...args: never[]) => unknown, I>(fn: F, info: I): F & { readonly [ENDPOINT]: I } {
  Object.defineProperty(fn, ENDPOINT, { value: info, enumerable: false });
  return fn as F & { readonly [ENDPOINT]: I };
}

/** The declaration behind an endpoint, or undefined for anything that is not one. */
export function endpointInfo(value: unknown): TypedEndpointInfo | RawEndpointInfo | undefined {
  if (typeof value !== 'function') return undefined;
  return (value as Partial<Endpoint<unknown, unknown>>)[ENDPOINT];
}
