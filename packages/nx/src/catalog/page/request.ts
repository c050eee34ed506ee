import { HTTP_METHODS, QUERY_METHODS, readRoutePath, type JsonSchema, type RouteSegment } from '@topo/runtime/contract';
import type { CatalogEndpoint } from '../model';
import { exampleValue, isObjectSchema, typeLabel } from './schema';

/**
 * What the try-it-out form asks for and the request it sends, read with the runtime's own
 * rules (route grammar, which methods carry the request in the query string): path
 * parameters, then query fields for GET/HEAD/DELETE, or a JSON body for the others. Pure
 * functions, tested in node.
 */

/** One input of the form. */
export interface FormField {
  /** `path:id`, `query:punctuation`. */
  key: string;
  name: string;
  source: 'path' | 'query';
  type: string;
  required: boolean;
  description?: string;
}

/** The methods the form offers: the endpoint's own, or every method for a raw `*` endpoint. */
export function formMethods(endpoint: CatalogEndpoint): string[] {
  return endpoint.methods.includes('*') ? [...HTTP_METHODS] : endpoint.methods;
}

export function usesQuery(method: string): boolean {
  return QUERY_METHODS.has(method);
}

function pathSegments(path: string): RouteSegment[] {
  const read = readRoutePath(path);
  return read.ok ? read.value : [];
}

/** The path parameters of an endpoint, in order (`*rest` included). */
export function pathParameters(endpoint: CatalogEndpoint): string[] {
  return pathSegments(endpoint.path).flatMap((segment) => (segment.kind === 'static' ? [] : [segment.name]));
}

function requestFields(endpoint: CatalogEndpoint): { properties: Record<string, JsonSchema>; required: Set<string> } {
  const request = endpoint.kind === 'typed' && endpoint.request && isObjectSchema(endpoint.request) ? endpoint.request : undefined;
  return { properties: request?.properties ?? {}, required: new Set(request?.required ?? []) };
}

/**
 * The form's inputs for `method`: path parameters always; for a query method, every other
 * top-level request field as a query input (a raw endpoint gets one free query string).
 *
 * @example
 * formFields(greet, 'GET').map((f) => f.key); // ['path:id', 'query:punctuation']
 */
export function formFields(endpoint: CatalogEndpoint, method: string): FormField[] {
  const { properties, required } = requestFields(endpoint);
  const params = pathParameters(endpoint);
  const fields: FormField[] = params.map((name) => ({
    key: `path:${name}`,
    name,
    source: 'path',
    type: properties[name] ? typeLabel(properties[name]) : 'string',
    required: true,
    ...(properties[name]?.description ? { description: properties[name].description } : {}),
  }));
  if (!usesQuery(method)) return fields;
  if (endpoint.kind === 'raw') return [...fields, { key: 'query:', name: 'query string', source: 'query', type: 'string', required: false, description: 'Sent as is after "?", like a=1&b=2.' }];
  for (const [name, schema] of Object.entries(properties)) {
    if (params.includes(name)) continue;
    fields.push({
      key: `query:${name}`,
      name,
      source: 'query',
      type: typeLabel(schema),
      required: required.has(name),
      ...(schema.description ? { description: schema.description } : {}),
    });
  }
  return fields;
}

/** The JSON body the form starts from for a body method: an example of the request, path parameters left out. */
export function exampleBody(endpoint: CatalogEndpoint): string {
  if (endpoint.kind === 'raw') return '';
  const { properties } = requestFields(endpoint);
  const params = new Set(pathParameters(endpoint));
  const example = exampleValue(endpoint.request);
  if (example && typeof example === 'object' && !Array.isArray(example)) {
    const body = Object.fromEntries(Object.entries(example).filter(([name]) => !params.has(name) && name in properties));
    return JSON.stringify(body, null, 2);
  }
  return example === null ? '' : JSON.stringify(example, null, 2);
}

/** The request the form sends. */
export interface TryRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A value the user left out that the endpoint needs. */
export class MissingValue extends Error {}

/**
 * The request for the form's values (keyed like {@link FormField.key}, plus `body`): the
 * path with its parameters encoded, the query string, the JSON body. Array query fields
 * take comma-separated values, each sent as a repeated key, as the runtime reads them.
 *
 * @example
 * buildRequest(get, 'GET', { 'path:id': '1' }); // { method: 'GET', url: '/users/1', headers: {} }
 */
export function buildRequest(endpoint: CatalogEndpoint, method: string, values: Readonly<Record<string, string>>): TryRequest {
  let url = '';
  for (const segment of pathSegments(endpoint.path)) {
    if (segment.kind === 'static') {
      url += `/${segment.value}`;
      continue;
    }
    const value = values[`path:${segment.name}`] ?? '';
    if (value === '') throw new MissingValue(`Fill in the path parameter "${segment.name}".`);
    url += '/' + (segment.kind === 'wildcard' ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value));
  }
  if (url === '') url = '/';
  const fields = formFields(endpoint, method);
  const query = new URLSearchParams();
  let rawQuery = '';
  for (const field of fields) {
    if (field.source !== 'query') continue;
    const value = values[field.key] ?? '';
    if (field.key === 'query:') {
      rawQuery = value.replace(/^\?/, '');
      continue;
    }
    if (value === '') {
      if (field.required) throw new MissingValue(`Fill in the query field "${field.name}".`);
      continue;
    }
    if (field.type.endsWith('[]')) for (const item of value.split(',')) query.append(field.name, item.trim());
    else query.append(field.name, value);
  }
  const search = rawQuery || query.toString();
  if (search) url += `?${search}`;
  if (usesQuery(method)) return { method, url, headers: {} };
  const body = values.body ?? '';
  return body.trim() === '' ? { method, url, headers: {} } : { method, url, headers: { 'content-type': 'application/json' }, body };
}

/** An answer as the form shows it: JSON pretty-printed, anything else as text. */
export function formatAnswerBody(text: string, contentType: string | null): string {
  if (text === '') return '';
  if (contentType?.includes('json') || /^\s*[[{"]/.test(text)) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }
  return text;
}
