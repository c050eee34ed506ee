/**
 * The JSON Schema subset that the static analysis writes for an endpoint's request and
 * response types, and that request validation and the catalog read:
 * `{ type: 'object', properties, required, additionalProperties }`, the scalar types,
 * `{ type: 'array', items }`, `enum`, `const`, `anyOf`, `description`, and `{}` for
 * anything. Validation ignores the keywords it does not know.
 *
 * @example
 * ```ts
 * const schema: JsonSchema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
 * ```
 */
export interface JsonSchema {
  type?: JsonType | JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  description?: string;
  [keyword: string]: unknown;
}

/**
 * The `type` values of {@link JsonSchema}.
 *
 * @example
 * ```ts
 * const type: JsonType = 'integer';
 * ```
 */
export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';
