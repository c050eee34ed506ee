import { join } from 'node:path';
import { CLIENT_FILE, type EndpointSchemas, type ProcessGroup, type ServiceInfo } from '../analysis';
import type { GatewayRoute, PlannedService, ProcessPlan } from './process-plan';

/** The parts of the static analysis a process plan needs. */
export type PlanInputService = Pick<ServiceInfo, 'name' | 'root' | 'serviceFile' | 'endpoints'>;

/**
 * Turns a resolved topology into what each process runs. One group holding every service is
 * the monolith: it faces clients itself and needs no gateway. Any other layout gets a gateway
 * routing each public endpoint to its service. `services` are every service of the app, also
 * when `groups` place only some of them (a service's own build). Files in the input are
 * workspace-relative.
 */
export function planProcesses(
  workspaceRoot: string,
  groups: ProcessGroup[],
  services: PlanInputService[],
  schemas: ReadonlyMap<string, EndpointSchemas>,
): ProcessPlan[] {
  const byName = new Map(services.map((service) => [service.name, service]));
  const standalone = groups.length === 1;
  const plans: ProcessPlan[] = groups.map((group) => ({
    kind: 'process',
    name: group.name,
    edge: standalone,
    services: group.services.map((name) => planService(workspaceRoot, byName.get(name)!, schemas)),
    others: services
      .filter((service) => !group.services.includes(service.name))
      .map((service) => ({ name: service.name, root: join(workspaceRoot, service.root), clientFile: join(workspaceRoot, service.root, CLIENT_FILE) })),
  }));
  if (!standalone) plans.push({ kind: 'gateway', name: 'gateway', routes: gatewayRoutes(groups, byName) });
  return plans;
}

function planService(workspaceRoot: string, service: PlanInputService, schemas: ReadonlyMap<string, EndpointSchemas>): PlannedService {
  return {
    name: service.name,
    serviceFile: join(workspaceRoot, service.serviceFile),
    endpoints: service.endpoints.map((endpoint) => ({
      exportName: endpoint.exportName,
      file: join(workspaceRoot, endpoint.file),
      schema: schemas.get(`${service.name}.${endpoint.exportName}`)?.request,
    })),
  };
}

function gatewayRoutes(groups: ProcessGroup[], byName: ReadonlyMap<string, PlanInputService>): GatewayRoute[] {
  const routes: GatewayRoute[] = [];
  for (const group of groups) {
    for (const name of group.services) {
      for (const endpoint of byName.get(name)!.endpoints) {
        if (!endpoint.expose) continue;
        const limit = endpoint.kind === 'typed' && endpoint.bodyLimit !== undefined ? { bodyLimit: endpoint.bodyLimit } : {};
        for (const method of endpoint.methods) routes.push({ method, path: endpoint.path, service: name, ...limit });
      }
    }
  }
  return routes;
}
