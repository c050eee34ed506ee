import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { writeClientModule } from './client-module';

describe('writeClientModule', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('types the client from one endpoint module, as the service generator writes it', () => {
    writeClientModule(tree, {
      directory: 'apps/api/services/user-profile',
      service: 'user-profile',
      exportName: 'userProfile',
      endpointModules: ['apps/api/services/user-profile/user-profile.ts'],
      example: 'get',
      importExtension: '',
    });

    expect(tree.read('apps/api/services/user-profile/client.ts', 'utf-8')).toBe(
      [
        `import { client } from '@topo/runtime';`,
        `import type * as endpoints from './user-profile';`,
        '',
        '/** Typed client of service `user-profile`: `await userProfile.get(req)` from any other service. */',
        `export const userProfile = client<typeof endpoints>('user-profile');`,
        '',
      ].join('\n'),
    );
  });

  it('intersects several endpoint modules, with distinct names', () => {
    writeClientModule(tree, {
      directory: 's/yo',
      service: 'yo',
      exportName: 'yo',
      endpointModules: ['s/yo/a/index.ts', 's/yo/b/index.ts', 's/yo/delete.ts'],
      example: 'h2',
      importExtension: '.js',
    });

    const text = tree.read('s/yo/client.ts', 'utf-8');
    expect(text).toContain(
      [
        `import type * as indexEndpoints from './a/index.js';`,
        `import type * as indexEndpoints2 from './b/index.js';`,
        `import type * as deleteEndpoints from './delete.js';`,
      ].join('\n'),
    );
    expect(text).toContain(`export const yo = client<typeof indexEndpoints & typeof indexEndpoints2 & typeof deleteEndpoints>('yo');`);
  });
});
