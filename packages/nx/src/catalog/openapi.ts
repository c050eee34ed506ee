import { paramNames, parseRoutePath, QUERY_METHODS, type JsonSchema } from '@topo/runtime/contract';
import type { Catalog, CatalogEndpoint } from './model';

/** The OpenAPI document `nx run <app>:catalog` writes beside catalog.json. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
}

/** The error body every endpoint answers with on failure (see `APIError`). */
const ERROR_BODY: JsonSchema = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
  required: ['code', 'message'],
};

/**
 * An OpenAPI 3.1 document of the app's public endpoints: the paths clients reach through
 * the gateway, as the runtime answers them. Private endpoints are left out: they are not
 * reachable from outside. Path parameters (`:id`, `*rest`) become `{id}`, `{rest}`; request
 * fields other than path parameters are query parameters for GET, HEAD and DELETE and a
 * JSON body otherwise; raw endpoints are documented by path and method alone.
 *
 * @example
 * const openapi = toOpenApi(catalog); // { openapi: '3.1.0', paths: { '/hello/{name}': { get: ... } }, ... }
 */
export function toOpenApi(catalog: Catalog): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const service of catalog.services) {
    for (const endpoint of service.endpoints) {
      if (endpoint.access !== 'public') continue;
      const path = openApiPath(endpoint.path);
      const methods = endpoint.methods.includes('*') ? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] : endpoint.methods;
      for (const method of methods) {
        paths[path] ??= {};
        paths[path][method.toLowerCase()] = operation(endpoint, method, methods.length > 1);
      }
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: catalog.app.name,
      version: '1.0.0',
      description: `The public endpoints of app ${catalog.app.name}: ${catalog.services.map((s) => s.name).join(', ')}.`,
    },
    paths,
    components: { schemas: { Error: ERROR_BODY } },
  };
}

function operation(endpoint: CatalogEndpoint, method: string, several: boolean): Record<string, unknown> {
  const segments = parseRoutePath(endpoint.path);
  const pathNames = paramNames(segments);
  const request = endpoint.request ?? {};
  const properties = (request.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(request.required ?? []);
  const parameters: Record<string, unknown>[] = pathNames.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: stringish(properties[name]),
    ...(properties[name]?.description ? { description: properties[name].description } : {}),
  }));
  const fields = Object.keys(properties).filter((name) => !pathNames.includes(name));
  const operation: Record<string, unknown> = {
    operationId: several ? `${endpoint.service}.${endpoint.name}.${method.toLowerCase()}` : `${endpoint.service}.${endpoint.name}`,
    tags: [endpoint.service],
    ...(endpoint.doc ? { summary: endpoint.doc.split('\n')[0], description: endpoint.doc } : {}),
  };
  if (endpoint.kind === 'typed' && QUERY_METHODS.has(method)) {
    for (const name of fields) {
      parameters.push({
        name,
        in: 'query',
        required: required.has(name),
        schema: properties[name],
        ...(properties[name]?.description ? { description: properties[name].description } : {}),
        // A query string repeats a key for an array.
        ...(properties[name]?.type === 'array' ? { style: 'form', explode: true } : {}),
      });
    }
  } else if (endpoint.kind === 'typed' && fields.length > 0) {
    const body: JsonSchema = {
      type: 'object',
      properties: Object.fromEntries(fields.map((name) => [name, properties[name]])),
      required: fields.filter((name) => required.has(name)),
    };
    operation.requestBody = { required: body.required!.length > 0, content: { 'application/json': { schema: body } } };
  }
  if (parameters.length) operation.parameters = parameters;
  const errors = { description: 'An error: its code and message', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  operation.responses =
    endpoint.kind === 'raw'
      ? { default: { description: 'What the handler writes' } }
      : {
          '200': { description: 'The answer', content: { 'application/json': { schema: endpoint.response ?? {} } } },
          '204': { description: 'No answer (the handler returned nothing)' },
          '4XX': errors,
          '5XX': errors,
        };
  return operation;
}

/** `/users/:id/files/*rest` → `/users/{id}/files/{rest}`. */
function openApiPath(path: string): string {
  return `/${parseRoutePath(path)
    .map((segment) => (segment.kind === 'static' ? segment.value : `{${segment.name}}`))
    .join('/')}`;
}

/** Path parameters arrive as strings and are coerced to what the schema says. */
function stringish(schema: JsonSchema | undefined): JsonSchema {
  return schema ?? { type: 'string' };
}
