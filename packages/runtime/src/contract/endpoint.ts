import { readMethods, type ANY_METHOD, type Method } from './methods';
import { accepted, refused, type Checked, type ContractProblem } from './problem';
import { readRoutePath, type RouteSegment } from './routes';

/** Default request body limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Default time an endpoint has to answer, in milliseconds: the gateway's default too. */
export const DEFAULT_TIMEOUT_MS = 30 * 1000;

/** The longest `timeout` a timer can keep: 2^31 - 1 ms, about 24.8 days. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** What an endpoint declares, once its options passed every rule. */
export interface EndpointDeclaration {
  readonly kind: 'typed' | 'raw';
  readonly expose: boolean;
  /** The methods it answers; `'*'` (raw endpoints only) for any. */
  readonly methods: readonly Method[] | typeof ANY_METHOD;
  readonly path: string;
  readonly segments: readonly RouteSegment[];
  readonly bodyLimit: number;
  /** Milliseconds the handler has to answer, calls it makes included: then 504 `deadline_exceeded`. */
  readonly timeout: number;
}

/**
 * Reads `expose`: absent is private.
 *
 * @example
 * ```ts
 * readExpose(true); // { ok: true, value: true }
 * ```
 */
export function readExpose(expose: unknown): Checked<boolean> {
  if (expose === undefined) return accepted(false);
  if (typeof expose === 'boolean') return accepted(expose);
  return refused(`"expose" must be true or false, not ${JSON.stringify(expose)}`, 'Write expose: true for a public endpoint; leave it out for a private one.');
}

/**
 * Reads `bodyLimit`: a whole number of bytes, default {@link DEFAULT_BODY_LIMIT}.
 *
 * @example
 * ```ts
 * readBodyLimit(64 * 1024); // { ok: true, value: 65536 }
 * ```
 */
export function readBodyLimit(limit: unknown): Checked<number> {
  if (limit === undefined) return accepted(DEFAULT_BODY_LIMIT);
  if (typeof limit === 'number' && Number.isInteger(limit) && limit >= 0) return accepted(limit);
  return refused(`"bodyLimit" must be a whole number of bytes, not ${JSON.stringify(limit)}`, 'Write it like bodyLimit: 64 * 1024.');
}

/**
 * Reads `timeout`: a whole number of milliseconds from 1 to {@link MAX_TIMEOUT_MS}, default
 * {@link DEFAULT_TIMEOUT_MS}.
 *
 * @example
 * ```ts
 * readTimeout(5_000); // { ok: true, value: 5000 }
 * ```
 */
export function readTimeout(timeout: unknown): Checked<number> {
  if (timeout === undefined) return accepted(DEFAULT_TIMEOUT_MS);
  if (typeof timeout === 'number' && Number.isInteger(timeout) && timeout >= 1 && timeout <= MAX_TIMEOUT_MS) return accepted(timeout);
  return refused(
    `"timeout" must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, not ${JSON.stringify(timeout)}`,
    'Write it like timeout: 5_000 (five seconds); leave it out for the default of 30 seconds.',
  );
}

/**
 * Reads the options of `api(options, handler)` (kind `typed`) or `api.raw(options, handler)`
 * (kind `raw`): every rule an endpoint's options must keep, with every problem found. The
 * runtime runs it when a module declares an endpoint; the static analysis runs the same
 * readers on the literals it finds, so both accept exactly the same endpoints.
 *
 * @example
 * ```ts
 * readEndpointOptions('typed', { expose: true, method: 'GET', path: '/hello/:name' });
 * // { ok: true, value: { kind: 'typed', expose: true, methods: ['GET'], path: '/hello/:name', ... } }
 * ```
 */
export function readEndpointOptions(
  kind: 'typed' | 'raw',
  options: unknown,
): { ok: true; value: EndpointDeclaration } | { ok: false; problems: ContractProblem[] } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return { ok: false, problems: [{ message: 'the options must be an object', fix: 'Write them like { expose: true, method: "GET", path: "/hello/:name" }.' }] };
  }
  const { expose, method, path, bodyLimit, timeout } = options as Record<string, unknown>;
  const read = {
    expose: readExpose(expose),
    methods: readMethods(method, kind),
    segments: readRoutePath(path),
    bodyLimit: readBodyLimit(kind === 'typed' ? bodyLimit : undefined),
    timeout: readTimeout(timeout),
  };
  const problems = Object.values(read).flatMap((checked) => (checked.ok ? [] : [checked.problem]));
  if (!read.expose.ok || !read.methods.ok || !read.segments.ok || !read.bodyLimit.ok || !read.timeout.ok) return { ok: false, problems };
  return {
    ok: true,
    value: Object.freeze({
      kind,
      expose: read.expose.value,
      methods: read.methods.value,
      path: path as string,
      segments: read.segments.value,
      bodyLimit: read.bodyLimit.value,
      timeout: read.timeout.value,
    }),
  };
}
