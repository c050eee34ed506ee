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

/**
 * Private endpoints whose requests a public route of the app would answer where the private
 * one is hidden: `GET /files/secret` (private) under `GET /files/*path` (public). A process
 * facing clients (mono) routes such a request to the public endpoint, while behind the
 * gateway the request reaches the process that holds the private one: the same URL would
 * answer differently by topology (and tell the world the private endpoint exists). Each
 * names both endpoints by file and line.
 *
 * @example
 * shadowedPrivateRoutes(services.flatMap((s) => s.endpoints)); // [] when no public route covers a private one
 */
export function shadowedPrivateRoutes(endpoints: readonly EndpointInfo[]): AnalysisError[] {
  // Most apps have no private endpoint: no need to build two route tables of every endpoint.
  if (endpoints.every((endpoint) => endpoint.expose)) return [];
  const all = new RouteTable<EndpointInfo>();
  const exposed = new RouteTable<EndpointInfo>();
  for (const endpoint of endpoints) {
    for (const method of endpoint.methods) {
      all.addUnlessTaken(method, endpoint.path, endpoint);
      if (endpoint.expose) exposed.addUnlessTaken(method, endpoint.path, endpoint);
    }
  }
  const errors: AnalysisError[] = [];
  for (const endpoint of endpoints) {
    if (endpoint.expose) continue;
    // A request the private route answers: each parameter and the rest given a value.
    const sample = endpoint.path.replace(/\/[:*][^/]+/g, '/x');
    for (const method of endpoint.methods.includes('*') ? ['GET', 'POST'] : endpoint.methods) {
      if (all.lookup(sample)?.table.select(method) !== endpoint) continue;
      const shadow = exposed.lookup(sample)?.table.select(method);
      if (shadow === undefined) continue;
      errors.push({
        code: 'private-route-shadowed',
        file: endpoint.file,
        line: endpoint.line,
        message:
          `Private endpoint "${endpoint.service}.${endpoint.exportName}" (${method} ${endpoint.path}) is under public endpoint "${shadow.service}.${shadow.exportName}" (${shadow.methods.join('|')} ${shadow.path}, ${shadow.file}:${shadow.line}): ` +
          `a client's ${method} ${sample} would reach the public one in mono and the private one behind the gateway.`,
        fix: `Give the private endpoint a path no public route covers (under a prefix of its own), or narrow the public route; then the URL answers the same in every topology.`,
      });
      break;
    }
  }
  return errors;
}
