import type { Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { type PathAlias, pathAliases, type SourceHost } from '../../../analysis';
import { replaceJsonValue } from '../../utils/json-edits';

/** An exact `paths` alias whose module the merge moves, and where that module goes. */
export interface AliasMove {
  readonly alias: PathAlias;
  /** The module's new place. */
  readonly home: string;
}

/**
 * The exact `paths` aliases (`"@uptime/probe": ["./services/checks/probe/index.ts"]`) whose
 * module the merge moves: they follow it, so that the code keeps importing it by its alias,
 * as its authors wrote it (and as the split left it).
 *
 * @example
 * planAliasMoves(host, moves); // [{ alias: { pattern: '@uptime/probe', ... }, home: 'apps/uptime/services/monitor/probe/index.ts' }]
 */
export function planAliasMoves(host: SourceHost, moves: ReadonlyMap<string, string>): AliasMove[] {
  return pathAliases(host).flatMap((alias) => {
    const file = [alias.target, `${alias.target}.ts`, `${alias.target}.tsx`, posix.join(alias.target, 'index.ts')].find((f) => moves.has(f));
    return file ? [{ alias, home: moves.get(file)! }] : [];
  });
}

/**
 * Points each alias at its module's new place, in the style it was written (`./` or not, a
 * folder for an index, the extension or not); only that string of the tsconfig changes.
 *
 * @example
 * updatePathAliases(tree, plan.aliasMoves); // "@uptime/probe": ["./services/monitor/probe/index.ts"]
 */
export function updatePathAliases(tree: Tree, moves: readonly AliasMove[]): void {
  for (const { alias, home } of moves) {
    const text = tree.read(alias.config, 'utf-8');
    if (text === null) continue;
    const folder = !/\.[cm]?tsx?$/.test(alias.written) && posix.basename(home).startsWith('index.');
    const extension = /\.[cm]?tsx?$/.test(alias.written);
    const target = posix.relative(alias.base, folder ? posix.dirname(home) : extension ? home : home.replace(/\.[cm]?tsx?$/, ''));
    const written = alias.written.startsWith('./') && !target.startsWith('.') ? `./${target}` : target;
    if (written === alias.written) continue;
    tree.write(alias.config, replaceJsonValue(text, ['compilerOptions', 'paths', alias.pattern, alias.index], written));
  }
}
