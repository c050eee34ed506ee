import { RouteTable } from '@topo/runtime/contract';
import type { AnalysisError } from './errors';
import type { EndpointInfo } from './workspace';

/**
 * Endpoints of one app that answer the same method and path shape: the runtime's own route
 * table (`@topo/runtime/contract`) decides, as it does when the monolith, which holds every
 * route of the app, starts. Each conflict names both endpoints by file and line.
 *
 * @example
 * routeConflicts(services.flatMap((s) => s.endpoints)); // [] when every route is distinct
 */
export function routeConflicts(endpoints: readonly EndpointInfo[]): AnalysisError[] {
  const routes = new RouteTable<EndpointInfo>();
  const byLabel = new Map<string, EndpointInfo>();
  const errors: AnalysisError[] = [];
  for (const endpoint of endpoints) {
    const label = `${endpoint.service}.${endpoint.exportName}`;
    byLabel.set(label, endpoint);
    for (const method of endpoint.methods) {
      const taken = routes.addUnlessTaken(method, endpoint.path, endpoint, label);
      if (taken === undefined) continue;
      const other = byLabel.get(taken)!;
      errors.push({
        code: 'duplicate-route',
        file: endpoint.file,
        line: endpoint.line,
        message: `Endpoint "${label}" answers the same route as "${taken}" (${other.file}:${other.line}): ${method === '*' ? 'any method' : method} ${endpoint.path}.`,
        fix: 'Give one of them another path or method.',
      });
      break;
    }
  }
  return errors;
}
