import { QUERY_METHODS, endpointInfo, type Endpoint, type RawEndpoint, type RawEndpointInfo, type TypedEndpointInfo } from '../api';
import type { LocalEndpoint } from '../registry';
import { RouteTable, paramNames } from '../contract';
import { Service, assertServiceName } from '../service';
import { compileRequestCheck, type Check, type JsonSchema } from '../validation';

/**
 * One endpoint as the entry module lists it: export name, the endpoint, its request schema.
 *
 * @example
 * ```ts
 * const entry: HostedEndpoint = { name: 'h1', endpoint: h1, schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } };
 * ```
 */
export interface HostedEndpoint {
  name: string;
  endpoint: Endpoint<never, unknown> | RawEndpoint;
  schema?: JsonSchema;
}

/**
 * One service a process hosts, with its endpoints.
 *
 * @example
 * ```ts
 * const hosted: HostedService = { service: new Service('hello'), endpoints: [{ name: 'h1', endpoint: h1 }] };
 * ```
 */
export interface HostedService {
  service: Service;
  endpoints: HostedEndpoint[];
}

/** A typed endpoint, compiled for serving: its checks are built once, here. */
export interface TypedRoute {
  readonly kind: 'typed';
  readonly service: string;
  readonly name: string;
  readonly expose: boolean;
  readonly handler: (req: unknown) => unknown;
  readonly paramNames: readonly string[];
  readonly bodyLimit: number;
  /** Milliseconds the handler has to answer. */
  readonly timeout: number;
  /** Fields from the path and the query string: every field arrives as a string. */
  readonly queryCheck: Check | null;
  /** Fields from the path (strings) and a JSON body (typed). */
  readonly bodyCheck: Check | null;
  /** A JSON request, as internal calls and in-process calls send it. */
  readonly strictCheck: Check | null;
  /** Whether requests go through the service's express app, for its middleware. */
  readonly viaExpress: boolean;
}

/** A raw endpoint: always served by its service's express app. */
export interface RawRoute {
  readonly kind: 'raw';
  readonly service: string;
  readonly name: string;
  readonly expose: boolean;
  readonly info: RawEndpointInfo;
  readonly viaExpress: true;
}

export type Route = TypedRoute | RawRoute;

/** What a process serves, worked out once at start. */
export interface HostPlan {
  readonly services: readonly Service[];
  /** Every route: what a caller with a valid credential may reach. */
  readonly routes: RouteTable<Route>;
  /** Public routes only: what a client of an edge process (mono) sees, as the gateway would. */
  readonly publicRoutes: RouteTable<Route>;
  /** service → export name → typed route, for `/__topo/call/...`. */
  readonly callable: ReadonlyMap<string, ReadonlyMap<string, TypedRoute>>;
  /** service → raw endpoint export names, to tell an internal caller why it cannot call them. */
  readonly rawNames: ReadonlyMap<string, ReadonlySet<string>>;
  /** Services that need an express app (middleware or raw endpoints). */
  readonly expressServices: readonly Service[];
  /** Every raw endpoint, to mount on its service's express app. */
  readonly rawRoutes: readonly RawRoute[];
  /** The same typed endpoints as `callable`, as clients in this process call them. */
  readonly local: ReadonlyMap<string, ReadonlyMap<string, LocalEndpoint>>;
}

/**
 * Compiles the services of a process into its routing tables and checks. Every mistake in
 * the list (a duplicate service, a value that is not an endpoint, two routes for one path)
 * is an error naming the service and endpoint.
 */
