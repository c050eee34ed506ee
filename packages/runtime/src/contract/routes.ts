import { accepted, describeProblem, refused, type Checked } from './problem';

/**
 * The route grammar and the route table, shared by the host, the gateway and the static
 * analysis, so that all of them read a path the same way. The table is built once at start:
 * paths without parameters in a map, the others in a segment trie (static segment before
 * parameter before wildcard, backtracking when a branch dead-ends).
 */

/** A segment of a route path: `/users/:id/files/*rest`. */
export type RouteSegment =
  | { kind: 'static'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'wildcard'; name: string };

/** Paths under this prefix belong to Topo itself (health, internal calls, the catalog). */
export const RESERVED_PREFIX = '/__topo/';

const PARAM_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const FORBIDDEN_PARAMS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Reads an endpoint path into its segments, or the rule it breaks: it starts with "/", has
 * no empty segment, `:name` parameters with distinct names, and at most one final `*rest`.
 *
 * @example
 * ```ts
 * readRoutePath('/users/:id/files/*rest'); // { ok: true, value: [static users, param id, static files, wildcard rest] }
 * readRoutePath('/a/:id/:id').ok; // false: the parameter "id" appears twice
 * ```
 */
export function readRoutePath(path: unknown): Checked<RouteSegment[]> {
  if (path === undefined) return refused('the endpoint has no path', 'Add one to its options, like path: "/hello/:name".');
  const fail = (rule: string, fix: string): Checked<RouteSegment[]> => refused(`invalid endpoint path ${JSON.stringify(path)}: ${rule}`, fix);
  if (typeof path !== 'string' || !path.startsWith('/')) return fail('it must start with "/"', 'Write it like "/hello/:name".');
  if (path.startsWith(RESERVED_PREFIX) || path === '/__topo') return fail(`paths under ${RESERVED_PREFIX} are reserved for Topo`, 'Choose a path outside /__topo/.');
  if (/[?#\s]/.test(path)) return fail('it must not contain "?", "#" or whitespace', 'Take request fields from the query string through the handler\'s parameter, not the path.');
  if (path === '/') return accepted([]);
  const names = new Set<string>();
  const parts = path.slice(1).split('/');
  const segments: RouteSegment[] = [];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index];
    if (part === '') return fail('it has an empty segment ("//" or a trailing "/")', 'Remove the empty segment.');
    const marker = part[0];
    if (marker !== ':' && marker !== '*') {
      if (part.includes(':') || part.includes('*')) return fail(`":" and "*" may only start a segment, in "${part}"`, 'Make the parameter a segment of its own, like "/files/:name".');
      segments.push({ kind: 'static', value: part });
      continue;
    }
    const name = part.slice(1);
    if (!PARAM_NAME.test(name)) return fail(`"${part}" needs a parameter name made of letters, digits, "_" or "$"`, `Name it, like "${marker}id".`);
    if (names.has(name)) return fail(`the parameter "${name}" appears twice`, 'Give each parameter its own name.');
    if (FORBIDDEN_PARAMS.has(name)) return fail(`"${name}" cannot name a parameter`, 'Pick another name.');
    names.add(name);
    if (marker === '*' && index !== parts.length - 1) return fail(`the wildcard "${part}" must be the last segment`, `Move "${part}" to the end of the path.`);
    segments.push(marker === ':' ? { kind: 'param', name } : { kind: 'wildcard', name });
  }
  return accepted(segments);
}

/**
 * Parses an endpoint path, throwing the rule it breaks (see {@link readRoutePath}).
 *
 * @example
 * ```ts
 * parseRoutePath('/hello/:name'); // [{ kind: 'static', value: 'hello' }, { kind: 'param', name: 'name' }]
 * ```
 */
export function parseRoutePath(path: string): RouteSegment[] {
  const read = readRoutePath(path);
  if (!read.ok) throw new Error(describeProblem(read.problem));
  return read.value;
}

/** The names of a path's parameters, in order. */
export function paramNames(segments: readonly RouteSegment[]): string[] {
  return segments.flatMap((segment) => (segment.kind === 'static' ? [] : [segment.name]));
}

/** The routes that share one path, by method; `*` answers any method without a route of its own. */
export class MethodTable<T> {
  private readonly byMethod = new Map<string, T>();
  private any: T | undefined;
  /** The value of the `Allow` header of a 405. */
  allow = '';

  set(method: string, value: T): boolean {
    if (method === '*') {
      if (this.any !== undefined) return false;
      this.any = value;
    } else {
      if (this.byMethod.has(method)) return false;
      this.byMethod.set(method, value);
    }
    this.allow = this.computeAllow();
    return true;
  }

  /** The route for a method; HEAD falls back to GET, as HTTP intends. */
  select(method: string): T | undefined {
    const exact = this.byMethod.get(method);
    if (exact !== undefined) return exact;
    if (method === 'HEAD') {
      const get = this.byMethod.get('GET');
      if (get !== undefined) return get;
    }
    return this.any;
  }

  private computeAllow(): string {
    if (this.any !== undefined) return '*';
    const methods = new Set(this.byMethod.keys());
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort().join(', ');
  }
}

