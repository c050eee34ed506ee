import { formatFiles, logger, type Tree } from '@nx/devkit';
import { checkMerge } from './lib/check-merge';
import { normalizeOptions } from './lib/normalize-options';
import { updatePathAliases } from './lib/path-aliases';
import { planMerge } from './lib/plan-merge';
import { updateSharedLibraries } from './lib/update-shared-library';
import { forgetFolders } from './lib/update-typescript-config';
import { mergeDependencies, moveFiles, updateAppConfig, updateClient, updateReferences } from './lib/update-workspace';
import type { MergeServiceGeneratorSchema } from './schema';

/**
 * `nx g @topo/nx:merge-service`: the way back from a split. Moves every file of a service
 * into another (the same relative place; its main module joins the other's), brings back
 * what the shared library holds for the remaining service alone, turns the client calls
 * that are now calls inside one service into direct calls, points every other caller at
 * the remaining service's client, and removes the merged service: its folder, its project
 * configuration and its entries in topo.json. Refuses, writing nothing, name clashes and what it cannot rewrite.
 *
 * @example
 * nx g @topo/nx:merge-service --from=yo --into=hello
 */
export async function mergeServiceGenerator(tree: Tree, schema: MergeServiceGeneratorSchema): Promise<void> {
  const options = normalizeOptions(tree, schema);
  checkMerge(options);
  const plan = planMerge(tree, options);
  mergeDependencies(tree, options);
  updateReferences(tree, options);
  moveFiles(tree, options, plan);
  const removedLibraries = updateSharedLibraries(tree, plan);
  forgetFolders(tree, options, [options.from.root, ...removedLibraries]);
  updatePathAliases(tree, plan.aliasMoves);
  updateClient(tree, options, plan);
  updateAppConfig(tree, options);
  if (!options.skipFormat) await formatFiles(tree);
  logger.info(
    `Merged "${options.from.name}" into "${options.into.name}" (${options.into.root}): ` +
      `${options.from.endpoints.map((e) => e.exportName).join(', ') || 'no endpoints'} moved, and "${options.from.name}" is removed.`,
  );
}

export default mergeServiceGenerator;
