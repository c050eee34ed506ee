import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { treeHost } from './files';
import { createModuleResolver, importNeedles } from './resolve';

describe('module resolution', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write(
      'tsconfig.base.json',
      JSON.stringify({
        compilerOptions: {
          baseUrl: '.',
          paths: { '@acme/hello': ['apps/api/services/hello/index.ts'], '@acme/hello/*': ['apps/api/services/hello/*'], '@acme/*': ['libs/*'] },
        },
      }),
    );
    tree.write('apps/api/services/hello/index.ts', 'export {};\n');
    tree.write('apps/api/services/hello/client.ts', 'export {};\n');
    tree.write('libs/money/index.ts', 'export {};\n');
  });

  it('resolves relative specifiers, path aliases and ESM-style .js specifiers to workspace files', () => {
    const resolver = createModuleResolver(treeHost(tree));

    expect(resolver.resolve('apps/api/services/yo/yo.ts', '../hello/client')).toBe('apps/api/services/hello/client.ts');
    expect(resolver.resolve('apps/api/services/yo/yo.ts', '../hello/client.js')).toBe('apps/api/services/hello/client.ts');
    expect(resolver.resolve('apps/api/services/yo/yo.ts', '@acme/hello')).toBe('apps/api/services/hello/index.ts');
    expect(resolver.resolve('apps/api/services/yo/yo.ts', '@acme/money')).toBe('libs/money/index.ts');
    expect(resolver.resolve('apps/api/services/yo/yo.ts', 'express')).toBeUndefined();
  });

  it('importNeedles: the folder name and the aliases that map into it, one of which any import of it contains', () => {
    expect(importNeedles(treeHost(tree), 'apps/api/services/hello').sort()).toEqual(['@acme/hello', '@acme/hello/', 'hello']);
    expect(importNeedles(treeHost(tree), 'libs/money')).toEqual(['money']);
  });
});
