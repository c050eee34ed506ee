import type { JsonSchema } from '@topo/runtime/contract';
import {
  type AppConfig,
  BUILT_IN_TOPOLOGIES,
  type CallInfo,
  type DatabaseInfo,
  type EndpointSchemas,
  resolveTopology,
  type ServiceInfo,
} from '../analysis';

/**
 * The service catalog of an app: what `nx run <app>:catalog` writes to `catalog.json`, what
 * `nx serve` answers at `/__topo/catalog.json`, and what the catalog page draws. One model,
 * read from the static analysis. Its format is documented, with a JSON Schema, in
 * docs/catalog.md; `version` changes when a field changes meaning or goes.
 */
export interface Catalog {
  version: typeof CATALOG_VERSION;
  app: { name: string; root: string; port: number };
  services: CatalogService[];
  /** One per calling place: a client call from a service's code to another service's endpoint. */
  calls: CatalogCall[];
  /** The databases the app's services own or use by name, each with its owner and users. */
  databases: CatalogDatabase[];
  /** Every topology of the app (mono, micro and the custom ones), with its processes. */
  topologies: CatalogTopology[];
  /** Environment name → topology name, from topo.json. */
  environments: Record<string, string>;
}

export const CATALOG_VERSION = 1;

export interface CatalogService {
  name: string;
  /** The doc comment on `new Service(...)`. */
  doc?: string;
  /** Workspace-relative folder; the Nx project is named after the service. */
  root: string;
  project: string;
  file: string;
  line: number;
  endpoints: CatalogEndpoint[];
}

export interface CatalogEndpoint {
  /** The export name: its name in the service's client. */
  name: string;
  service: string;
  /** Upper-case methods, or `['*']` for a raw endpoint that answers any. */
  methods: string[];
  path: string;
  access: 'public' | 'private';
  kind: 'typed' | 'raw';
  doc?: string;
  file: string;
  line: number;
  /** JSON Schemas of the request and the response (typed endpoints). */
  request?: JsonSchema;
  response?: JsonSchema;
}

export interface CatalogCall {
  from: {
    service: string;
    /** The endpoint whose code makes the call; absent when a module-level helper does. */
    endpoint?: string;
    file: string;
    line: number;
  };
  to: { service: string; endpoint: string };
}

export interface CatalogDatabase {
  name: string;
  /** The service that owns it. */
  owner: string;
  /** Every service that uses it, the owner included. */
  users: string[];
  /** The workspace-relative folder of its migrations, when it has one. */
  migrations?: string;
}

export interface CatalogTopology {
  name: string;
  /** One per process; a topology with several also has a gateway. */
  processes: { name: string; services: string[] }[];
}

/**
 * Builds the catalog of an app from what the analysis read.
 *
 * @example
 * const catalog = buildCatalog({ name: 'demo', config, services, schemas });
 * catalog.services.map((s) => s.name); // ['hello', 'yo']
 */
export function buildCatalog(app: {
  name: string;
  config: AppConfig;
  services: readonly ServiceInfo[];
  /** The app's databases, as `analyzeApp` reads them. */
  databases?: readonly DatabaseInfo[];
  schemas: ReadonlyMap<string, EndpointSchemas>;
}): Catalog {
  const services = [...app.services].sort((a, b) => a.name.localeCompare(b.name));
  const names = services.map((service) => service.name);
  const topologies = [...BUILT_IN_TOPOLOGIES, ...Object.keys(app.config.topologies)].flatMap((name): CatalogTopology[] => {
    const { topology } = resolveTopology(app.config, names, { topology: name });
    return topology ? [{ name, processes: topology.groups.map((group) => ({ name: group.name, services: group.services })) }] : [];
  });
  return {
    version: CATALOG_VERSION,
    app: { name: app.name, root: app.config.root, port: app.config.port },
    services: services.map((service) => ({
      name: service.name,
      ...(service.doc ? { doc: service.doc } : {}),
      root: service.root,
      project: service.name,
      file: service.serviceFile,
      line: service.line,
      endpoints: service.endpoints.map((endpoint) => {
        const schemas = app.schemas.get(`${service.name}.${endpoint.exportName}`);
        return {
          name: endpoint.exportName,
          service: service.name,
          methods: endpoint.methods,
          path: endpoint.path,
          access: endpoint.expose ? 'public' : 'private',
          kind: endpoint.kind,
          ...(endpoint.doc ? { doc: endpoint.doc } : {}),
          file: endpoint.file,
          line: endpoint.line,
          ...(schemas ? { request: schemas.request, response: schemas.response } : {}),
        };
      }),
    })),
    calls: services.flatMap((service) => service.calls.filter((call) => names.includes(call.to)).map((call) => catalogCall(service, call))),
    databases: (app.databases ?? []).map((database) => ({
      name: database.name,
      owner: database.service,
      users: [database.service, ...database.users.filter((user) => user !== database.service)].sort(),
      ...(database.migrations ? { migrations: database.migrations } : {}),
    })),
    topologies,
    environments: { ...app.config.environments },
  };
}

/** A call, with the endpoint whose statement holds it. */
function catalogCall(service: ServiceInfo, call: CallInfo): CatalogCall {
  const endpoint = service.endpoints.find((e) => e.file === call.file && e.start <= call.start && call.end <= e.end);
  return {
    from: { service: service.name, ...(endpoint ? { endpoint: endpoint.exportName } : {}), file: call.file, line: call.line },
    to: { service: call.to, endpoint: call.endpoint },
  };
}
