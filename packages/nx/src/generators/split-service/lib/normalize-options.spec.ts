import { addProjectConfiguration, type Tree, writeJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { normalizeOptions } from './normalize-options';

describe('normalizeOptions', () => {
  let tree: Tree;
  const dir = 'apps/api/services/hello';

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    writeJson(tree, 'apps/api/topo.json', { services: '*', port: 4000 });
    addProjectConfiguration(tree, 'api', { root: 'apps/api' });
    tree.write(`${dir}/service.ts`, `import { Service } from '@topo/runtime';\nexport default new Service('hello');\n`);
    tree.write(
      `${dir}/hello.ts`,
      `import { api } from '@topo/runtime';
export const h1 = api({ method: 'GET', path: '/hello/:name' }, async () => 1);
export const h2 = api({ method: ['GET', 'POST'], path: '/yo/:name' }, async () => 2);
export const h3 = api.raw({ method: '*', path: '/raw/*rest' }, (req, res) => res.end());
`,
    );
  });

  const selected = (endpoints: string[] | string) =>
    normalizeOptions(tree, { from: 'hello', name: 'yo', endpoints }).endpoints.map((e) => e.exportName);

  it('selects by export name, "METHOD /path" or "/path", one per entry or comma-separated, in source order', () => {
    expect(selected(['h2'])).toEqual(['h2']);
    expect(selected(['POST /yo/:name'])).toEqual(['h2']);
    expect(selected(['get /hello/:name'])).toEqual(['h1']);
    expect(selected('/yo/:name, h1')).toEqual(['h1', 'h2']);
    expect(selected(['DELETE /raw/*rest'])).toEqual(['h3']);
  });

  it('does not take a method the endpoint does not answer', () => {
    expect(() => selected(['DELETE /yo/:name'])).toThrow('Service "hello" has no endpoint "DELETE /yo/:name".');
  });

  it('puts the new service beside the source, reads the apps serving it, and names its client', () => {
    const options = normalizeOptions(tree, { from: 'hello', name: 'user-profile', endpoints: ['h2'] });

    expect(options).toMatchObject({
      name: 'user-profile',
      clientName: 'userProfile',
      directory: 'apps/api/services/user-profile',
      importExtension: '',
      skipFormat: false,
    });
    expect(options.apps.map((a) => [a.name, a.root])).toEqual([['api', 'apps/api']]);
    expect(normalizeOptions(tree, { from: 'hello', name: 'yo', endpoints: ['h2'], directory: './apps/api/yo/' }).directory).toBe(
      'apps/api/yo',
    );
  });

  it('refuses a source whose code the analysis cannot read', () => {
    tree.write(
      `${dir}/bad.ts`,
      `import { api } from '@topo/runtime';\nconst p = '/x';\nexport const h4 = api({ path: p }, async () => 1);\n`,
    );

    expect(() => selected(['h2'])).toThrow(
      /Service "hello" has problems the split cannot work around; fix them first\.\n\napps\/api\/services\/hello\/bad\.ts:3:/,
    );
  });
});
