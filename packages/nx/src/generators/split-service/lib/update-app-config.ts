import type { Tree } from '@nx/devkit';
import { insertIntoJsonArray } from '../../utils/json-edits';
import type { NormalizedSplitOptions } from './normalize-options';

/**
 * Keeps every app that serves the source serving the new service in the same processes:
 * an explicit `services` list gets the new name, and in each custom topology the new
 * service joins the process group of the source, so environments keep their layout. Only
 * those lines of topo.json change.
 */
export function updateAppConfig(tree: Tree, options: NormalizedSplitOptions): void {
  const { source, name } = options;
  for (const app of options.apps) {
    let text = tree.read(app.config.file, 'utf-8')!;
    const before = text;
    if (Array.isArray(app.config.services) && !app.config.services.includes(name)) text = insertIntoJsonArray(text, ['services'], name);
    for (const [topology, groups] of Object.entries(app.config.topologies)) {
      const index = groups.findIndex((group) => group.includes(source.name));
      if (index < 0 || groups[index].includes(name)) continue;
      text = insertIntoJsonArray(text, ['topologies', topology, index], name, groups[index].indexOf(source.name) + 1);
    }
    if (text !== before) tree.write(app.config.file, text);
  }
}
