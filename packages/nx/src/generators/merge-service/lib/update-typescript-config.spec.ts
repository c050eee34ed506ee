import { type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import type { NormalizedMergeOptions } from './normalize-options';
import { forgetFolders } from './update-typescript-config';

describe('forgetFolders', () => {
  let tree: Tree;
  const options = { apps: [{ name: 'api', root: 'apps/api' }] } as unknown as NormalizedMergeOptions;
  const config = (include: string) => `{\n  "extends": "../../tsconfig.base.json",\n  "include": [${include}]\n}\n`;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('removes the include entries that name a removed folder alone, keeping the file as written', () => {
    tree.write('apps/api/tsconfig.app.json', config(`"services/hello/**/*.ts", "services/yo/**/*.ts", "shared/**/*.ts"`));
    forgetFolders(tree, options, ['apps/api/services/yo', 'apps/api/shared']);
    expect(tree.read('apps/api/tsconfig.app.json', 'utf-8')).toBe(config(`"services/hello/**/*.ts"`));
  });

  it('leaves patterns that take more than the folder, and an include that would be left empty', () => {
    const text = config(`"**/*.ts", "services/*/index.ts"`);
    tree.write('apps/api/tsconfig.json', text);
    forgetFolders(tree, options, ['apps/api/services/yo']);
    expect(tree.read('apps/api/tsconfig.json', 'utf-8')).toBe(text);

    tree.write('apps/api/tsconfig.json', config(`"services/yo/**/*.ts"`));
    forgetFolders(tree, options, ['apps/api/services/yo']);
    expect(tree.read('apps/api/tsconfig.json', 'utf-8')).toBe(config(`"services/yo/**/*.ts"`));
  });
});
