/**
 * The conformance table of the endpoint contract: one list of cases that the runtime
 * (`contract.spec.ts` here) and `@topo/nx`'s static analysis (`analysis/contract.spec.ts`)
 * both run, so that whatever one accepts the other accepts, and both refuse the rest with
 * the same words. Add a case here, never to one side only.
 */

/** The options of one endpoint, exactly as a user writes them. */
export interface EndpointOptionsCase {
  title: string;
  kind: 'typed' | 'raw';
  options: Record<string, unknown>;
  /** What the declaration means once accepted. */
  means?: { expose: boolean; methods: string[]; path: string };
  /** For a refused case: text both sides' messages contain. */
  refused?: string;
}

/** Two endpoints served by one app: may both routes live in one process? */
export interface RoutePairCase {
  title: string;
  /** Each endpoint's kind and options; `service` tells whether they sit in one service or two. */
  first: { kind: 'typed' | 'raw'; options: Record<string, unknown> };
  second: { kind: 'typed' | 'raw'; options: Record<string, unknown> };
  service: 'same' | 'other';
  conflict: boolean;
}

/** A name given to `new Service(name)`. */
export interface ServiceNameCase {
  name: string;
  /** For a refused name: text both sides' messages contain. */
  refused?: string;
}

const GET = (path: string, extra: Record<string, unknown> = {}) => ({ expose: true, method: 'GET', path, ...extra });

export const ENDPOINT_OPTIONS_CASES: EndpointOptionsCase[] = [
  { title: 'a public GET with a parameter', kind: 'typed', options: GET('/hello/:name'), means: { expose: true, methods: ['GET'], path: '/hello/:name' } },
  { title: 'no method: the default GET and POST', kind: 'typed', options: { path: '/greet' }, means: { expose: false, methods: ['GET', 'POST'], path: '/greet' } },
  { title: 'a list of methods, duplicates collapsed', kind: 'typed', options: { method: ['PUT', 'PATCH', 'PUT'], path: '/a' }, means: { expose: false, methods: ['PUT', 'PATCH'], path: '/a' } },
  { title: 'the root path', kind: 'typed', options: GET('/'), means: { expose: true, methods: ['GET'], path: '/' } },
  { title: 'a final wildcard', kind: 'raw', options: { method: '*', path: '/files/:owner/*rest' }, means: { expose: false, methods: ['*'], path: '/files/:owner/*rest' } },
  { title: 'expose: false written out', kind: 'typed', options: { expose: false, method: 'DELETE', path: '/items/:id' }, means: { expose: false, methods: ['DELETE'], path: '/items/:id' } },
  { title: 'a body limit', kind: 'typed', options: { method: 'POST', path: '/upload', bodyLimit: 1024 }, means: { expose: false, methods: ['POST'], path: '/upload' } },
  { title: 'a timeout', kind: 'typed', options: GET('/slow', { timeout: 5_000 }), means: { expose: true, methods: ['GET'], path: '/slow' } },
  { title: 'a timeout on a raw endpoint', kind: 'raw', options: { method: '*', path: '/stream', timeout: 60_000 }, means: { expose: false, methods: ['*'], path: '/stream' } },
  { title: 'a lower-case method', kind: 'typed', options: GET('/a', { method: 'get' }), refused: 'unknown method "get"' },
  { title: 'an unknown method', kind: 'typed', options: GET('/a', { method: 'FETCH' }), refused: 'unknown method "FETCH"' },
  { title: 'an empty list of methods', kind: 'typed', options: GET('/a', { method: [] }), refused: '"method" names no method' },
  { title: '"*" on a typed endpoint', kind: 'typed', options: GET('/a', { method: '*' }), refused: 'unknown method "*"' },
  { title: '"*" inside a list on a raw endpoint', kind: 'raw', options: GET('/a', { method: ['GET', '*'] }), refused: 'unknown method "*"' },
  { title: 'a path under /__topo/', kind: 'typed', options: GET('/__topo/stats'), refused: 'paths under /__topo/ are reserved for Topo' },
  { title: 'a parameter named twice', kind: 'typed', options: GET('/a/:id/:id'), refused: 'the parameter "id" appears twice' },
  { title: 'a path without a leading slash', kind: 'typed', options: GET('hello'), refused: 'it must start with "/"' },
  { title: 'an empty segment', kind: 'typed', options: GET('/a//b'), refused: 'it has an empty segment' },
  { title: 'a trailing slash', kind: 'typed', options: GET('/a/'), refused: 'it has an empty segment' },
  { title: 'a wildcard before the end', kind: 'raw', options: GET('/a/*rest/b'), refused: 'the wildcard "*rest" must be the last segment' },
  { title: 'a parameter inside a segment', kind: 'typed', options: GET('/a/b:c'), refused: '":" and "*" may only start a segment' },
  { title: 'a parameter without a name', kind: 'typed', options: GET('/a/:'), refused: '":" needs a parameter name' },
  { title: 'a parameter named __proto__', kind: 'typed', options: GET('/a/:__proto__'), refused: '"__proto__" cannot name a parameter' },
  { title: 'a query string in the path', kind: 'typed', options: GET('/a?x=1'), refused: 'it must not contain "?"' },
  { title: 'a string for expose', kind: 'typed', options: GET('/a', { expose: 'yes' }), refused: '"expose" must be true or false' },
  { title: 'a path that is not a string', kind: 'typed', options: GET('/a', { path: 42 }), refused: 'invalid endpoint path 42: it must start with "/"' },
  { title: 'a negative body limit', kind: 'typed', options: GET('/a', { bodyLimit: -1 }), refused: '"bodyLimit" must be a whole number of bytes' },
  { title: 'a timeout of zero', kind: 'typed', options: GET('/a', { timeout: 0 }), refused: '"timeout" must be a whole number of milliseconds from 1 to 2147483647' },
  { title: 'a timeout in seconds as a string', kind: 'raw', options: GET('/a', { timeout: '5s' }), refused: '"timeout" must be a whole number of milliseconds' },
  { title: 'no path', kind: 'typed', options: { expose: true, method: 'GET' }, refused: 'the endpoint has no path' },
];

