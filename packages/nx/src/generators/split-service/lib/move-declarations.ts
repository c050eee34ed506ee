import type { Tree } from '@nx/devkit';
import type { SplitPlan } from './plan-split';
import { writeModule } from './write-module';

/**
 * Writes the new service's modules: the moved endpoints with what only they use, each in
 * the file that mirrors where it was in the source (`hello/greetings/h2.ts` ->
 * `yo/greetings/h2.ts`; a file named after the source service is named after the new one).
 */
export function moveDeclarations(tree: Tree, plan: SplitPlan): void {
  for (const module of plan.modules) {
    if (module.owner === 'new' && !module.test && !module.serviceMarker) writeModule(tree, plan, module);
  }
  // Files the split empties (code that moved whole with its file among them) go.
  for (const file of plan.deleted) if (tree.exists(file)) tree.delete(file);
}
