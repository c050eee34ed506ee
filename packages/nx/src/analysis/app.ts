import { type AppConfig, resolveAppServices } from './app-config';
import type { AnalysisError } from './errors';
import { routeConflicts } from './routes';
import type { ServiceInfo, WorkspaceAnalysis } from './workspace';

/**
 * The services an app runs, as the analysis read them, and the problems that belong to the
 * app rather than to one service: names in its topo.json that are no service, and routes
 * that two of its endpoints answer. Problems inside a service's files are in
 * `workspace.errors`.
 *
 * @example
 * const { services, errors } = analyzeApp(config, analyzeWorkspace(workspaceRoot));
 */
export function analyzeApp(config: AppConfig, workspace: WorkspaceAnalysis): { services: ServiceInfo[]; errors: AnalysisError[] } {
  const selected = resolveAppServices(config, workspace.services);
  const byName = new Map(workspace.services.map((service) => [service.name, service]));
  const services = selected.services.map((location) => byName.get(location.name)!);
  return { services, errors: [...selected.errors, ...routeConflicts(services.flatMap((service) => service.endpoints))] };
}
