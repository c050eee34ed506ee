import type { Tree } from '@nx/devkit';
import type { SplitPlan } from './plan-split';
import { writeModule } from './write-module';

/**
 * Moves the tests of the moved code to the new service: a test file that tests only moved
 * code moves whole; one that tests both sides is divided by top-level block, each block
 * going with what it tests. Imports are rewritten on both sides.
 */
export function moveTests(tree: Tree, plan: SplitPlan): void {
  for (const module of plan.modules) {
    if (module.test && module.owner !== 'other') writeModule(tree, plan, module);
  }
}
