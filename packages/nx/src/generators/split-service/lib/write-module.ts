import type { Tree } from '@nx/devkit';
import type { SplitPlan } from './plan-split';
import { renderInPlace, renderNewModule } from './render-module';
import type { ModulePlan } from './resolve-references';

/**
 * Writes one module of the plan: a file rewritten in place (deleted when nothing is left in
 * it, untouched when nothing changed; at its new path when it moves whole), or a new module
 * (appended to when it exists).
 */
export function writeModule(tree: Tree, plan: SplitPlan, module: ModulePlan): void {
  const origin = plan.graph.modules.get(module.origin);
  if (!origin) return;
  if (module.inPlace) {
    const text = renderInPlace(module, origin, plan.render);
    const moved = module.path !== module.origin;
    if (text === undefined) {
      if (!moved) tree.delete(module.path);
    } else if (moved || text !== origin.sourceFile.text) tree.write(module.path, text);
    return;
  }
  const existing = tree.exists(module.path) ? (tree.read(module.path, 'utf-8') ?? undefined) : undefined;
  tree.write(module.path, renderNewModule(module, origin, plan.render, existing));
}
