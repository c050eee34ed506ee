import type { Tree } from '@nx/devkit';
import type { SplitPlan } from './plan-split';
import { writeModule } from './write-module';

/**
 * Rewrites the code of other services that used what moved: `hello.h2(x)` through the
 * source's client becomes `yo.h2(x)`, a direct call of a moved endpoint becomes a client
 * call (tests keep calling it directly, from its new home), and imports of moved or shared
 * declarations point to their new home, type-only where only types are imported.
 */
export function updateCallers(tree: Tree, plan: SplitPlan): void {
  for (const module of plan.modules) {
    if (module.owner === 'other') writeModule(tree, plan, module);
  }
}
