import { addProjectConfiguration, logger, readJson, type Tree, writeJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWorkspace, treeHost } from '../../analysis';
import { clientTs, serviceTs } from '../__fixtures__/service-files';
import { typecheckTree } from '../__fixtures__/typecheck-tree';
import { splitServiceGenerator } from '../split-service/split-service';
import { mergeServiceGenerator } from './merge-service';

/** The guide's monolith before its split (hello with h1 and h2), as packages/demo was before it showed the split. */
const DEMO = join(__dirname, '..', '__fixtures__', 'guide-monolith', 'hello');
const SERVICES = 'apps/api/services';

describe('merge-service generator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' } as Parameters<typeof createTreeWithEmptyWorkspace>[0]);
    writeJson(tree, 'apps/api/topo.json', { services: '*', port: 4000 });
    addProjectConfiguration(tree, 'api', { root: 'apps/api', projectType: 'application' });
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  function service(name: string, files: Record<string, string>): void {
    tree.write(`${SERVICES}/${name}/service.ts`, serviceTs(name));
    for (const [file, text] of Object.entries(files)) tree.write(`${SERVICES}/${name}/${file}`, text);
  }

  const read = (path: string) => tree.read(path, 'utf-8');
  const merge = (from = 'yo', into = 'hello') => mergeServiceGenerator(tree, { from, into, skipFormat: true });

  function services(): Record<string, string[]> {
    const { services, errors } = analyzeWorkspace(tree.root, { host: treeHost(tree) });
    expect(errors).toEqual([]);
    return Object.fromEntries(services.map((s) => [s.name, s.endpoints.map((e) => e.exportName).sort()]));
  }

  /** hello calls yo, yo calls hello, and web calls both. */
  function callers(): void {
    service('hello', {
      'hello.ts':
        `import { api } from '@topo/runtime';\nimport { yo } from '../yo/client';\n\n` +
        `export const h1 = api({ expose: true, method: 'GET', path: '/hello/:name' }, async ({ name }: { name: string }): Promise<{ message: string }> => ({ message: \`Hello, \${name}!\` }));\n\n` +
        `export const both = api({ expose: true, method: 'GET', path: '/both/:name' }, async ({ name }: { name: string }) => {\n  const { message } = await yo.h2({ name });\n  return { message: \`\${message} and hello\` };\n});\n`,
      'client.ts': clientTs('hello'),
    });
    service('yo', {
      'yo.ts':
        `import { api } from '@topo/runtime';\nimport { hello } from '../hello/client';\nimport { shout } from './lib/shout';\n\n` +
        `export const h2 = api({ expose: true, method: 'GET', path: '/yo/:name' }, async ({ name }: { name: string }): Promise<{ message: string }> => ({ message: shout(\`Yo, \${name}\`) }));\n\n` +
        `export const echo = api({ expose: true, method: 'GET', path: '/echo/:name' }, async ({ name }: { name: string }) => hello.h1({ name }));\n`,
      'lib/shout.ts': `export function shout(text: string): string {\n  return \`\${text}!\`;\n}\n`,
      'yo.spec.ts': `import { h2 } from './yo';\n\nit('greets', async () => {\n  expect(await h2({ name: 'Ada' })).toEqual({ message: 'Yo, Ada!' });\n});\n`,
      'client.ts': clientTs('yo'),
    });
    service('web', {
      'web.ts':
        `import { api } from '@topo/runtime';\nimport { hello } from '../hello/client';\nimport { yo as yoClient } from '../yo/client';\n\n` +
        `export const page = api({ expose: true, method: 'GET', path: '/page/:name' }, async ({ name }: { name: string }) => {\n` +
        `  const [a, b] = await Promise.all([hello.h1({ name }), yoClient.h2({ name })]);\n  return { text: a.message + b.message };\n});\n`,
    });
    service('mail', {
      'mail.ts':
        `import { api } from '@topo/runtime';\nimport { yo } from '../yo/client';\n\n` +
        `export const send = api({ method: 'POST', path: '/send' }, async ({ to }: { to: string }) => ({ sent: (await yo.h2({ name: to })).message }));\n`,
    });
  }

  describe('services that call each other', () => {
    beforeEach(async () => {
      callers();
      await merge();
    });

    it('leaves one service with every endpoint, and no service yo', () => {
      expect(services()).toEqual({ hello: ['both', 'echo', 'h1', 'h2'], mail: ['send'], web: ['page'] });
      expect(tree.exists(`${SERVICES}/yo`)).toBe(false);
    });

    it("moves the files to the same place in hello, yo's main module and its test to hello's, with their own imports intact", () => {
      expect(read(`${SERVICES}/hello/lib/shout.ts`)).toContain('export function shout');
      expect(tree.exists(`${SERVICES}/hello/yo.ts`)).toBe(false);
      expect(read(`${SERVICES}/hello/hello.spec.ts`)).toContain(`import { h2 } from './hello';`);
      expect(read(`${SERVICES}/hello/hello.ts`)).toContain(`import { shout } from './lib/shout';`);
    });

    it('turns client calls inside the merged service into direct calls, both ways', () => {
      const helloTs = read(`${SERVICES}/hello/hello.ts`)!;
      // h2 is declared in the module now: no import.
      expect(helloTs).toContain('await h2({ name })');
      expect(helloTs).toContain('async ({ name }: { name: string }) => h1({ name })');
      expect(helloTs).not.toContain('client');
      expect(helloTs).not.toContain(`from './hello'`);
      expect(helloTs.indexOf('export const both')).toBeLessThan(helloTs.indexOf('export const h2'));
    });

    it("points other services at hello's client, reusing an import they have", () => {
      const web = read(`${SERVICES}/web/web.ts`)!;
      expect(web).toContain('Promise.all([hello.h1({ name }), hello.h2({ name })])');
      expect(web.match(/from '\.\.\/hello\/client'/g)).toHaveLength(1);
      expect(web).not.toContain('yo');
      const mail = read(`${SERVICES}/mail/mail.ts`)!;
      expect(mail).toContain(`import { hello } from '../hello/client';`);
      expect(mail).toContain('(await hello.h2({ name: to })).message');
    });

    it("leaves hello's client as it was: the module it types itself from holds yo's endpoints now", () => {
      expect(read(`${SERVICES}/hello/client.ts`)).toBe(clientTs('hello'));
    });

    it('typechecks', () => {
      expect(typecheckTree(tree)).toEqual([]);
    });
  });

  it('undoes a split: the guide, split and merged back, is the guide again, file by file, and typechecks', async () => {
    const guide = Object.fromEntries(['client.ts', 'hello.ts', 'hello.spec.ts'].map((file) => [file, readFileSync(join(DEMO, file), 'utf-8')]));
    service('hello', guide);
    await splitServiceGenerator(tree, { from: 'hello', endpoints: ['h2'], name: 'yo', skipFormat: true });
    expect(services()).toEqual({ hello: ['h1'], yo: ['h2'] });
    expect(tree.exists('apps/api/shared/hello/hello.ts')).toBe(true);
    await merge();
    expect(services()).toEqual({ hello: ['h1', 'h2'] });
    for (const [file, text] of Object.entries(guide)) expect(read(`${SERVICES}/hello/${file}`)).toBe(text);
    expect(tree.children(`${SERVICES}/hello`).sort()).toEqual(['client.ts', 'hello.spec.ts', 'hello.ts', 'service.ts']);
    // What the split put in the shared library came back, and the library with nothing left in it went.
    expect(tree.exists('apps/api/shared')).toBe(false);
    expect(typecheckTree(tree)).toEqual([]);
  });

  it('joins modules that land at one place, and their imports', async () => {
    service('hello', {
      'endpoints/read.ts': `import { api } from '@topo/runtime';\nimport { yo } from '../../yo/client';\n\nexport const r1 = api({ expose: true, method: 'GET', path: '/r1' }, async () => yo.r2());\n`,
    });
    service('yo', {
      'endpoints/read.ts': `import { api, APIError } from '@topo/runtime';\n\nexport const r2 = api({ expose: true, method: 'GET', path: '/r2' }, async (): Promise<{ ok: boolean }> => {\n  if (Math.random() > 2) throw new APIError('internal' as never, 'never');\n  return { ok: true };\n});\n`,
      'client.ts': clientTs('yo', './endpoints/read'),
    });
    await merge();
    const joined = read(`${SERVICES}/hello/endpoints/read.ts`)!;
    expect(joined).toContain(`import { api, APIError } from '@topo/runtime';`);
    expect(joined).toContain('async () => r2())');
    expect(joined).not.toContain('yo');
    expect(joined.indexOf('export const r1')).toBeLessThan(joined.indexOf('export const r2'));
    expect(services()).toEqual({ hello: ['r1', 'r2'] });
    expect(typecheckTree(tree)).toEqual([]);
  });

  it("takes out of the app's tsconfig the folders the split added to it and the merge removed", async () => {
    const guide = Object.fromEntries(['client.ts', 'hello.ts', 'hello.spec.ts'].map((file) => [file, readFileSync(join(DEMO, file), 'utf-8')]));
    service('hello', guide);
    const tsconfig = `{\n  "extends": "../../tsconfig.base.json",\n  "include": ["services/hello/**/*.ts"]\n}\n`;
    tree.write('apps/api/tsconfig.app.json', tsconfig);
    await splitServiceGenerator(tree, { from: 'hello', endpoints: ['h2'], name: 'yo', skipFormat: true });
    expect(read('apps/api/tsconfig.app.json')).toContain('services/yo/**/*.ts');

    await merge();
    expect(read('apps/api/tsconfig.app.json')).toBe(tsconfig);
  });

  it("undoes the hosting a split added to a test: the test calls its own service's code again, and reads as it did", async () => {
    const helloTs =
      `import { api } from '@topo/runtime';\n\n` +
      `export const h1 = api({ expose: true, method: 'GET', path: '/h1/:name' }, async ({ name }: { name: string }): Promise<{ message: string }> => h2({ name }));\n\n` +
      `export const h2 = api({ expose: false, method: 'GET', path: '/h2/:name' }, async ({ name }: { name: string }): Promise<{ message: string }> => ({ message: \`Yo, \${name}!\` }));\n`;
    const helloSpec = `import { h1 } from './hello';\n\ndescribe('hello', () => {\n  it('greets through h2', async () => {\n    await expect(h1({ name: 'Ada' })).resolves.toEqual({ message: 'Yo, Ada!' });\n  });\n});\n`;
    service('hello', { 'hello.ts': helloTs, 'hello.spec.ts': helloSpec, 'client.ts': clientTs('hello') });
    await splitServiceGenerator(tree, { from: 'hello', endpoints: ['h2'], name: 'yo', skipFormat: true });
    expect(read(`${SERVICES}/hello/hello.spec.ts`)).toContain('createHost');

    await merge();
    expect(read(`${SERVICES}/hello/hello.spec.ts`)).toBe(helloSpec);
    expect(read(`${SERVICES}/hello/hello.ts`)).toBe(helloTs);
    expect(read(`${SERVICES}/hello/client.ts`)).toBe(clientTs('hello'));
    expect(typecheckTree(tree)).toEqual([]);
  });

  it("keeps the merged service's main module beside the remaining one's when both declare a name", async () => {
    const module = (endpoint: string) =>
      `import { api } from '@topo/runtime';\n\nconst greeting = '${endpoint}';\n\nexport const ${endpoint} = api({ expose: true, method: 'GET', path: '/${endpoint}' }, async () => ({ greeting }));\n`;
    service('hello', { 'hello.ts': module('h1'), 'hello.spec.ts': `import { h1 } from './hello';\n\nit('greets', () => h1());\n` });
    service('yo', { 'yo.ts': module('h2'), 'yo.spec.ts': `import { h2 } from './yo';\n\nit('greets', () => h2());\n` });
    await merge();
    expect(read(`${SERVICES}/hello/yo.ts`)).toBe(module('h2'));
    expect(read(`${SERVICES}/hello/yo.spec.ts`)).toContain(`from './yo'`);
    expect(read(`${SERVICES}/hello/hello.ts`)).toBe(module('h1'));
    expect(services()).toEqual({ hello: ['h1', 'h2'] });
  });

  describe('databases', () => {
    const endpoint = (name: string, handle: string) =>
      `import { api } from '@topo/runtime';\nimport { ${handle} } from './db';\n\nexport const ${name} = api({ expose: true, method: 'GET', path: '/${name}' }, async () => ({ n: (await ${handle}.queryAll\`SELECT 1 AS n\`).length }));\n`;

    it("brings back a database the merged service owns: hello owns it now, its migrations beside hello's own, the option following them", async () => {
      service('hello', {
        'hello.ts': endpoint('h1', 'db'),
        'db.ts': `import { SQLDatabase } from '@topo/runtime';\n\nexport const db = new SQLDatabase('hello', { migrations: './migrations' });\n`,
        'migrations/1_create_greetings.up.sql': 'CREATE TABLE greetings (id SERIAL PRIMARY KEY);\n',
      });
      service('yo', {
        'yo.ts': endpoint('h2', 'yoDb'),
        'db.ts': `import { SQLDatabase } from '@topo/runtime';\n\nexport const yoDb = new SQLDatabase('yo', { migrations: './migrations' });\n`,
        'migrations/1_create_greetings.up.sql': 'CREATE TABLE yo_greetings (id SERIAL PRIMARY KEY);\n',
        'copy-data-from-hello.mjs': '// Written by `nx g @topo/nx:split-service --database=own`: copies the rows.\n',
      });
      await merge();
      expect(read(`${SERVICES}/hello/db.ts`)).toContain(`export const yoDb = new SQLDatabase('yo', { migrations: './migrations-yo' });`);
      expect(read(`${SERVICES}/hello/db.ts`)).toContain(`export const db = new SQLDatabase('hello', { migrations: './migrations' });`);
      expect(read(`${SERVICES}/hello/migrations-yo/1_create_greetings.up.sql`)).toBe('CREATE TABLE yo_greetings (id SERIAL PRIMARY KEY);\n');
      expect(read(`${SERVICES}/hello/migrations/1_create_greetings.up.sql`)).toBe('CREATE TABLE greetings (id SERIAL PRIMARY KEY);\n');
      expect(tree.exists(`${SERVICES}/hello/copy-data-from-hello.mjs`)).toBe(false);
      const { databases, errors } = analyzeWorkspace(tree.root, { host: treeHost(tree) });
      expect(errors).toEqual([]);
      expect(databases.map((d) => [d.name, d.service, d.migrations])).toEqual([
        ['hello', 'hello', `${SERVICES}/hello/migrations`],
        ['yo', 'hello', `${SERVICES}/hello/migrations-yo`],
      ]);
    });

    it('makes the handles of one database in modules that become one a single handle again, the owner\'s', async () => {
      const db = (value: string) => `import { SQLDatabase } from '@topo/runtime';\n\nexport const db = ${value};\n`;
      service('hello', {
        'hello.ts': endpoint('h1', 'db'),
        'db.ts': db(`SQLDatabase.named('greetings')`),
      });
      service('yo', {
        'yo.ts': endpoint('h2', 'db'),
        'db.ts': db(`new SQLDatabase('greetings', { migrations: './migrations' })`),
        'migrations/1_create_greetings.up.sql': 'CREATE TABLE greetings (id SERIAL PRIMARY KEY);\n',
      });
      await merge();
      expect(read(`${SERVICES}/hello/db.ts`)).toBe(db(`new SQLDatabase('greetings', { migrations: './migrations' })`));
      expect(read(`${SERVICES}/hello/migrations/1_create_greetings.up.sql`)).toBe('CREATE TABLE greetings (id SERIAL PRIMARY KEY);\n');
      expect(services()).toEqual({ hello: ['h1', 'h2'] });
    });

    it('refuses two handles of one name on different databases in modules that become one, writing nothing', async () => {
      const db = (name: string) => `import { SQLDatabase } from '@topo/runtime';\n\nexport const db = new SQLDatabase('${name}', { migrations: './migrations' });\n`;
      service('hello', { 'hello.ts': endpoint('h1', 'db'), 'db.ts': db('hello'), 'migrations/1_a.up.sql': 'SELECT 1;\n' });
      service('yo', { 'yo.ts': endpoint('h2', 'db'), 'db.ts': db('yo'), 'migrations/1_a.up.sql': 'SELECT 1;\n' });
      const before = tree.listChanges().length;
      await expect(merge()).rejects.toThrow(`${SERVICES}/hello/db.ts and the module of "yo" that goes there: both declare "db"`);
      expect(tree.listChanges().length).toBe(before);
    });
  });

  it('writes no client for the remaining service when it had none and no caller of the merged one needs it', async () => {
    service('hello', { 'hello.ts': `import { api } from '@topo/runtime';\n\nexport const h1 = api({ expose: true, method: 'GET', path: '/h1' }, async () => ({ ok: true }));\n` });
    service('yo', {
      'yo.ts': `import { api } from '@topo/runtime';\n\nexport const h2 = api({ expose: true, method: 'GET', path: '/h2' }, async () => ({ ok: true }));\n`,
      'client.ts': clientTs('yo'),
    });
    await merge();
    expect(tree.exists(`${SERVICES}/hello/client.ts`)).toBe(false);
    expect(services()).toEqual({ hello: ['h1', 'h2'] });
  });

  it('takes the merged service out of topo.json, keeping the rest of the file as it was written', async () => {
    callers();
    const written = `{\n  "services": ["hello", "yo", "web", "mail"],\n  "port": 4000,\n  "topologies": {\n    "pairs": [["hello", "web"], ["yo"], ["mail"]]\n  },\n  "environments": { "staging": "pairs" }\n}\n`;
    tree.write('apps/api/topo.json', written);
    await merge();
    expect(read('apps/api/topo.json')).toBe(`{\n  "services": ["hello", "web", "mail"],\n  "port": 4000,\n  "topologies": {\n    "pairs": [["hello", "web"], ["mail"]]\n  },\n  "environments": { "staging": "pairs" }\n}\n`);
  });

  it('takes the merged service out of topo.json: explicit lists and process groups; an emptied group goes', async () => {
    callers();
    writeJson(tree, 'apps/api/topo.json', {
      services: ['hello', 'yo', 'web', 'mail'],
      port: 4000,
      topologies: { pairs: [['hello', 'web'], ['yo'], ['mail']], edge: [['hello', 'yo'], ['web', 'mail']] },
      environments: { staging: 'pairs' },
    });
    await merge();
    expect(readJson(tree, 'apps/api/topo.json')).toEqual({
      services: ['hello', 'web', 'mail'],
      port: 4000,
      topologies: { pairs: [['hello', 'web'], ['mail']], edge: [['hello'], ['web', 'mail']] },
      environments: { staging: 'pairs' },
    });
  });

  it('keeps project references in sync: a reference to yo becomes one to hello, or goes when hello has one', async () => {
    callers();
    for (const name of ['hello', 'yo', 'web', 'mail']) writeJson(tree, `${SERVICES}/${name}/tsconfig.json`, { compilerOptions: { composite: true } });
    writeJson(tree, `${SERVICES}/web/tsconfig.json`, { references: [{ path: '../hello' }, { path: '../yo' }] });
    writeJson(tree, `${SERVICES}/mail/tsconfig.json`, { references: [{ path: '../yo/tsconfig.json' }] });
    writeJson(tree, 'tsconfig.json', { files: [], references: [{ path: './apps/api/services/hello' }, { path: './apps/api/services/yo' }] });
    await merge();
    expect(readJson(tree, `${SERVICES}/web/tsconfig.json`).references).toEqual([{ path: '../hello' }]);
    expect(readJson(tree, `${SERVICES}/mail/tsconfig.json`).references).toEqual([{ path: '../hello' }]);
    expect(readJson(tree, 'tsconfig.json').references).toEqual([{ path: './apps/api/services/hello' }]);
  });

  it('changes only the references in a tsconfig, keeping its layout', async () => {
    callers();
    for (const name of ['hello', 'yo']) writeJson(tree, `${SERVICES}/${name}/tsconfig.json`, { compilerOptions: { composite: true } });
    tree.write('tsconfig.json', `{\n  "files": [],\n  "references": [{ "path": "./apps/api/services/hello" }, { "path": "./apps/api/services/yo" }]\n}\n`);
    await merge();
    expect(read('tsconfig.json')).toBe(`{\n  "files": [],\n  "references": [{ "path": "./apps/api/services/hello" }]\n}\n`);
  });

  it("adds the merged service's package dependencies to hello's package.json", async () => {
    callers();
    writeJson(tree, `${SERVICES}/hello/package.json`, { name: '@acme/hello', dependencies: { zod: '^3.0.0' } });
    writeJson(tree, `${SERVICES}/yo/package.json`, { name: '@acme/yo', dependencies: { zod: '^3.1.0', 'left-pad': '^1.3.0' } });
    await merge();
    expect(readJson(tree, `${SERVICES}/hello/package.json`).dependencies).toEqual({ zod: '^3.0.0', 'left-pad': '^1.3.0' });
    expect(tree.exists(`${SERVICES}/yo/package.json`)).toBe(false);
  });

  it('respells specifiers in the style they were written: .js extensions, folder indexes', async () => {
    service('hello', { 'hello.ts': `import { api } from '@topo/runtime';\n\nexport const h1 = api({ expose: true, method: 'GET', path: '/h1' }, async () => ({ ok: true }));\n` });
    service('yo', {
      'deep/yo.ts': `import { api } from '@topo/runtime';\nimport { TAX } from '../../../shared/index.js';\nimport { RATE } from '../../../shared';\n\nexport const h2 = api({ expose: true, method: 'GET', path: '/h2' }, async () => ({ n: TAX * RATE }));\n`,
    });
    tree.write('apps/api/shared/index.ts', 'export const TAX = 2;\nexport const RATE = 3;\n');
    await merge();
    const moved = read(`${SERVICES}/hello/deep/yo.ts`)!;
    expect(moved).toContain(`from '../../../shared/index.js'`);
    expect(moved).toContain(`from '../../../shared'`);
  });
});
