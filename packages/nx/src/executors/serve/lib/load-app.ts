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

export interface LoadedApp {
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
export function loadApp(options: NormalizedServeOptions): LoadedApp {
  const appRoot = relative(options.workspaceRoot, options.appRoot).split('\\').join('/');
  const { config, errors: configErrors } = readAppConfig(options.workspaceRoot, appRoot);
  if (!config) fail(options.appName, configErrors);

  const analysis = analyzeWorkspace(options.workspaceRoot);
  const selected = resolveAppServices(config, analysis.services);
  const names = new Set(selected.services.map((s) => s.name));
  const services = analysis.services.filter((s) => names.has(s.name));
  const resolved = resolveTopology(config, [...names], { topology: options.topology, env: options.env });
  const errors = [...configErrors, ...analysis.errors, ...selected.errors, ...resolved.errors];
  if (errors.length > 0 || !resolved.topology) fail(options.appName, errors);

  return {
    topology: resolved.topology.name,
    groups: resolved.topology.groups,
    services,
    schemas: requestSchemas(options.workspaceRoot, services),
  };
}

function fail(app: string, errors: readonly AnalysisError[]): never {
  throw new Error(`Cannot serve ${app}:\n${formatAnalysisErrors(errors)}`);
}
