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

  it("resolves an alias through the tsconfig that applies to the importing file: an app's own, extending the base", () => {
    tree.write('apps/api/tsconfig.json', JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { paths: { '@api/probe': ['services/hello/probe/index.ts'] } } }));
    tree.write('apps/api/services/hello/probe/index.ts', 'export {};\n');
    tree.write('apps/web/tsconfig.json', JSON.stringify({ extends: '../../tsconfig.base.json' }));
    const resolver = createModuleResolver(treeHost(tree));

    expect(resolver.resolve('apps/api/services/yo/yo.ts', '@api/probe')).toBe('apps/api/services/hello/probe/index.ts');
    // Its own paths replace the base's, as in TypeScript; another app inherits the base's.
    expect(resolver.resolve('apps/api/services/yo/yo.ts', '@acme/money')).toBeUndefined();
    expect(resolver.resolve('apps/web/main.ts', '@acme/money')).toBe('libs/money/index.ts');
    expect(resolver.resolve('apps/web/main.ts', '@api/probe')).toBeUndefined();
    expect(importNeedles(treeHost(tree), 'apps/api/services/hello')).toContain('@api/probe');
  });
});
