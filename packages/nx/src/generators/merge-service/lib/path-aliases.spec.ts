import { type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { treeHost } from '../../../analysis';
import { planAliasMoves, updatePathAliases } from './path-aliases';

describe('path aliases', () => {
  let tree: Tree;
  const config = (target: string) => `{\n  "extends": "../../tsconfig.base.json",\n  "compilerOptions": {\n    "paths": { "@uptime/probe": ["${target}"] }\n  },\n  "include": ["**/*.ts"]\n}\n`;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write('apps/uptime/services/checks/probe/index.ts', 'export const prober = 1;\n');
  });

  it('points an alias of a module that moves at its new place, in the style it was written, changing nothing else', () => {
    tree.write('apps/uptime/tsconfig.json', config('./services/checks/probe/index.ts'));
    const moves = planAliasMoves(treeHost(tree), new Map([['apps/uptime/services/checks/probe/index.ts', 'apps/uptime/services/monitor/probe/index.ts']]));
    expect(moves.map((move) => [move.alias.pattern, move.home])).toEqual([['@uptime/probe', 'apps/uptime/services/monitor/probe/index.ts']]);
    updatePathAliases(tree, moves);
    expect(tree.read('apps/uptime/tsconfig.json', 'utf-8')).toBe(config('./services/monitor/probe/index.ts'));
  });

  it('writes a folder for an index when the alias named the folder', () => {
    tree.write('apps/uptime/tsconfig.json', config('services/checks/probe'));
    updatePathAliases(tree, planAliasMoves(treeHost(tree), new Map([['apps/uptime/services/checks/probe/index.ts', 'apps/uptime/services/monitor/probe/index.ts']])));
    expect(tree.read('apps/uptime/tsconfig.json', 'utf-8')).toBe(config('services/monitor/probe'));
  });

  it('leaves aliases of modules that stay', () => {
    tree.write('apps/uptime/tsconfig.json', config('./services/checks/probe/index.ts'));
    expect(planAliasMoves(treeHost(tree), new Map([['apps/uptime/services/checks/checks.ts', 'apps/uptime/services/monitor/checks.ts']]))).toEqual([]);
  });
});
