import { accepted, refused, type Checked } from './problem';

/**
 * HTTP methods an endpoint can answer.
 *
 * @example
 * ```ts
 * const methods: Method[] = ['GET', 'HEAD'];
 * ```
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

/** Every method an endpoint may name, in the order messages list them. */
export const HTTP_METHODS: readonly Method[] = Object.freeze(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as Method[]);

const KNOWN: ReadonlySet<string> = new Set(HTTP_METHODS);

/** What a raw endpoint's `method` may be instead of a list: every method. */
export const ANY_METHOD = '*';

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

/**
 * Reads an endpoint's `method` option: one method or a list, exactly as spelled in
 * {@link HTTP_METHODS}; a raw endpoint may also say `'*'` for any method. Absent means
 * {@link DEFAULT_METHODS}. Duplicates collapse.
 *
 * @example
 * ```ts
 * readMethods(['GET', 'HEAD'], 'typed'); // { ok: true, value: ['GET', 'HEAD'] }
 * readMethods('get', 'typed').ok; // false: methods are upper-case
 * ```
 */
export function readMethods(method: unknown, kind: 'typed' | 'raw'): Checked<readonly Method[] | typeof ANY_METHOD> {
  if (method === undefined) return accepted(DEFAULT_METHODS);
  if (method === ANY_METHOD && kind === 'raw') return accepted(ANY_METHOD);
  const allowed = `${HTTP_METHODS.join(', ')}${kind === 'raw' ? `, or '${ANY_METHOD}' alone for any method` : ''}`;
  const list = Array.isArray(method) ? method : [method];
  if (list.length === 0) return refused('"method" names no method', `Name at least one of ${allowed}.`);
  for (const entry of list) {
    if (typeof entry !== 'string' || !KNOWN.has(entry)) {
      return refused(`unknown method ${JSON.stringify(entry)}`, `Use one of ${allowed}.`);
    }
  }
  return accepted(Object.freeze([...new Set(list as Method[])]));
}
