import { type Tree, writeJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { treeHost } from '../../../analysis';
import { planSharedReturn } from './shared-library';

describe('planSharedReturn', () => {
  let tree: Tree;
  const services = { from: { name: 'yo', root: 'apps/api/services/yo' }, into: { name: 'hello', root: 'apps/api/services/hello' } };
  const plan = () => planSharedReturn(treeHost(tree), services, (file) => tree.exists(file)).map((library) => ({ root: library.root, modules: Object.fromEntries(library.modules) }));

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    writeJson(tree, 'apps/api/shared/project.json', { name: 'api-shared', root: 'apps/api/shared', tags: ['topo:shared'] });
    tree.write('apps/api/shared/index.ts', `export * from './hello/hello';\nexport * from './hello/money';\n`);
    tree.write('apps/api/shared/hello/hello.ts', `export interface Response {\n  message: string;\n}\n`);
    tree.write('apps/api/shared/hello/money.ts', `export const CURRENCY = 'EUR';\n`);
    tree.write('apps/api/services/hello/hello.ts', `import type { Response } from '../../shared/hello/hello';\nexport const r: Response = { message: '' };\n`);
    tree.write('apps/api/services/yo/yo.ts', `import { CURRENCY } from '../../shared/hello/money';\nexport const c = CURRENCY;\n`);
  });

  it("brings back what only the two services use, to the same place below the remaining service", () => {
    expect(plan()).toEqual([
      {
        root: 'apps/api/shared',
        modules: { 'apps/api/shared/hello/hello.ts': 'apps/api/services/hello/hello.ts', 'apps/api/shared/hello/money.ts': 'apps/api/services/hello/money.ts' },
      },
    ]);
  });

  it("keeps a module another service's code imports, or any code through the index, and what it imports", () => {
    tree.write('apps/api/shared/hello/money.ts', `import type { Response } from './hello';\nexport const CURRENCY = 'EUR';\n`);
    tree.write('apps/api/services/shop/shop.ts', `import { CURRENCY } from '../../shared/hello/money';\nexport const c = CURRENCY;\n`);
    expect(plan()).toEqual([]);

    tree.write('apps/api/services/shop/shop.ts', `import { CURRENCY } from '../../shared';\nexport const c = CURRENCY;\n`);
    tree.write('apps/api/shared/hello/money.ts', `export const CURRENCY = 'EUR';\n`);
    expect(plan()[0].modules).toEqual({ 'apps/api/shared/hello/hello.ts': 'apps/api/services/hello/hello.ts' });
  });

  it("brings back a module that another service imports types from only, or tests: they may import a service's module", () => {
    tree.write('apps/api/services/audit/audit.ts', `import type { Response } from '../../shared/hello/hello';\nexport type R = Response;\n`);
    tree.write('apps/api/services/audit/audit.spec.ts', `import { CURRENCY } from '../../shared/hello/money';\nit('is euros', () => expect(CURRENCY).toBe('EUR'));\n`);
    expect(Object.keys(plan()[0].modules)).toEqual(['apps/api/shared/hello/hello.ts', 'apps/api/shared/hello/money.ts']);
  });

  it("renames what a split of the merged service shared after its main module, as the merged service's files", () => {
    tree.write('apps/api/services/yo/yo.ts', `export const y = 1;\n`);
    tree.write('apps/api/shared/yo/yo.ts', `export const SHOUT = '!';\n`);
    expect(plan()[0].modules['apps/api/shared/yo/yo.ts']).toBe('apps/api/services/hello/hello.ts');
  });

  it('reads only libraries tagged topo:shared', () => {
    writeJson(tree, 'apps/api/shared/project.json', { name: 'api-shared', root: 'apps/api/shared', tags: [] });
    expect(plan()).toEqual([]);
  });
});