export const ROUTE_PAIR_CASES: RoutePairCase[] = [
  { title: 'the same method and path shape, parameter names aside', first: { kind: 'typed', options: GET('/a/:id') }, second: { kind: 'typed', options: GET('/a/:name') }, service: 'same', conflict: true },
  { title: 'the same route in two services of one app', first: { kind: 'typed', options: GET('/x') }, second: { kind: 'typed', options: GET('/x') }, service: 'other', conflict: true },
  { title: 'a public and a private endpoint on one route', first: { kind: 'typed', options: GET('/x') }, second: { kind: 'typed', options: { method: 'GET', path: '/x' } }, service: 'other', conflict: true },
  { title: 'the default methods against POST', first: { kind: 'typed', options: { path: '/a' } }, second: { kind: 'typed', options: { method: 'POST', path: '/a' } }, service: 'same', conflict: true },
  { title: 'two methods on one path', first: { kind: 'typed', options: GET('/a/:id') }, second: { kind: 'typed', options: GET('/a/:id', { method: 'POST' }) }, service: 'same', conflict: false },
  { title: 'a raw "*" beside a typed GET on one path', first: { kind: 'raw', options: { method: '*', path: '/a' } }, second: { kind: 'typed', options: GET('/a') }, service: 'same', conflict: false },
  { title: 'two raw "*" on one path', first: { kind: 'raw', options: { method: '*', path: '/a/:x' } }, second: { kind: 'raw', options: { method: '*', path: '/a/:y' } }, service: 'other', conflict: true },
  { title: 'a static segment beside a parameter', first: { kind: 'typed', options: GET('/a/b') }, second: { kind: 'typed', options: GET('/a/:id') }, service: 'same', conflict: false },
  { title: 'a wildcard beside a parameter', first: { kind: 'typed', options: GET('/files/*rest') }, second: { kind: 'typed', options: GET('/files/:name') }, service: 'same', conflict: false },
  { title: 'HEAD beside GET', first: { kind: 'typed', options: GET('/a', { method: 'HEAD' }) }, second: { kind: 'typed', options: GET('/a') }, service: 'same', conflict: false },
];

export const SERVICE_NAME_CASES: ServiceNameCase[] = [
  { name: 'hello' },
  { name: 'user-profile' },
  { name: 'v2-api' },
  { name: 'UserProfile', refused: 'invalid service name "UserProfile"' },
  { name: 'user_profile', refused: 'invalid service name "user_profile"' },
  { name: 'a--b', refused: 'invalid service name "a--b"' },
  { name: '2fa', refused: 'invalid service name "2fa"' },
  { name: 'trailing-', refused: 'invalid service name "trailing-"' },
];
