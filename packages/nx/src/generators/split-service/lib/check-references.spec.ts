import { addProjectConfiguration, logger, type Tree, writeJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { normalizeOptions } from './normalize-options';
import { planSplit } from './plan-split';

describe('checkReferences (through planSplit)', () => {
  let tree: Tree;
  const dir = 'apps/api/services/hello';

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    writeJson(tree, 'apps/api/topo.json', { services: '*', port: 4000 });
    addProjectConfiguration(tree, 'api', { root: 'apps/api' });
    tree.write(`${dir}/service.ts`, `import { Service } from '@topo/runtime';\nexport default new Service('hello');\n`);
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  function plan(state: string, use: string): string {
    tree.write(
      `${dir}/hello.ts`,
      `import { api } from '@topo/runtime';\n${state}\nexport const h1 = api({ path: '/h1' }, async () => { ${use}; return 1; });\nexport const h2 = api({ path: '/h2' }, async () => { ${use}; return 2; });\n`,
    );
    try {
      planSplit(tree, normalizeOptions(tree, { from: 'hello', name: 'yo', endpoints: ['h2'] }));
      return 'planned';
    } catch (error) {
      return (error as Error).message;
    }
  }

  it.each([
    ['const cache = new Map<string, number>();', 'cache.set("a", 1)'],
    ['const list: string[] = [];', 'list.push("a")'],
    ['const counts = { a: 0 };', 'counts.a++'],
    ['const counts: Record<string, number> = {};', 'counts["a"] = 1'],
    ['const state = { a: 1 };', 'Object.assign(state, { a: 2 })'],
    ['const nested = { inner: [] as number[] };', 'nested.inner.push(1)'],
    ['let current = 0;', 'void current'],
  ])('refuses to share %s used as `%s`', (state, use) => {
    expect(plan(state, use)).toMatch(/is module-level state/);
  });

  it.each([
    ['const limits = { max: 3 };', 'void limits.max'],
    ['const names = ["a", "b"];', 'void names.map((n) => n.length)'],
    ['const table = new Map([["a", 1]]);', 'void table.get("a")'],
  ])('shares %s read as `%s`', (state, use) => {
    expect(plan(state, use)).toBe('planned');
  });
});
