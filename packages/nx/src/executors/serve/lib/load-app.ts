import { relative } from 'node:path';
import {
  analyzeWorkspace,
  type AnalysisError,
  formatAnalysisErrors,
  readAppConfig,
  requestSchemas,
  resolveAppServices,
  resolveTopology,
} from '../../../analysis';
import type { JsonSchema } from '../../../bundling/process-plan';
import type { PlanInputService, ProcessGroup } from '../../../bundling/plan-processes';
import type { NormalizedServeOptions } from './normalize-options';

/** Which app to load, and the topology (or environment) to resolve. */
export type AppToLoad = Pick<NormalizedServeOptions, 'workspaceRoot' | 'appName' | 'appRoot' | 'topology' | 'env'>;

export interface LoadedApp {
  /** The port in topo.json. */
  port: number;
  topology: string;
  groups: ProcessGroup[];
  services: PlanInputService[];
  schemas: ReadonlyMap<string, JsonSchema>;
}

/** The port in the app's topo.json, read first so that `--port` can override it (NaN when unreadable). */
export function readAppPort(workspaceRoot: string, appRoot: string): number {
  return readAppConfig(workspaceRoot, appRoot).config?.port ?? NaN;
}

/**
 * Reads the workspace's services and the app's topo.json, and resolves the topology to run.
 * Throws one error listing every problem found, each with what to do.
 */
export function loadApp(options: AppToLoad, verb = 'serve'): LoadedApp {
  const appRoot = relative(options.workspaceRoot, options.appRoot).split('\\').join('/');
  const { config, errors: configErrors } = readAppConfig(options.workspaceRoot, appRoot);
  if (!config) fail(verb, options.appName, configErrors);

  const analysis = analyzeWorkspace(options.workspaceRoot);
  const selected = resolveAppServices(config, analysis.services);
  const names = new Set(selected.services.map((s) => s.name));
  const services = analysis.services.filter((s) => names.has(s.name));
  const resolved = resolveTopology(config, [...names], { topology: options.topology, env: options.env });
  const errors = [...configErrors, ...analysis.errors, ...selected.errors, ...resolved.errors];
  if (errors.length > 0 || !resolved.topology) fail(verb, options.appName, errors);

  return {
    port: config.port,
    topology: resolved.topology.name,
    groups: resolved.topology.groups,
    services,
    schemas: requestSchemas(options.workspaceRoot, services),
  };
}

function fail(verb: string, app: string, errors: readonly AnalysisError[]): never {
  throw new Error(`Cannot ${verb} ${app}:\n${formatAnalysisErrors(errors)}`);
}
