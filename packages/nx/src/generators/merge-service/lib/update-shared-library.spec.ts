import { type Tree, writeJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import type { MergePlan } from './plan-merge';
import { updateSharedLibraries } from './update-shared-library';

describe('updateSharedLibraries', () => {
  let tree: Tree;
  const planOf = (modules: Record<string, string>): MergePlan =>
    ({ shared: [{ root: 'apps/api/shared', modules: new Map(Object.entries(modules)) }] }) as unknown as MergePlan;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    writeJson(tree, 'apps/api/shared/project.json', { name: 'api-shared', root: 'apps/api/shared', tags: ['topo:shared'] });
    tree.write('apps/api/shared/index.ts', `// What the services of this app share.\nexport * from './hello/hello';\nexport * from './zz/zz';\n`);
    tree.write('apps/api/shared/hello/hello.ts', `export const a = 1;\n`);
    tree.write('apps/api/shared/zz/zz.ts', `export const z = 1;\n`);
  });

  it('takes what came back out of the index and the library', () => {
    updateSharedLibraries(tree, planOf({ 'apps/api/shared/hello/hello.ts': 'apps/api/services/hello/hello.ts' }));
    expect(tree.read('apps/api/shared/index.ts', 'utf-8')).toBe(`// What the services of this app share.\nexport * from './zz/zz';\n`);
    expect(tree.exists('apps/api/shared/hello')).toBe(false);
    expect(tree.exists('apps/api/shared/zz/zz.ts')).toBe(true);
  });

  it('removes a library left with its index and project.json only, and the project references to it', () => {
    tree.delete('apps/api/shared/zz/zz.ts');
    writeJson(tree, 'tsconfig.json', { files: [], references: [{ path: './apps/api/shared' }, { path: './apps/api/services/hello' }] });
    expect(updateSharedLibraries(tree, planOf({ 'apps/api/shared/hello/hello.ts': 'apps/api/services/hello/hello.ts' }))).toEqual(['apps/api/shared']);
    expect(tree.exists('apps/api/shared')).toBe(false);
    expect(JSON.parse(tree.read('tsconfig.json', 'utf-8')!).references).toEqual([{ path: './apps/api/services/hello' }]);
  });
});
