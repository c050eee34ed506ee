import type { Tree } from '@nx/devkit';
import { type EndpointInfo, isInside } from '../../../analysis';
import type { NormalizedMergeOptions } from './normalize-options';

/**
 * Refuses, before anything is written, a merge whose result could not be one service: apps
 * that serve one of the two and not the other, endpoints of the same name or route, and
 * services configured differently (middleware) in their service.ts.
 */
export function checkMerge(tree: Tree, options: NormalizedMergeOptions): void {
  const { from, into } = options;
  for (const app of options.apps) {
    const serves = (service: typeof from) =>
      app.config.services === '*' ? isInside(service.root, app.config.root) : app.config.services.includes(service.name);
    const [served, other] = serves(from) ? [from, into] : [into, from];
    if (!serves(other)) {
      throw new Error(
        `App ${app.name} (${app.root}) serves "${served.name}" but not "${other.name}": after the merge it would serve both or lose endpoints. ` +
          `Serve both services in ${app.config.file} first, or merge services that the same apps serve.`,
      );
    }
  }

  const clashes: string[] = [];
  for (const moved of from.endpoints) {
    for (const kept of into.endpoints) {
      if (moved.exportName === kept.exportName) {
        clashes.push(`endpoint "${moved.exportName}" is in both: ${where(moved)} and ${where(kept)}`);
      } else if (sameRoute(moved, kept)) {
        clashes.push(`${describeRoute(moved)} is answered by both ${moved.exportName} (${where(moved)}) and ${kept.exportName} (${where(kept)})`);
      }
    }
  }
  if (clashes.length) {
    throw new Error(
      `Cannot merge "${from.name}" into "${into.name}": a service's endpoints need distinct names and routes.\n` +
        clashes.map((clash) => `  - ${clash}\n`).join('') +
        `Rename or re-route one of each pair first (renaming an endpoint means renaming its callers), then merge again.`,
    );
  }

  const configured = (file: string, name: string) =>
    (tree.read(file, 'utf-8') ?? '')
      .replace(new RegExp(`(['"\`])${name.replace(/[-]/g, '\\-')}\\1`, 'g'), "'<name>'")
      .replace(/\s+/g, '');
  if (configured(from.serviceFile, from.name) !== configured(into.serviceFile, into.name)) {
    throw new Error(
      `${from.serviceFile} and ${into.serviceFile} configure their services differently (middleware or other options): ` +
        `merged, "${from.name}"'s endpoints would run behind "${into.name}"'s configuration. ` +
        `Make the two service.ts files the same apart from the name, then merge again.`,
    );
  }
}

function where(endpoint: EndpointInfo): string {
  return `${endpoint.file}:${endpoint.line}`;
}

function describeRoute(endpoint: EndpointInfo): string {
  return `${endpoint.methods.join('|')} ${endpoint.path}`;
}

/** The same path (parameter names aside) and a method in common. */
function sameRoute(a: EndpointInfo, b: EndpointInfo): boolean {
  const shape = (path: string) => path.replace(/:[^/]+/g, ':').replace(/\*[^/]*/g, '*');
  if (shape(a.path) !== shape(b.path)) return false;
  return a.methods.includes('*') || b.methods.includes('*') || a.methods.some((method) => b.methods.includes(method));
}
