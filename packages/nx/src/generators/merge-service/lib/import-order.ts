/**
 * The order a module keeps its imports in, when it keeps one: packages first, then relative
 * paths (`../` before `./`), each by specifier; names by their letters, case aside. The merge
 * puts the imports and names it writes in that order when the module's own are in it, and
 * leaves them after the others when they are not.
 */

/** Whether `items` are in the order `compare` gives. */
export function isSorted<T>(items: readonly T[], compare: (a: T, b: T) => number): boolean {
  return items.every((item, i) => i === 0 || compare(items[i - 1], item) <= 0);
}

/**
 * Names by their letters, case aside, as import sorters order them.
 *
 * @example
 * ['ErrCode', 'api', 'APIError'].sort(compareNames); // ['api', 'APIError', 'ErrCode']
 */
export function compareNames(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Module specifiers: packages first, then relative paths (`../` before `./`), each by its text, case aside.
 *
 * @example
 * ['./a', '@topo/runtime', '../b'].sort(compareSpecifiers); // ['@topo/runtime', '../b', './a']
 */
export function compareSpecifiers(a: string, b: string): number {
  const relative = (s: string) => (s.startsWith('.') ? 1 : 0);
  return relative(a) - relative(b) || compareNames(a, b);
}
