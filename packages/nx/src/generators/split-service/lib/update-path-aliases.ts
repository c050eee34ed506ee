import type { Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { replaceJsonValue } from '../../utils/json-edits';
import type { SplitPlan } from './plan-split';

/**
 * Points each exact `paths` alias whose module the split moved whole at where that module is
 * now, so that the code keeps importing it by its alias, as its authors wrote it. Only the
 * target changes in the tsconfig, in the style it was written (`./` or not, a folder for an
 * index).
 *
 * @example
 * // apps/uptime/tsconfig.json: "@uptime/probe": ["services/monitor/probe/index.ts"] -> ["services/checks/probe/index.ts"]
 */
export function updatePathAliases(tree: Tree, plan: SplitPlan): void {
  for (const { alias, home } of plan.aliasMoves) {
    const text = tree.read(alias.config, 'utf-8');
    if (text === null) continue;
    const folder = !/\.[cm]?tsx?$/.test(alias.written) && posix.basename(home).startsWith('index.');
    const target = posix.relative(alias.base, folder ? posix.dirname(home) : alias.written.endsWith('.ts') || alias.written.endsWith('.tsx') ? home : home.replace(/\.[cm]?tsx?$/, ''));
    const written = alias.written.startsWith('./') && !target.startsWith('.') ? `./${target}` : target;
    tree.write(alias.config, replaceJsonValue(text, ['compilerOptions', 'paths', alias.pattern, alias.index], written));
  }
}
