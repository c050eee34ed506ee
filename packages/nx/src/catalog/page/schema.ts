import type { JsonSchema } from '@topo/runtime/contract';

/**
 * JSON Schemas (the contract's subset: objects, arrays, scalars, enum, const, anyOf,
 * description) read for people: a type in TypeScript's words, and a schema flattened into
 * table rows with nested fields indented under their parent. Also the example value the
 * try-it-out form starts from. Pure functions, tested in node.
 */

/** One row of a schema table. */
export interface SchemaRow {
  /** 0 for a top-level field. */
  depth: number;
  /** Where the field sits: `address.`, `items[].`; empty at the top. */
  parent: string;
  name: string;
  type: string;
  /** Undefined for rows that are not object fields (array items, variants, the whole body). */
  required?: boolean;
  description?: string;
}

const MAX_DEPTH = 12;

/**
 * A schema's type in TypeScript's words.
 *
 * @example
 * typeLabel({ type: 'array', items: { type: 'string' } }); // 'string[]'
 * typeLabel({ enum: ['a', 'b'] }); // '"a" | "b"'
 */
export function typeLabel(schema: JsonSchema | undefined): string {
  if (!schema || typeof schema !== 'object') return 'any';
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (Array.isArray(schema.anyOf)) return [...new Set(schema.anyOf.map((member) => typeLabel(member)))].join(' | ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) {
    if (schema.properties || schema.additionalProperties) return objectLabel(schema);
    if (schema.items) return arrayLabel(schema);
    return 'any';
  }
  return types.map((type) => (type === 'array' ? arrayLabel(schema) : type === 'object' ? objectLabel(schema) : type)).join(' | ');
}

function arrayLabel(schema: JsonSchema): string {
  const item = typeLabel(schema.items);
  return item.includes(' ') ? `(${item})[]` : `${item}[]`;
}

function objectLabel(schema: JsonSchema): string {
  const extra = schema.additionalProperties;
  if (!schema.properties && extra && typeof extra === 'object') return `Record<string, ${typeLabel(extra)}>`;
  return 'object';
}

/**
 * The rows of a schema table: an object's fields (nested objects, array items and anyOf
 * variants under them, indented); anything else as one row for the whole body.
 *
 * @example
 * schemaRows({ type: 'object', properties: { id: { type: 'number' } }, required: ['id'] });
 * // [{ depth: 0, parent: '', name: 'id', type: 'number', required: true }]
 */
export function schemaRows(schema: JsonSchema): SchemaRow[] {
  const rows: SchemaRow[] = [];
  if (isObjectSchema(schema)) fieldRows(schema, 0, '', rows);
  else if (!isAny(schema)) {
    rows.push({ depth: 0, parent: '', name: '(body)', type: typeLabel(schema), ...(schema.description ? { description: schema.description } : {}) });
    nestedRows(schema, 1, '', rows);
  }
  return rows;
}

/** Whether the schema says nothing: any JSON (`{}`), what `void` and untyped handlers get. */
export function isAny(schema: JsonSchema | undefined): boolean {
  return !schema || Object.keys(schema).filter((key) => key !== 'description').length === 0;
}

/** An object with named fields (or a map), as opposed to a scalar, an array or a union. */
export function isObjectSchema(schema: JsonSchema): boolean {
  return (schema.type === 'object' || (schema.type === undefined && schema.properties !== undefined)) && !schema.anyOf && !schema.enum;
}

function fieldRows(schema: JsonSchema, depth: number, parent: string, rows: SchemaRow[]): void {
  if (depth > MAX_DEPTH) return;
  const required = new Set(schema.required ?? []);
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    rows.push({ depth, parent, name, type: typeLabel(field), required: required.has(name), ...(field.description ? { description: field.description } : {}) });
    nestedRows(field, depth + 1, `${parent}${name}`, rows);
  }
  const extra = schema.additionalProperties;
  if (extra && typeof extra === 'object' && !isAny(extra)) {
    const name = '[key: string]';
    rows.push({ depth, parent, name, type: typeLabel(extra), required: false, ...(extra.description ? { description: extra.description } : {}) });
    nestedRows(extra, depth + 1, `${parent}${name}`, rows);
  }
}

/** The rows under a field: its own fields, its items', its variants'. */
function nestedRows(schema: JsonSchema, depth: number, path: string, rows: SchemaRow[]): void {
  if (depth > MAX_DEPTH) return;
  if (isObjectSchema(schema)) {
    fieldRows(schema, depth, path ? `${path}.` : '', rows);
  } else if (schema.items && (schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array')))) {
    nestedRows(schema.items, depth, `${path}[]`, rows);
  } else if (Array.isArray(schema.anyOf)) {
    const structured = schema.anyOf.filter((member) => isObjectSchema(member) || member.items !== undefined);
    if (structured.length === 1) nestedRows(structured[0], depth, path, rows);
    else
      structured.forEach((member, index) => {
        rows.push({ depth, parent: path ? `${path} ` : '', name: `variant ${index + 1}`, type: typeLabel(member), ...(member.description ? { description: member.description } : {}) });
        nestedRows(member, depth + 1, `${path}(${index + 1})`, rows);
      });
  }
}

/**
 * A value that fits the schema, to start a request body from: the first enum value, empty
 * strings, zeros, false, every field of an object.
 *
 * @example
 * exampleValue({ type: 'object', properties: { item: { type: 'string' }, quantity: { type: 'integer' } } }); // { item: '', quantity: 0 }
 */
export function exampleValue(schema: JsonSchema | undefined, depth = 0): unknown {
  if (!schema || depth > MAX_DEPTH) return null;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0] ?? null;
  if (Array.isArray(schema.anyOf)) {
    const member = schema.anyOf.find((candidate) => candidate.type !== 'null') ?? schema.anyOf[0];
    return exampleValue(member, depth + 1);
  }
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const type = types.find((candidate) => candidate !== 'null') ?? types[0] ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array':
      return [];
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, field]) => [name, exampleValue(field, depth + 1)]));
    default:
      return null;
  }
}
