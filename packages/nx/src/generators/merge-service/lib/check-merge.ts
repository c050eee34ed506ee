import { type EndpointInfo, isInside, routeConflicts } from '../../../analysis';
import type { NormalizedMergeOptions } from './normalize-options';

/**
 * Refuses, before anything is written, a merge whose result could not be one service: apps
 * that serve one of the two and not the other, endpoints of the same name or route, and
 * services configured differently (the options of `new Service(name, options)`, compared
 * as the analysis reads them: formatting, comments and quotes aside).
 */
export function checkMerge(options: NormalizedMergeOptions): void {
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
    const kept = into.endpoints.find((endpoint) => endpoint.exportName === moved.exportName);
    if (kept) clashes.push(`endpoint "${moved.exportName}" is in both: ${where(moved)} and ${where(kept)}`);
  }
  // The routes one service answers are checked as the runtime checks them when it starts.
  for (const conflict of routeConflicts([...into.endpoints, ...from.endpoints])) {
    clashes.push(`${conflict.file}:${conflict.line}: ${conflict.message}`);
  }
  if (clashes.length) {
    throw new Error(
      `Cannot merge "${from.name}" into "${into.name}": a service's endpoints need distinct names and routes.\n` +
        clashes.map((clash) => `  - ${clash}\n`).join('') +
        `Rename or re-route one of each pair first (renaming an endpoint means renaming its callers), then merge again.`,
    );
  }

  if (from.options !== into.options) {
    throw new Error(
      `${from.serviceFile} and ${into.serviceFile} configure their services differently (middleware or other options): ` +
        `merged, "${from.name}"'s endpoints would run behind "${into.name}"'s configuration. ` +
        `Give both \`new Service(...)\` calls the same options, then merge again.`,
    );
  }
}

function where(endpoint: EndpointInfo): string {
  return `${endpoint.file}:${endpoint.line}`;
}
