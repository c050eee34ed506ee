import { type AppConfig, resolveAppServices } from './app-config';
import type { AnalysisError } from './errors';
import { routeConflicts, shadowedPrivateRoutes } from './routes';
import type { DatabaseInfo, ServiceInfo, WorkspaceAnalysis } from './workspace';

/**
 * The services an app runs, as the analysis read them, and the problems that belong to the
 * app rather than to one service: names in its topo.json that are no service, routes that
 * two of its endpoints answer, and private routes a public one covers. Problems inside a service's files are in
 * `workspace.errors`.
 *
 * @example
 * const { services, errors } = analyzeApp(config, analyzeWorkspace(workspaceRoot));
 */
export function analyzeApp(
  config: AppConfig,
  workspace: WorkspaceAnalysis,
): { services: ServiceInfo[]; databases: DatabaseInfo[]; errors: AnalysisError[] } {
  const selected = resolveAppServices(config, workspace.services);
  const byName = new Map(workspace.services.map((service) => [service.name, service]));
  const services = selected.services.map((location) => byName.get(location.name)!);
  const served = new Set(services.map((service) => service.name));
  const databases = workspace.databases.filter((d) => served.has(d.service) || d.users.some((user) => served.has(user)));
  return {
    services,
    databases: databases.map((d) => ({ ...d, users: d.users.filter((user) => served.has(user)) })),
    errors: [
      ...selected.errors,
      ...routeConflicts(services.flatMap((service) => service.endpoints)),
      ...shadowedPrivateRoutes(services.flatMap((service) => service.endpoints)),
      ...unownedDatabases(config, services, databases),
    ],
  };
}

/**
 * A database one of the app's services uses by name must be owned by a service the app
 * serves too: the owner's process applies its migrations, and without it the tables would
 * not exist.
 */
function unownedDatabases(config: AppConfig, services: readonly ServiceInfo[], databases: readonly DatabaseInfo[]): AnalysisError[] {
  const served = new Set(services.map((service) => service.name));
  return databases
    .filter((database) => !served.has(database.service))
    .map((database) => {
      const user = services.find((service) => service.databases.some((d) => d.name === database.name))!;
      const use = user.databases.find((d) => d.name === database.name)!;
      return {
        file: use.file,
        line: use.line,
        code: 'database-owner-not-served' as const,
        message: `Service "${user.name}" uses database "${database.name}" of service "${database.service}", which app ${config.root} does not serve: its migrations would never run.`,
        fix: `Add "${database.service}" to the app's services in ${config.root}/topo.json, or give "${user.name}" a database of its own.`,
      };
    });
}
