import { addDependenciesToPackageJson, type GeneratorCallback, type Tree } from '@nx/devkit';
import { topoVersion } from '../../utils/package-files';

/**
 * Adds `@topo/runtime` (imported by service code) and `@topo/nx` (this plugin) at the
 * version that is running; returns the install task.
 */
export function addDependencies(tree: Tree): GeneratorCallback {
  const version = topoVersion();
  return addDependenciesToPackageJson(tree, { '@topo/runtime': version }, { '@topo/nx': version });
}
