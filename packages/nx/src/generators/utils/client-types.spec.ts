import { type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { editClientTypes } from './client-types';

describe('editClientTypes', () => {
  let tree: Tree;
  const client = 'apps/api/services/store/client.ts';
  const text = (imports: string[], type: string) =>
    `import { client } from '@topo/runtime';\n${imports.join('\n')}\n\nexport const store = client<${type}>('store');\n`;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    for (const module of ['orders', 'skus', 'stock', 'restock']) tree.write(`apps/api/services/store/${module}.ts`, `export const ${module} = 1;\n`);
  });

  it("names a module it adds as the client names its others: after the module when they are, in their specifiers' order", () => {
    tree.write(client, text([`import type * as orders from './orders';`, `import type * as skus from './skus';`], 'typeof orders & typeof skus'));
    expect(editClientTypes(tree, client, { drop: new Set(), add: ['apps/api/services/store/stock.ts', 'apps/api/services/store/restock.ts'] }, '')).toBe(true);
    expect(tree.read(client, 'utf-8')).toBe(
      text(
        [`import type * as orders from './orders';`, `import type * as restock from './restock';`, `import type * as skus from './skus';`, `import type * as stock from './stock';`],
        'typeof orders & typeof skus & typeof stock & typeof restock',
      ),
    );
  });

  it('names it `<module>Endpoints` otherwise, after the type imports when they keep no order', () => {
    tree.write(client, text([`import type * as endpoints from './skus';`, `import type * as orderEndpoints from './orders';`], 'typeof endpoints & typeof orderEndpoints'));
    editClientTypes(tree, client, { drop: new Set(), add: ['apps/api/services/store/stock.ts'] }, '');
    expect(tree.read(client, 'utf-8')).toBe(
      text(
        [`import type * as endpoints from './skus';`, `import type * as orderEndpoints from './orders';`, `import type * as stockEndpoints from './stock';`],
        'typeof endpoints & typeof orderEndpoints & typeof stockEndpoints',
      ),
    );
  });

  it('drops the type import of a module that left, with its type', () => {
    tree.write(client, text([`import type * as orders from './orders';`, `import type * as stock from './stock';`], 'typeof orders & typeof stock'));
    editClientTypes(tree, client, { drop: new Set(['apps/api/services/store/stock.ts']), add: [] }, '');
    expect(tree.read(client, 'utf-8')).toBe(text([`import type * as orders from './orders';`], 'typeof orders'));
  });
});