export function planHost(services: readonly HostedService[]): HostPlan {
  const routes = new RouteTable<Route>();
  const publicRoutes = new RouteTable<Route>();
  const callable = new Map<string, Map<string, TypedRoute>>();
  const rawNames = new Map<string, Set<string>>();
  const local = new Map<string, Map<string, LocalEndpoint>>();
  const expressServices: Service[] = [];
  const rawRoutes: RawRoute[] = [];

  for (const hosted of checkServices(services)) {
    const { service } = hosted;
    const typed = new Map<string, TypedRoute>();
    const raw = new Set<string>();
    for (const entry of checkEndpoints(service.name, hosted.endpoints)) {
      const info = endpointInfo(entry.endpoint)!;
      const route = info.kind === 'typed' ? compileTyped(service, entry, info) : compileRaw(service, entry, info);
      if (route.kind === 'typed') typed.set(entry.name, route);
      else {
        raw.add(entry.name);
        rawRoutes.push(route);
      }
      addRoute(routes, route, info);
      if (route.expose) addRoute(publicRoutes, route, info);
    }
    callable.set(service.name, typed);
    rawNames.set(service.name, raw);
    local.set(service.name, new Map([...typed].map(([name, route]) => [name, toLocalEndpoint(route)])));
    if (service.middleware.length > 0 || raw.size > 0) expressServices.push(service);
  }

  return { services: services.map((hosted) => hosted.service), routes, publicRoutes, callable, rawNames, expressServices, rawRoutes, local };
}

function checkServices(services: readonly HostedService[]): readonly HostedService[] {
  if (!Array.isArray(services) || services.length === 0) {
    throw new Error('a process must host at least one service: pass services: [{ service, endpoints }]');
  }
  const seen = new Set<string>();
  services.forEach((hosted, index) => {
    const service = hosted?.service as Partial<Service> | undefined;
    if (!(service instanceof Service) && (typeof service?.name !== 'string' || !Array.isArray(service?.middleware))) {
      throw new Error(`services[${index}].service is not a Service: pass the default export of the service's service.ts (new Service('name'))`);
    }
    assertServiceName(service.name);
    if (seen.has(service.name)) throw new Error(`service "${service.name}" is listed twice in this process; list each service once`);
    seen.add(service.name);
    if (!Array.isArray(hosted.endpoints)) throw new Error(`service "${service.name}": endpoints must be an array of { name, endpoint, schema? }`);
  });
  return services;
}

function checkEndpoints(service: string, endpoints: readonly HostedEndpoint[]): readonly HostedEndpoint[] {
  const names = new Set<string>();
  for (const entry of endpoints) {
    if (typeof entry?.name !== 'string' || entry.name === '') throw new Error(`service "${service}": every endpoint entry needs its export name`);
    if (names.has(entry.name)) throw new Error(`service "${service}" lists endpoint "${entry.name}" twice; export names must be unique within a service`);
    names.add(entry.name);
    if (endpointInfo(entry.endpoint) === undefined) {
      throw new Error(
        `${service}.${entry.name} is not an endpoint (got ${typeof entry.endpoint}): declare it with api(...) or api.raw(...) and export it`,
      );
    }
  }
  return endpoints;
}

function compileTyped(service: Service, entry: HostedEndpoint, info: TypedEndpointInfo): TypedRoute {
  const params = paramNames(info.segments);
  const schema = entry.schema;
  const hasQueryMethod = info.methods.some((method) => QUERY_METHODS.has(method));
  const hasBodyMethod = info.methods.some((method) => !QUERY_METHODS.has(method));
  return {
    kind: 'typed',
    service: service.name,
    name: entry.name,
    expose: info.expose,
    handler: info.handler as (req: unknown) => unknown,
    paramNames: params,
    bodyLimit: info.bodyLimit,
    timeout: info.timeout,
    queryCheck: schema && hasQueryMethod ? compileRequestCheck(schema, 'all') : null,
    bodyCheck: schema && hasBodyMethod ? compileRequestCheck(schema, new Set(params)) : null,
    strictCheck: schema ? compileRequestCheck(schema, 'none') : null,
    viaExpress: service.middleware.length > 0,
  };
}

function compileRaw(service: Service, entry: HostedEndpoint, info: RawEndpointInfo): RawRoute {
  return { kind: 'raw', service: service.name, name: entry.name, expose: info.expose, info, viaExpress: true };
}

function addRoute(table: RouteTable<Route>, route: Route, info: TypedEndpointInfo | RawEndpointInfo): void {
  const methods = info.methods === '*' ? ['*'] : info.methods;
  for (const method of methods) table.add(method, info.path, route, `${route.service}.${route.name} (${method} ${info.path})`);
}

function toLocalEndpoint(route: TypedRoute): LocalEndpoint {
  return { service: route.service, name: route.name, handler: route.handler, check: route.strictCheck, timeout: route.timeout };
}