/** Where a path led: the routes at that path and the raw (still encoded) parameter values. */
export interface PathMatch<T> {
  table: MethodTable<T>;
  /** Parameter values in path order, percent-decoded. */
  params: readonly string[];
}

interface TrieNode<T> {
  statics: Map<string, TrieNode<T>> | null;
  param: TrieNode<T> | null;
  wildcard: MethodTable<T> | null;
  table: MethodTable<T> | null;
}

const NO_PARAMS: readonly string[] = Object.freeze([]);

/**
 * Routes by path, then by method.
 *
 * @example
 * ```ts
 * const routes = new RouteTable<string>();
 * routes.add('GET', '/hello/:name', 'hello.h1');
 * const match = routes.lookup('/hello/world'); // { table, params: ['world'] }
 * match?.table.select('GET'); // 'hello.h1'
 * ```
 */
export class RouteTable<T> {
  private readonly staticPaths = new Map<string, PathMatch<T>>();
  private readonly root: TrieNode<T> = newNode();
  private readonly labels = new Map<string, string>();

  /**
   * Adds a route. Two routes for the same method and the same path shape (parameter names
   * aside) conflict; the error names both.
   */
  add(method: string, path: string, value: T, label = `${method} ${path}`): void {
    const existing = this.addUnlessTaken(method, path, value, label);
    if (existing !== undefined) {
      throw new Error(`route conflict: ${label} and ${existing} both answer ${method} ${path}; change one of the paths or methods`);
    }
  }

  /**
   * Adds a route unless the method and path shape already have one; returns that route's
   * label then, and adds nothing. The static analysis reports conflicts this way, with
   * the file and line of both endpoints.
   */
  addUnlessTaken(method: string, path: string, value: T, label = `${method} ${path}`): string | undefined {
    const segments = parseRoutePath(path);
    const table = this.tableFor(segments);
    const shape = `${method} ${shapeOf(segments)}`;
    if (!table.set(method, value)) return this.labels.get(shape);
    this.labels.set(shape, label);
    return undefined;
  }

  /** The routes at a path (no query string), or undefined when no route has that path. */
  lookup(path: string): PathMatch<T> | undefined {
    const found = this.staticPaths.get(path);
    if (found !== undefined) return found;
    if (path.charCodeAt(0) !== 47 /* / */) return undefined;
    const params: string[] = [];
    const table = matchNode(this.root, path, 1, params);
    if (table === null) return undefined;
    for (let i = 0; i < params.length; i++) params[i] = decodeSegment(params[i]);
    return { table, params };
  }

  private tableFor(segments: readonly RouteSegment[]): MethodTable<T> {
    if (segments.every((segment) => segment.kind === 'static')) {
      const path = `/${segments.map((segment) => (segment as { value: string }).value).join('/')}`;
      let match = this.staticPaths.get(path);
      if (match === undefined) {
        match = { table: new MethodTable<T>(), params: NO_PARAMS };
        this.staticPaths.set(path, match);
      }
      return match.table;
    }
    let node = this.root;
    for (const segment of segments) {
      if (segment.kind === 'wildcard') return (node.wildcard ??= new MethodTable<T>());
      if (segment.kind === 'param') {
        node = node.param ??= newNode();
      } else {
        node.statics ??= new Map();
        let next = node.statics.get(segment.value);
        if (next === undefined) node.statics.set(segment.value, (next = newNode()));
        node = next;
      }
    }
    return (node.table ??= new MethodTable<T>());
  }
}

function newNode<T>(): TrieNode<T> {
  return { statics: null, param: null, wildcard: null, table: null };
}

function shapeOf(segments: readonly RouteSegment[]): string {
  return `/${segments.map((segment) => (segment.kind === 'static' ? segment.value : segment.kind === 'param' ? ':' : '*')).join('/')}`;
}

/**
 * Matches `path` from `start` (just after a "/") against the trie. Walks the string by index
 * rather than splitting it, and pushes parameter values as it goes, popping them when a
 * branch dead-ends.
 */
function matchNode<T>(node: TrieNode<T>, path: string, start: number, params: string[]): MethodTable<T> | null {
  let end = path.indexOf('/', start);
  if (end === -1) end = path.length;
  const segment = path.slice(start, end);
  const last = end === path.length;

  if (node.statics !== null) {
    const next = node.statics.get(segment);
    if (next !== undefined) {
      const found = last ? next.table : matchNode(next, path, end + 1, params);
      if (found !== null) return found;
    }
  }
  if (node.param !== null && segment !== '') {
    params.push(segment);
    const found = last ? node.param.table : matchNode(node.param, path, end + 1, params);
    if (found !== null) return found;
    params.pop();
  }
  if (node.wildcard !== null && start < path.length) {
    params.push(path.slice(start));
    return node.wildcard;
  }
  return null;
}

function decodeSegment(raw: string): string {
  if (raw.indexOf('%') === -1) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    // The host and the gateway refuse a path with a malformed escape (400) before routing;
    // other callers get the segment as sent.
    return raw;
  }
}
