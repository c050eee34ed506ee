import { formatFiles, logger, type Tree } from '@nx/devkit';
import { checkSplit } from './lib/check-split';
import { createNewService } from './lib/create-new-service';
import { moveDeclarations } from './lib/move-declarations';
import { moveTests } from './lib/move-tests';
import { normalizeOptions } from './lib/normalize-options';
import { planSplit, type SplitPlan } from './lib/plan-split';
import { askDatabaseChoice, canAsk, describeDatabaseSplit, writeDatabaseFiles } from './lib/write-databases';
import { DatabaseChoiceNeeded } from './lib/split-databases';
import { loadSqlParser } from '../../analysis';
import { updateAppConfig } from './lib/update-app-config';
import { updateCallers } from './lib/update-callers';
import { updateSharedLibrary } from './lib/update-shared-library';
import { updateSourceService } from './lib/update-source-service';
import { updatePathAliases } from './lib/update-path-aliases';
import { updateTypescriptConfig } from './lib/update-typescript-config';
import type { SplitServiceGeneratorSchema } from './schema';

/**
 * `nx g @topo/nx:split-service`: moves endpoints out of a service into a new service, with
 * what only they use; what both services still use goes to the app's shared library. Every
 * caller of a moved endpoint becomes a typed client call, imports follow what moved, tests
 * move with the code they test, and each custom topology keeps its process layout. Refuses,
 * writing nothing, whatever it could not rewrite safely.
 *
 * @example
 * nx g @topo/nx:split-service --from=hello --endpoints=h2 --name=yo
 */
export async function splitServiceGenerator(tree: Tree, schema: SplitServiceGeneratorSchema): Promise<void> {
  let options = normalizeOptions(tree, schema);
  checkSplit(tree, options);
  await loadSqlParser();
  let plan: SplitPlan;
  try {
    plan = planSplit(tree, options);
  } catch (error) {
    if (!(error instanceof DatabaseChoiceNeeded) || !canAsk()) throw error;
    options = { ...options, database: await askDatabaseChoice(error) };
    plan = planSplit(tree, options);
  }
  createNewService(tree, options, plan);
  moveDeclarations(tree, plan);
  updateSharedLibrary(tree, options, plan);
  updateSourceService(tree, options, plan);
  moveTests(tree, plan);
  updateCallers(tree, plan);
  updateTypescriptConfig(tree, options, plan);
  updatePathAliases(tree, plan);
  updateAppConfig(tree, options);
  writeDatabaseFiles(tree, plan.databases);
  if (!options.skipFormat) await formatFiles(tree);
  logger.info(
    `Moved ${options.endpoints.map((e) => e.exportName).join(', ')} from "${options.source.name}" to "${options.name}" (${options.directory})` +
      `${plan.sharedLibrary ? `; what both use is in ${plan.sharedLibrary.root}` : ''}.`,
  );
  for (const line of describeDatabaseSplit(plan.databases, options.name)) logger.info(line);
}

export default splitServiceGenerator;
