import { relative } from 'node:path';
import {
  analyzeApp,
  analyzeWorkspace,
  type AnalysisError,
  type AppConfig,
  diskHost,
  endpointSchemas,
  type EndpointSchemas,
  formatAnalysisErrors,
  type ProcessGroup,
  readAppConfig,
  resolveTopology,
  type ServiceInfo,
} from '../analysis';

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
  /** Request and response schemas of every typed endpoint, keyed `"<service>.<exportName>"`. */
  schemas: ReadonlyMap<string, EndpointSchemas>;
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
  const appRoot = relative(options.workspaceRoot, options.appRoot).split('\\').join('/');
  const { config, errors: configErrors } = readAppConfig(options.workspaceRoot, appRoot);
  if (!config) fail(verb, options.appName, configErrors);

  const workspace = analyzeWorkspace(options.workspaceRoot);
  const app = analyzeApp(config, workspace);
  const names = app.services.map((service) => service.name);
  const resolved = resolveTopology(config, names, { topology: options.topology, env: options.env });
  const errors = [...workspace.errors, ...app.errors, ...resolved.errors];
  if (errors.length > 0 || !resolved.topology) fail(verb, options.appName, errors);

  return {
    config,
    port: config.port,
    topology: resolved.topology.name,
    groups: resolved.topology.groups,
    services: app.services,
    schemas: endpointSchemas(diskHost(options.workspaceRoot), app.services),
  };
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
