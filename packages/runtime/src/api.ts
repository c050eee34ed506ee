import type { Request, Response } from 'express';
import { parseRoutePath, type RouteSegment } from './router';

/**
 * HTTP methods an endpoint can answer.
 *
 * @example
 * ```ts
 * const methods: Method[] = ['GET', 'HEAD'];
 * ```
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

const METHODS: ReadonlySet<string> = new Set<Method>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);

/**
 * The methods of an endpoint that names none: GET and POST, as in Encore. Request fields
 * then come from the query string for GET and from the JSON body for POST.
 *
 * @example
 * ```ts
 * // answers GET /greet?name=x and POST /greet {"name":"x"}
 * export const greet = api({ path: '/greet' }, async ({ name }: { name: string }) => ({ name }));
 * ```
 */
export const DEFAULT_METHODS: readonly Method[] = Object.freeze(['GET', 'POST'] as Method[]);

/** Methods whose request fields come from the query string; the others carry a JSON body. */
export const QUERY_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE']);

/** Default request body limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

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
  readonly handler: (req: never) => unknown;
}

/** What the host knows about a raw endpoint. */
export interface RawEndpointInfo {
  readonly kind: 'raw';
  readonly expose: boolean;
  readonly methods: readonly Method[] | '*';
  readonly path: string;
  readonly segments: readonly RouteSegment[];
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
  const where = describeOptions(options);
  if (typeof handler !== 'function') throw new Error(`${where}: the handler is ${typeof handler}, not a function`);
  const info: TypedEndpointInfo = Object.freeze({
    kind: 'typed',
    expose: normalizeExpose(options.expose, where),
    methods: normalizeMethods(options.method, where),
    path: options.path,
    segments: parseRoutePath(options.path),
    bodyLimit: normalizeBodyLimit(options.bodyLimit, where),
    handler: handler as (req: never) => unknown,
  });
  const endpoint = (req: Req): Promise<Resp> => handler(req);
  return withInfo(endpoint, info);
}

function declareRaw(options: RawApiOptions, handler: RawHandler): RawEndpoint {
  const where = describeOptions(options);
  if (typeof handler !== 'function') throw new Error(`${where}: the handler is ${typeof handler}, not a function`);
  const info: RawEndpointInfo = Object.freeze({
    kind: 'raw',
    expose: normalizeExpose(options.expose, where),
    methods: options.method === '*' ? '*' : normalizeMethods(options.method, where),
    path: options.path,
    segments: parseRoutePath(options.path),
    handler,
  });
  const endpoint = (req: Request, res: Response): void | Promise<void> => handler(req, res);
  return withInfo(endpoint, info);
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

function describeOptions(options: { path?: unknown } | undefined): string {
  if (typeof options !== 'object' || options === null) {
    throw new Error('api(options, handler): options must be an object such as { path: "/hello/:name" }');
  }
  return `endpoint ${JSON.stringify(options.path)}`;
}

function normalizeExpose(expose: unknown, where: string): boolean {
  if (expose === undefined) return false;
  if (typeof expose !== 'boolean') throw new Error(`${where}: expose must be true or false, got ${JSON.stringify(expose)}`);
  return expose;
}

function normalizeMethods(method: unknown, where: string): readonly Method[] {
  if (method === undefined) return DEFAULT_METHODS;
  const list = Array.isArray(method) ? method : [method];
  if (list.length === 0) throw new Error(`${where}: method must name at least one HTTP method`);
  for (const entry of list) {
    if (typeof entry !== 'string' || !METHODS.has(entry)) {
      throw new Error(`${where}: unknown method ${JSON.stringify(entry)}; use one of ${[...METHODS].join(', ')}`);
    }
  }
  return Object.freeze([...new Set(list as Method[])]);
}

function normalizeBodyLimit(limit: unknown, where: string): number {
  if (limit === undefined) return DEFAULT_BODY_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
    throw new Error(`${where}: bodyLimit must be a whole number of bytes, got ${JSON.stringify(limit)}`);
  }
  return limit;
}
