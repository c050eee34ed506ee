import { type Tree, updateJson } from '@nx/devkit';
import type { NormalizedSplitOptions } from './normalize-options';

/**
 * Keeps every app that serves the source serving the new service in the same processes:
 * an explicit `services` list gets the new name, and in each custom topology the new
 * service joins the process group of the source, so environments keep their layout.
 */
export function updateAppConfig(tree: Tree, options: NormalizedSplitOptions): void {
  const { source, name } = options;
  for (const app of options.apps) {
    const listed = Array.isArray(app.config.services);
    const grouped = Object.keys(app.config.topologies).length > 0;
    if (!listed && !grouped) continue;
    updateJson(tree, app.config.file, (json) => {
      if (Array.isArray(json.services) && !json.services.includes(name)) json.services.push(name);
      for (const groups of Object.values<string[][]>(json.topologies ?? {})) {
        const group = groups.find((g) => g.includes(source.name));
        if (group && !group.includes(name)) group.splice(group.indexOf(source.name) + 1, 0, name);
      }
      return json;
    });
  }
}
