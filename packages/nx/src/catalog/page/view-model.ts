import type { Catalog, CatalogCall, CatalogEndpoint, CatalogService } from '../model';

/**
 * What the page derives from the catalog, without the DOM: the service graph the diagram
 * draws and the search the list and the diagram share. Pure functions, tested in node.
 */

/** One edge of the diagram: every call from one service to another, labelled with the endpoints called. */
export interface ServiceEdge {
  /** `from→to`, unique per calling pair. */
  key: string;
  from: string;
  to: string;
  /** The callee's endpoints called, sorted, each once. */
  endpoints: string[];
  calls: CatalogCall[];
}

/** A database edge: a service that uses a database (the owner's is marked). */
export interface DatabaseEdge {
  key: string;
  service: string;
  database: string;
  owner: boolean;
}

export interface ServiceGraph {
  services: string[];
  edges: ServiceEdge[];
  databases: string[];
  databaseEdges: DatabaseEdge[];
  /** Services a service calls or is called by, and databases it uses (by node id). */
  neighbours: Map<string, Set<string>>;
}

/** Node ids of the diagram: services by name, databases prefixed so that names never clash. */
export const serviceNode = (name: string) => `s:${name}`;
export const databaseNode = (name: string) => `d:${name}`;

/**
 * The diagram's graph: a node per service (and per database), one edge per caller → callee
 * pair (calls to services the catalog does not list are left out).
 *
 * @example
 * serviceGraph(catalog).edges; // [{ key: 'orders→users', from: 'orders', to: 'users', endpoints: ['lookup'], calls: [...] }]
 */
export function serviceGraph(catalog: Catalog): ServiceGraph {
  const services = catalog.services.map((service) => service.name);
  const known = new Set(services);
  const byPair = new Map<string, ServiceEdge>();
  for (const call of catalog.calls) {
    if (!known.has(call.from.service) || !known.has(call.to.service)) continue;
    const key = edgeKey(call.from.service, call.to.service);
    let edge = byPair.get(key);
    if (!edge) byPair.set(key, (edge = { key, from: call.from.service, to: call.to.service, endpoints: [], calls: [] }));
    edge.calls.push(call);
    if (!edge.endpoints.includes(call.to.endpoint)) edge.endpoints.push(call.to.endpoint);
  }
  const edges = [...byPair.values()].sort((a, b) => a.key.localeCompare(b.key));
  for (const edge of edges) edge.endpoints.sort();

  const databases = catalog.databases.map((database) => database.name);
  const databaseEdges: DatabaseEdge[] = catalog.databases.flatMap((database) =>
    [...new Set([database.owner, ...database.users])]
      .filter((service) => known.has(service))
      .map((service) => ({ key: `${service}⇢${database.name}`, service, database: database.name, owner: service === database.owner })),
  );

  const neighbours = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (!neighbours.has(a)) neighbours.set(a, new Set());
    if (!neighbours.has(b)) neighbours.set(b, new Set());
    if (a === b) return;
    neighbours.get(a)!.add(b);
    neighbours.get(b)!.add(a);
  };
  for (const name of services) link(serviceNode(name), serviceNode(name));
  for (const name of databases) link(databaseNode(name), databaseNode(name));
  for (const edge of edges) link(serviceNode(edge.from), serviceNode(edge.to));
  for (const edge of databaseEdges) link(serviceNode(edge.service), databaseNode(edge.database));
  return { services, edges, databases, databaseEdges, neighbours };
}

export function edgeKey(from: string, to: string): string {
  return `${from}→${to}`;
}

/** An edge's label: the endpoints called, shortened past `max` characters with how many more. */
export function edgeLabel(endpoints: readonly string[], max = 28): string {
  let label = '';
  for (let i = 0; i < endpoints.length; i++) {
    const next = label ? `${label}, ${endpoints[i]}` : endpoints[i];
    if (next.length > max && label) return `${label} +${endpoints.length - i}`;
    label = next;
  }
  return label;
}

/** Which endpoints to show: a search over names and paths, and an access filter. */
export interface Filter {
  query: string;
  access: 'all' | 'public' | 'private';
}

/** The search words, lower-cased; every one must appear. */
function words(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

function endpointText(endpoint: CatalogEndpoint): string {
  return `${endpoint.service} ${endpoint.service}.${endpoint.name} ${endpoint.methods.join(' ')} ${endpoint.path}`.toLowerCase();
}

/**
 * The endpoints of a service that the filter shows, or undefined when the service is hidden.
 * A service whose name matches shows all its endpoints that pass the access filter.
 *
 * @example
 * visibleEndpoints(users, { query: '/users', access: 'public' }); // [get, boom]
 */
export function visibleEndpoints(service: CatalogService, filter: Filter): CatalogEndpoint[] | undefined {
  const terms = words(filter.query);
  const byAccess = service.endpoints.filter((endpoint) => filter.access === 'all' || endpoint.access === filter.access);
  if (filter.access !== 'all' && byAccess.length === 0) return undefined;
  if (terms.length === 0) return byAccess;
  const name = service.name.toLowerCase();
  if (terms.every((term) => name.includes(term))) return byAccess;
  const matching = byAccess.filter((endpoint) => {
    const text = endpointText(endpoint);
    return terms.every((term) => text.includes(term));
  });
  return matching.length > 0 ? matching : undefined;
}

/** Whether the filter is empty (everything shows). */
export function isEmptyFilter(filter: Filter): boolean {
  return words(filter.query).length === 0 && filter.access === 'all';
}

/** Names of the services the filter shows. */
export function visibleServices(catalog: Catalog, filter: Filter): Set<string> {
  return new Set(catalog.services.filter((service) => visibleEndpoints(service, filter) !== undefined).map((service) => service.name));
}

/** The services a topology's processes host, and whether it needs a gateway in front. */
export function hasGateway(processes: readonly { services: string[] }[]): boolean {
  return processes.length > 1;
}
