import { readNxJson, type Tree, updateNxJson } from '@nx/devkit';

export const PLUGIN_NAME = '@topo/nx';

/** Adds `@topo/nx` to the plugins of nx.json, unless it is there already in either form. */
export function registerPlugin(tree: Tree): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const registered = plugins.some((plugin) => (typeof plugin === 'string' ? plugin : plugin.plugin) === PLUGIN_NAME);
  if (registered) return;
  updateNxJson(tree, { ...nxJson, plugins: [...plugins, PLUGIN_NAME] });
}
