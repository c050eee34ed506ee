import { logger, type Tree, updateJson } from '@nx/devkit';
import type { NormalizedServiceOptions } from './normalize-options';

/**
 * Keeps the app's topo.json valid with the new service: appended to an explicit
 * `services` list, and placed in a process group of its own in each custom topology
 * (each service must be placed exactly once).
 */
export function updateAppConfig(tree: Tree, options: NormalizedServiceOptions): void {
  const { config } = options.app;
  const topologies = Object.keys(config.topologies);
  if (config.services === '*' && topologies.length === 0) return;
  updateJson(tree, config.file, (json) => {
    if (Array.isArray(json.services) && !json.services.includes(options.name)) json.services.push(options.name);
    for (const topology of topologies) json.topologies[topology].push([options.name]);
    return json;
  });
  if (topologies.length) {
    logger.info(
      `Placed "${options.name}" in a process group of its own in topolog${topologies.length > 1 ? 'ies' : 'y'} ` +
        `${topologies.map((t) => `"${t}"`).join(', ')} of ${config.file}; move it to another group there if you like.`,
    );
  }
}
