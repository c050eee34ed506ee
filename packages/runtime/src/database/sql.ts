/**
 * The one way SQL text is made from a tagged template: the literal parts joined by `$1..$n`,
 * every interpolated value sent as a bound parameter. No value is ever spliced into the text,
 * whatever its type, so no value can change what the statement does.
 */

/** A statement ready for the driver: its text and the values of its parameters. */
export interface BoundStatement {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * Joins a tagged template's literal parts with numbered placeholders.
 *
 * @example
 * ```ts
 * const id = "1; DROP TABLE orders";
 * bindTemplate(['SELECT * FROM orders WHERE id = ', ''] as unknown as TemplateStringsArray, [id]);
 * // { text: 'SELECT * FROM orders WHERE id = $1', values: ['1; DROP TABLE orders'] }
 * ```
 */
export function bindTemplate(strings: TemplateStringsArray, values: readonly unknown[]): BoundStatement {
  if (!isTemplate(strings)) {
    throw new TypeError('a query is a tagged template: write db.queryRow`SELECT ... WHERE id = ${id}`, or use db.rawQueryRow(sql, ...params) for SQL text');
  }
  let text = strings[0];
  for (let i = 1; i < strings.length; i++) text += `$${i}${strings[i]}`;
  return { text, values: values as unknown[] };
}

/** A plain string passed where a template belongs would be SQL text spliced by the caller. */
function isTemplate(strings: unknown): strings is TemplateStringsArray {
  return Array.isArray(strings) && Array.isArray((strings as unknown as TemplateStringsArray).raw);
}

/** Checks the SQL text of the raw helpers: a string, with the values passed separately. */
export function bindRaw(sql: unknown, params: readonly unknown[]): BoundStatement {
  if (typeof sql !== 'string') throw new TypeError(`rawQuery(sql, ...params): sql must be a string of SQL text, not ${typeof sql}`);
  return { text: sql, values: params as unknown[] };
}
