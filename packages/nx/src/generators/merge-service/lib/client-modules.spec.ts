import { type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { untypedEndpointModules } from './client-modules';

describe('untypedEndpointModules', () => {
  let tree: Tree;
  const notes = 'apps/notebook/services/notes';
  const endpoint = (name: string, module: string) => ({ name, module: `${notes}/${module}` });

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write(`${notes}/client.ts`, `import { client } from '@topo/runtime';\nimport type * as endpoints from './index';\n\nexport const notes = client<typeof endpoints>('notes');\n`);
    tree.write(`${notes}/index.ts`, `export * from './endpoints/read';\nexport { createDraft, tagNote } from './endpoints/write';\n`);
    tree.write(`${notes}/endpoints/read.ts`, `export const getNote = 1;\n`);
    tree.write(`${notes}/endpoints/write.ts`, `export const createDraft = 1;\nexport const tagNote = 2;\nexport const archive = 3;\n`);
    tree.write(`${notes}/endpoints/tags.ts`, `export const notesByTag = 1;\n`);
  });

  it('lacks none of the modules whose endpoints a typed module exports, by name or through export *', () => {
    expect(untypedEndpointModules(tree, `${notes}/client.ts`, [endpoint('getNote', 'endpoints/read.ts'), endpoint('tagNote', 'endpoints/write.ts')])).toEqual([]);
  });

  it('lacks the modules of endpoints none of them exports', () => {
    expect(
      untypedEndpointModules(tree, `${notes}/client.ts`, [endpoint('archive', 'endpoints/write.ts'), endpoint('notesByTag', 'endpoints/tags.ts'), endpoint('getNote', 'endpoints/read.ts')]),
    ).toEqual([`${notes}/endpoints/write.ts`, `${notes}/endpoints/tags.ts`]);
  });
});
