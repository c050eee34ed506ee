import { relative } from 'node:path';
import {
  analyzeApp,
  analyzeWorkspace,
  type AnalysisError,
  type AppConfig,
  type DatabaseInfo,
  diskHost,
  endpointSchemas,
  type EndpointSchemas,
  formatAnalysisErrors,
  type ProcessGroup,
  readAppConfig,
  resolveTopology,
  type ServiceInfo,
  type SourceHost,
} from '../analysis';
import { cachedByInputs } from './app-cache';
import { buildCatalog, type Catalog } from '../catalog/model';

/** Which app to load, and the topology (or environment) to resolve. */
export interface AppToLoad {
  workspaceRoot: string;
  /** The app's Nx project name. */
  appName: string;
  /** The app's folder, absolute. */
  appRoot: string;
  topology?: string;
  env?: string;
}

/** What serve, build and the catalog know about an app once it is loaded. */
export interface LoadedApp {
  config: AppConfig;
  /** The port in topo.json. */
  port: number;
  topology: string;
  groups: ProcessGroup[];
  /** The services the app runs, as the analysis read them. */
  services: ServiceInfo[];
  /** The databases its services own or use by name. */
  databases: DatabaseInfo[];
  /** Request and response schemas of every typed endpoint, keyed `"<service>.<exportName>"`. */
  schemas: ReadonlyMap<string, EndpointSchemas>;
  /** The app's service catalog, from the same analysis. */
  catalog: Catalog;
}

/** The port in the app's topo.json, read first so that `--port` can override it (NaN when unreadable). */
export function readAppPort(workspaceRoot: string, appRoot: string): number {
  return readAppConfig(workspaceRoot, appRoot).config?.port ?? NaN;
}

/**
 * Reads the workspace's services and the app's topo.json, and resolves the topology to run.
 * Throws one error listing every problem found, each with the file, line and fix, in the
 * words `verb` gives: "Cannot serve demo:" or "Cannot build demo:".
 *
 * @example
 * const app = loadApp({ workspaceRoot, appName: 'demo', appRoot: join(workspaceRoot, 'packages/demo'), topology: 'micro' }, 'build');
 */
export function loadApp(options: AppToLoad, verb = 'serve'): LoadedApp {
  // The error messages' verb is not part of the key: what is cached never failed.
  const key = { load: 'app', appName: options.appName, appRoot: options.appRoot, topology: options.topology, env: options.env };
  return cachedByInputs(options.workspaceRoot, key, (host, onInstalledPath) => loadAppFrom(host, options, verb, onInstalledPath), toJson, fromJson);
}

function loadAppFrom(host: SourceHost, options: AppToLoad, verb: string, onInstalledPath: (path: string) => void): LoadedApp {
  const { config, services, databases, errors } = analyzeAppAt(options, verb, host);
  const resolved = resolveTopology(config, services.map((service) => service.name), { topology: options.topology, env: options.env });
  if (errors.length > 0 || resolved.errors.length > 0 || !resolved.topology) fail(verb, options.appName, [...errors, ...resolved.errors]);

  const schemas = endpointSchemas(host, services, { onInstalledPath });
  return {
    config,
    port: config.port,
    topology: resolved.topology.name,
    groups: resolved.topology.groups,
    services,
    databases,
    schemas,
    catalog: buildCatalog({ name: options.appName, config, services, databases, schemas }),
  };
}

/** A loaded app as JSON, for the cache: its schemas are a Map. */
function toJson(app: LoadedApp): unknown {
  return { ...app, schemas: [...app.schemas] };
}

function fromJson(json: unknown): LoadedApp {
  const app = json as Omit<LoadedApp, 'schemas'> & { schemas: [string, EndpointSchemas][] };
  return { ...app, schemas: new Map(app.schemas) };
}

/**
 * The catalog of an app: every service, endpoint, schema, call and topology, from the
 * analysis. Refuses what serve and build refuse, in the same words.
 *
 * @example
 * const catalog = loadCatalog({ workspaceRoot, appName: 'demo', appRoot: join(workspaceRoot, 'packages/demo') });
 */
export function loadCatalog(options: Omit<AppToLoad, 'topology' | 'env'>, verb = 'write the catalog of'): Catalog {
  const { config, services, databases, errors } = analyzeAppAt(options, verb);
  if (errors.length > 0) fail(verb, options.appName, errors);
  return buildCatalog({ name: options.appName, config, services, databases, schemas: endpointSchemas(diskHost(options.workspaceRoot), services) });
}

/** The app's topo.json and services, with every problem found in them. */
function analyzeAppAt(
  options: Omit<AppToLoad, 'topology' | 'env'>,
  verb: string,
  host: SourceHost = diskHost(options.workspaceRoot),
): { config: AppConfig; services: ServiceInfo[]; databases: DatabaseInfo[]; errors: AnalysisError[] } {
  const appRoot = relative(options.workspaceRoot, options.appRoot).split('\\').join('/');
  const { config, errors: configErrors } = readAppConfig(options.workspaceRoot, appRoot, host);
  if (!config) fail(verb, options.appName, configErrors);
  const workspace = analyzeWorkspace(options.workspaceRoot, { host });
  const app = analyzeApp(config, workspace);
  return { config, services: app.services, databases: app.databases, errors: [...workspace.errors, ...app.errors] };
}

/**
 * One service of an app, for a build of that service alone: the service, every service of
 * the app, and the service's schemas.
 * Problems in the service's own files, or an app that does not serve it, are refused.
 */
export function loadAppService(
  options: Omit<AppToLoad, 'topology' | 'env'> & { service: string },
  verb = 'build service',
): { service: ServiceInfo; services: ServiceInfo[]; schemas: ReadonlyMap<string, EndpointSchemas> } {
  const appRoot = relative(options.workspaceRoot, options.appRoot).split('\\').join('/');
  const { config, errors: configErrors } = readAppConfig(options.workspaceRoot, appRoot);
  if (!config) fail(`${verb} ${options.service} of`, options.appName, configErrors);
  const workspace = analyzeWorkspace(options.workspaceRoot);
  const { services } = analyzeApp(config, workspace);
  const service = services.find((s) => s.name === options.service);
  if (!service) {
    throw new Error(`Cannot ${verb} ${options.service} of ${options.appName}:\n  app ${options.appName} (${appRoot}) does not serve "${options.service}".`);
  }
  const errors = workspace.errors.filter((error) => error.file.startsWith(`${service.root}/`));
  if (errors.length > 0) fail(`${verb} ${options.service} of`, options.appName, errors);
  return { service, services, schemas: endpointSchemas(diskHost(options.workspaceRoot), [service]) };
}

function fail(verb: string, app: string, errors: readonly AnalysisError[]): never {
  throw new Error(`Cannot ${verb} ${app}:\n${formatAnalysisErrors(errors)}`);
}
