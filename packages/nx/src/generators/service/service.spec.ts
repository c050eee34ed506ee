import { addProjectConfiguration, logger, readJson, type Tree, writeJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWorkspace, treeHost } from '../../analysis';
import { typecheckTree } from '../__fixtures__/typecheck-tree';
import { serviceGenerator } from './service';

describe('service generator', () => {
  let tree: Tree;
  let info: jest.SpyInstance;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    writeJson(tree, 'apps/api/topo.json', { services: '*', port: 4000 });
    addProjectConfiguration(tree, 'api', { root: 'apps/api', projectType: 'application' });
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => info.mockRestore());

  it('creates the service, its example endpoint, its test and its client module in the app', async () => {
    await serviceGenerator(tree, { name: 'billing' });

    const dir = 'apps/api/services/billing';
    expect(tree.children(dir).sort()).toEqual(['billing.spec.ts', 'billing.ts', 'client.ts', 'service.ts']);
    expect(tree.read(`${dir}/service.ts`, 'utf-8')).toBe(
      `import { Service } from '@topo/runtime';\n\nexport default new Service('billing');\n`,
    );
    expect(tree.read(`${dir}/client.ts`, 'utf-8')).toBe(
      [
        `import { client } from '@topo/runtime';`,
        `import type * as endpoints from './billing';`,
        '',
        "/** Typed client of service `billing`: `await billing.hello({ who: 'Ada' })` from any other service. */",
        `export const billing = client<typeof endpoints>('billing');`,
        '',
      ].join('\n'),
    );
    expect(tree.read(`${dir}/billing.spec.ts`, 'utf-8')).toContain(
      `await expect(hello({ who: 'Ada' })).resolves.toEqual({ message: 'Hello, Ada, from billing!' });`,
    );
  });

  it('writes a service the analysis reads back: name, root, client and a public endpoint', async () => {
    await serviceGenerator(tree, { name: 'user-profile' });

    const { services, errors } = analyzeWorkspace(tree.root, { host: treeHost(tree) });
    expect(errors).toEqual([]);
    expect(services).toHaveLength(1);
    expect(services[0]).toMatchObject({
      name: 'user-profile',
      root: 'apps/api/services/user-profile',
      clientFile: 'apps/api/services/user-profile/client.ts',
      testFiles: ['apps/api/services/user-profile/user-profile.spec.ts'],
    });
    expect(services[0].endpoints.map((e) => [e.exportName, e.expose, e.methods, e.path])).toEqual([
      ['hello', true, ['GET'], '/user-profile/hello/:who'],
    ]);
    expect(tree.read('apps/api/services/user-profile/client.ts', 'utf-8')).toContain(
      `export const userProfile = client<typeof endpoints>('user-profile');`,
    );
  });

  it('writes code that typechecks, including a typed call from another service', async () => {
    await serviceGenerator(tree, { name: 'hello' });
    await serviceGenerator(tree, { name: 'yo' });
    tree.write(
      'apps/api/services/yo/greet.ts',
      `import { api } from '@topo/runtime';
import { hello } from '../hello/client';

export const greet = api({ path: '/yo/greet/:who' }, async ({ who }: { who: string }): Promise<string> => {
  const { message } = await hello.hello({ who });
  return message;
});
`,
    );

    expect(typecheckTree(tree)).toEqual([]);

    // The check can fail: a wrong argument through the client is a type error.
    tree.write('apps/api/services/yo/wrong.ts', `import { hello } from '../hello/client';\nexport const wrong = () => hello.hello({ who: 42 });\n`);
    expect(typecheckTree(tree).join('\n')).toMatch(/wrong\.ts:2: Type 'number' is not assignable to type 'string'/);
  });

  it('agrees with docs/getting-started.md: the files it shows are the ones written, and the call it shows typechecks beside them', async () => {
    const docs = readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'docs', 'getting-started.md'), 'utf-8');
    // The code blocks that name their file on their first line.
    const blocks = [...docs.matchAll(/```ts\n\/\/ (\S+)\n([\s\S]*?)```/g)].map(([, path, text]) => ({ path, text }));
    expect(blocks.map((b) => b.path)).toEqual([
      'packages/api/services/hello/hello.ts',
      'packages/api/services/hello/client.ts',
      'packages/api/services/yo/greet.ts',
    ]);
    const docsTree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    writeJson(docsTree, 'packages/api/topo.json', { services: '*', port: 4000 });
    addProjectConfiguration(docsTree, 'api', { root: 'packages/api', projectType: 'application' });

    await serviceGenerator(docsTree, { name: 'hello' });
    await serviceGenerator(docsTree, { name: 'yo' });

    for (const { path, text } of blocks) {
      if (docsTree.exists(path)) expect(docsTree.read(path, 'utf-8')).toBe(text);
      else docsTree.write(path, text);
    }
    expect(typecheckTree(docsTree)).toEqual([]);
  });

  it('imports with .js extensions in an ES module package, and the code typechecks under nodenext', async () => {
    writeJson(tree, 'apps/api/package.json', { name: 'api', type: 'module' });

    await serviceGenerator(tree, { name: 'hello' });

    expect(tree.read('apps/api/services/hello/client.ts', 'utf-8')).toContain(`import type * as endpoints from './hello.js';`);
    expect(tree.read('apps/api/services/hello/hello.spec.ts', 'utf-8')).toContain(`import { hello } from './hello.js';`);
    expect(typecheckTree(tree, { module: 'nodenext' })).toEqual([]);
  });

  it('imports the test functions when the workspace tests with vitest', async () => {
    writeJson(tree, 'package.json', { name: '@proj/source', devDependencies: { vitest: '^3.0.0' } });

    await serviceGenerator(tree, { name: 'hello' });

    expect(tree.read('apps/api/services/hello/hello.spec.ts', 'utf-8')).toMatch(
      /^import \{ describe, expect, it \} from 'vitest';\nimport \{ hello \} from '\.\/hello';\n/,
    );
  });

  it('takes --directory and --app, among several apps', async () => {
    writeJson(tree, 'apps/shop/topo.json', { services: '*', port: 4001 });
    addProjectConfiguration(tree, 'shop', { root: 'apps/shop', projectType: 'application' });

    await serviceGenerator(tree, { name: 'cart', app: 'shop', directory: 'apps/shop/domain/cart' });

    expect(tree.exists('apps/shop/domain/cart/service.ts')).toBe(true);
  });

  it('appends the service to an explicit services list', async () => {
    writeJson(tree, 'apps/api/topo.json', { services: ['hello'], port: 4000 });

    await serviceGenerator(tree, { name: 'billing', directory: 'services/billing' });

    expect(readJson(tree, 'apps/api/topo.json').services).toEqual(['hello', 'billing']);
    expect(tree.exists('services/billing/service.ts')).toBe(true);
  });

  it('places the service in a group of its own in each custom topology, and says so', async () => {
    writeJson(tree, 'apps/api/topo.json', {
      services: '*',
      port: 4000,
      topologies: { staging: [['hello', 'yo']], edge: [['hello'], ['yo']] },
    });

    await serviceGenerator(tree, { name: 'billing' });

    expect(readJson(tree, 'apps/api/topo.json').topologies).toEqual({
      staging: [['hello', 'yo'], ['billing']],
      edge: [['hello'], ['yo'], ['billing']],
    });
    expect(info).toHaveBeenCalledWith(expect.stringContaining('Placed "billing" in a process group of its own in topologies "staging", "edge"'));
  });

  describe('refuses, writing nothing,', () => {
    async function refusal(schema: Parameters<typeof serviceGenerator>[1]): Promise<string> {
      const before = tree.listChanges().map((c) => `${c.type} ${c.path} ${c.content?.toString()}`);
      const error = await serviceGenerator(tree, schema).then(
        () => 'no error',
        (e: Error) => e.message,
      );
      expect(tree.listChanges().map((c) => `${c.type} ${c.path} ${c.content?.toString()}`)).toEqual(before);
      return error;
    }

    it('a name that is not kebab-case', async () => {
      expect(await refusal({ name: 'Billing_Service' })).toBe(
        'Service name "Billing_Service" is not kebab-case. Use lower-case letters, digits and dashes, starting with a letter, such as "billing" or "user-profile".',
      );
    });

    it('a name another service has', async () => {
      await serviceGenerator(tree, { name: 'billing' });

      expect(await refusal({ name: 'billing', directory: 'apps/api/other' })).toBe(
        'Service "billing" already exists (apps/api/services/billing/service.ts). Choose another name; service names are unique in the workspace.',
      );
    });

    it('a name another project has', async () => {
      addProjectConfiguration(tree, 'billing', { root: 'libs/billing' });

      expect(await refusal({ name: 'billing' })).toBe(
        'Project "billing" already exists (libs/billing); a service is a project of that name. Choose another name.',
      );
    });

    it('when there is no app', async () => {
      tree.delete('apps/api/topo.json');

      expect(await refusal({ name: 'billing' })).toBe(
        'The workspace has no app (a folder with a topo.json). Create one with `nx g @topo/nx:init`, then add the service.',
      );
    });

    it('when the app is ambiguous or unknown', async () => {
      writeJson(tree, 'apps/shop/topo.json', { services: '*', port: 4001 });

      expect(await refusal({ name: 'billing' })).toBe(
        'The workspace has several apps: api (apps/api), shop (apps/shop). Pass --app=<name> to choose one.',
      );
      expect(await refusal({ name: 'billing', app: 'admin' })).toBe(
        'There is no app "admin". Pass --app with one of: api (apps/api), shop (apps/shop).',
      );
    });

    it('a folder outside an app that takes the services below it', async () => {
      expect(await refusal({ name: 'billing', directory: 'libs/billing' })).toBe(
        'libs/billing is outside app apps/api, whose topo.json takes the services below it ("services": "*"). ' +
          'Pass a --directory below apps/api, or list the app\'s services in its topo.json.',
      );
    });

    it('a folder inside another service, or one that exists', async () => {
      await serviceGenerator(tree, { name: 'billing' });

      expect(await refusal({ name: 'invoices', directory: 'apps/api/services/billing/invoices' })).toBe(
        'apps/api/services/billing/invoices is inside service "billing" (apps/api/services/billing); services cannot be nested. Pass --directory outside it.',
      );
      tree.write('apps/api/services/payments/notes.md', 'taken');
      expect(await refusal({ name: 'payments' })).toBe(
        'apps/api/services/payments already exists. Pass --directory to create the service in a new folder.',
      );
    });

    it('an app whose topo.json is broken', async () => {
      tree.write('apps/api/topo.json', '{ "services": "*" }');

      expect(await refusal({ name: 'billing' })).toContain(`The app's topo.json has problems; fix them first.`);
    });
  });
});
