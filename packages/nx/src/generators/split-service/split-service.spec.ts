import { addProjectConfiguration, logger, readJson, type Tree, writeJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWorkspace, treeHost } from '../../analysis';
import { clientTs, serviceTs } from '../__fixtures__/service-files';
import { typecheckTree } from '../__fixtures__/typecheck-tree';
import type { SplitServiceGeneratorSchema } from './schema';
import { splitServiceGenerator } from './split-service';

/** The guide's monolith before its split (hello with h1 and h2), as packages/demo was before it showed the split. */
const DEMO = join(__dirname, '..', '__fixtures__', 'guide-monolith', 'hello');
const SERVICES = 'apps/api/services';

describe('split-service generator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' } as Parameters<typeof createTreeWithEmptyWorkspace>[0]);
    writeJson(tree, 'apps/api/topo.json', { services: '*', port: 4000 });
    addProjectConfiguration(tree, 'api', { root: 'apps/api', projectType: 'application' });
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  /** Writes files of service `name` (service.ts added), relative to its folder. */
  function service(name: string, files: Record<string, string>, dir = `${SERVICES}/${name}`): void {
    tree.write(`${dir}/service.ts`, serviceTs(name));
    for (const [file, text] of Object.entries(files)) tree.write(`${dir}/${file}`, text);
  }

  function read(path: string): string | null {
    return tree.read(path, 'utf-8');
  }

  /** The guide's monolith: hello with h1 and h2, its spec and client. */
  function demo(): void {
    service(
      'hello',
      Object.fromEntries(['client.ts', 'hello.ts', 'hello.spec.ts'].map((file) => [file, readFileSync(join(DEMO, file), 'utf-8')])),
    );
  }

  function split(schema: Partial<SplitServiceGeneratorSchema>) {
    return splitServiceGenerator(tree, { from: 'hello', name: 'yo', endpoints: [], ...schema } as SplitServiceGeneratorSchema);
  }

  /** The services the analysis reads back, with their endpoints. */
  function services(): Record<string, string[]> {
    const { services, errors } = analyzeWorkspace(tree.root, { host: treeHost(tree) });
    expect(errors).toEqual([]);
    return Object.fromEntries(services.map((s) => [s.name, s.endpoints.map((e) => e.exportName)]));
  }

  describe("the guide's walk-through: --from=hello --endpoints=h2 --name=yo", () => {
    beforeEach(async () => {
      demo();
      // What the workspace looked like before the generator ran.
      tree.listChanges();
      await split({ endpoints: ['h2'] });
    });

    it('moves h2 into service yo, beside hello, with its marker and typed client', () => {
      expect(services()).toEqual({ hello: ['h1'], yo: ['h2'] });
      expect(read(`${SERVICES}/yo/service.ts`)).toBe(serviceTs('yo'));
      expect(read(`${SERVICES}/yo/client.ts`)).toBe(
        [
          `import { client } from '@topo/runtime';`,
          `import type * as endpoints from './yo';`,
          '',
          '/** Typed client of service `yo`: `await yo.h2(req)` from any other service. */',
          `export const yo = client<typeof endpoints>('yo');`,
          '',
        ].join('\n'),
      );
      expect(read(`${SERVICES}/yo/yo.ts`)).toBe(`import { api } from '@topo/runtime';
import type { Response } from '../../shared/hello/hello';

export const h2 = api(
  { expose: true, method: 'GET', path: '/yo/:name' },
  async ({ name }: { name: string }): Promise<Response> => ({ message: \`Yo, \${name}!\` }),
);
`);
    });

    it('puts the Response type both endpoints use in the shared library, and both import it type-only', () => {
      expect(read('apps/api/shared/hello/hello.ts')).toBe(`/** What both greetings answer. */
export interface Response {
  message: string;
}
`);
      expect(read(`${SERVICES}/hello/hello.ts`)).toBe(`import { api } from '@topo/runtime';
import type { Response } from '../../shared/hello/hello';

export const h1 = api(
  { expose: true, method: 'GET', path: '/hello/:name' },
  async ({ name }: { name: string }): Promise<Response> => ({ message: \`Hello, \${name}!\` }),
);
`);
      expect(readJson(tree, 'apps/api/shared/project.json')).toMatchObject({
        name: 'api-shared',
        projectType: 'library',
        sourceRoot: 'apps/api/shared',
        tags: ['topo:shared'],
      });
      expect(read('apps/api/shared/index.ts')).toContain(`export * from './hello/hello';`);
    });

    it("divides hello's test: the h2 case moves to yo's spec, its describe as its authors titled it", () => {
      expect(read(`${SERVICES}/hello/hello.spec.ts`)).toBe(`import { h1 } from './hello';

describe('hello', () => {
  it('greets with h1', async () => {
    await expect(h1({ name: 'Ada' })).resolves.toEqual({ message: 'Hello, Ada!' });
  });
});
`);
      expect(read(`${SERVICES}/yo/yo.spec.ts`)).toBe(`import { h2 } from './yo';

describe('hello', () => {
  it('greets with h2', async () => {
    await expect(h2({ name: 'Ada' })).resolves.toEqual({ message: 'Yo, Ada!' });
  });
});
`);
    });

    it('changes exactly these files (what --dry-run lists), and the workspace typechecks', () => {
      const changed = tree
        .listChanges()
        .filter((c) => c.path.startsWith('apps/api/') && c.path !== 'apps/api/topo.json' && c.path !== 'apps/api/project.json')
        .map((c) => c.path)
        .sort();
      expect(changed).toEqual([
        'apps/api/services/hello/client.ts',
        'apps/api/services/hello/hello.spec.ts',
        'apps/api/services/hello/hello.ts',
        'apps/api/services/hello/service.ts',
        'apps/api/services/yo/client.ts',
        'apps/api/services/yo/service.ts',
        'apps/api/services/yo/yo.spec.ts',
        'apps/api/services/yo/yo.ts',
        'apps/api/shared/hello/hello.ts',
        'apps/api/shared/index.ts',
        'apps/api/shared/project.json',
      ]);
      // hello's client still types itself from hello.ts, which still holds h1: unchanged.
      expect(read(`${SERVICES}/hello/client.ts`)).toBe(readFileSync(join(DEMO, 'client.ts'), 'utf-8'));
      expect(typecheckTree(tree)).toEqual([]);
    });
  });

  it('lists only what it changes: files it does not need to touch are not rewritten', async () => {
    demo();
    service('billing', {
      'billing.ts': `import { api } from '@topo/runtime';\nexport const bill = api({ path: '/bill' }, async () => 1);\n`,
    });
    const before = new Map(tree.listChanges().map((c) => [c.path, c.content?.toString()]));

    await split({ endpoints: ['h2'] });

    const untouched = tree.listChanges().filter((c) => before.get(c.path) === c.content?.toString() && before.has(c.path));
    expect(untouched.map((c) => c.path)).toEqual(
      expect.arrayContaining([`${SERVICES}/billing/billing.ts`, `${SERVICES}/billing/service.ts`, `${SERVICES}/hello/client.ts`]),
    );
  });

  it('selects endpoints by "METHOD /path", and several at once, comma-separated', async () => {
    service('hello', {
      'hello.ts': `import { api } from '@topo/runtime';
export const h1 = api({ expose: true, method: 'GET', path: '/hello/:name' }, async ({ name }: { name: string }) => ({ m: name }));
export const h2 = api({ expose: true, method: 'GET', path: '/yo/:name' }, async ({ name }: { name: string }) => ({ m: name }));
export const h3 = api({ method: ['POST', 'PUT'], path: '/h3' }, async () => ({ ok: true }));
`,
    });

    await split({ endpoints: 'GET /yo/:name,PUT /h3' as never });

    expect(services()).toEqual({ hello: ['h1'], yo: ['h2', 'h3'] });
    expect(typecheckTree(tree)).toEqual([]);
  });

  it('moves endpoints from several files, keeping the layout; the client intersects their modules', async () => {
    service('hello', {
      'client.ts': clientTs('hello', './index'),
      'index.ts': `export * from './greetings/h1';\nexport * from './greetings/h2';\nexport * from './admin/h3';\n`,
      'greetings/h1.ts': `import { api } from '@topo/runtime';\nexport const h1 = api({ path: '/h1' }, async () => ({ one: 1 }));\n`,
      'greetings/h2.ts': `import { api } from '@topo/runtime';\nexport const h2 = api({ path: '/h2' }, async () => ({ two: 2 }));\n`,
      'admin/h3.ts': `import { api } from '@topo/runtime';\nexport const h3 = api({ path: '/h3' }, async () => ({ three: 3 }));\n`,
    });

    await split({ endpoints: ['h2', 'h3'] });

    expect(tree.exists(`${SERVICES}/hello/greetings/h2.ts`)).toBe(false);
    expect(tree.exists(`${SERVICES}/hello/admin/h3.ts`)).toBe(false);
    expect(read(`${SERVICES}/yo/greetings/h2.ts`)).toContain(`export const h2 = api({ path: '/h2' }`);
    expect(read(`${SERVICES}/yo/admin/h3.ts`)).toContain(`export const h3 = api({ path: '/h3' }`);
    expect(read(`${SERVICES}/yo/client.ts`)).toContain(
      [
        `import type * as h3Endpoints from './admin/h3';`,
        `import type * as h2Endpoints from './greetings/h2';`,
        '',
        '/** Typed client of service `yo`: `await yo.h3(req)` from any other service. */',
        `export const yo = client<typeof h3Endpoints & typeof h2Endpoints>('yo');`,
      ].join('\n'),
    );
    // The index no longer re-exports the deleted modules; hello's client (typed from the index) is unchanged.
    expect(read(`${SERVICES}/hello/index.ts`)).toBe(`export * from './greetings/h1';\n`);
    expect(read(`${SERVICES}/hello/client.ts`)).toBe(clientTs('hello', './index'));
    expect(services()).toEqual({ hello: ['h1'], yo: ['h3', 'h2'] });
    expect(typecheckTree(tree)).toEqual([]);
  });

  it("rewrites the source's client when a module it is typed from is gone", async () => {
    service('hello', {
      'client.ts': [
        `import { client } from '@topo/runtime';`,
        `import type * as a from './a';`,
        `import type * as b from './b';`,
        `export const hello = client<typeof a & typeof b>('hello');`,
        '',
      ].join('\n'),
      'a.ts': `import { api } from '@topo/runtime';\nexport const h1 = api({ path: '/h1' }, async () => 1);\n`,
      'b.ts': `import { api } from '@topo/runtime';\nexport const h2 = api({ path: '/h2' }, async () => 2);\n`,
    });

    await split({ endpoints: ['h2'] });

    // Only the lines of the module that left change.
    expect(read(`${SERVICES}/hello/client.ts`)).toBe(
      [`import { client } from '@topo/runtime';`, `import type * as a from './a';`, `export const hello = client<typeof a>('hello');`, ''].join('\n'),
    );
    expect(typecheckTree(tree)).toEqual([]);
  });

  it('moves what only the moved code uses (functions, constants, classes, enums, types, imports), and keeps the rest', async () => {
    service('hello', {
      'hello.ts': `import { api } from '@topo/runtime';
import { createHash } from 'node:crypto';
import { Tone, pitch } from './tone';

/** Only h2 uses it. */
const PREFIX = 'Yo';

function digest(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 6);
}

class Counter {
  count(text: string): number {
    return text.length;
  }
}

export const h1 = api({ path: '/h1' }, async ({ name }: { name: string }) => ({ message: \`Hello, \${name}\` }));

export const h2 = api({ path: '/h2' }, async ({ name }: { name: string }) => ({
  message: \`\${PREFIX}, \${name} \${digest(name)} \${new Counter().count(name)} \${pitch(Tone.Low)}\`,
}));
`,
      'tone.ts': `export enum Tone {\n  Low,\n  High,\n}\n\nexport function pitch(tone: Tone): string {\n  return tone === Tone.Low ? 'low' : 'high';\n}\n`,
    });

    await split({ endpoints: ['h2'] });

    expect(read(`${SERVICES}/hello/hello.ts`)).toBe(`import { api } from '@topo/runtime';

export const h1 = api({ path: '/h1' }, async ({ name }: { name: string }) => ({ message: \`Hello, \${name}\` }));
`);
    expect(read(`${SERVICES}/yo/yo.ts`)).toBe(`import { api } from '@topo/runtime';
import { createHash } from 'node:crypto';
import { Tone, pitch } from './tone';

/** Only h2 uses it. */
const PREFIX = 'Yo';

function digest(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 6);
}

class Counter {
  count(text: string): number {
    return text.length;
  }
}

export const h2 = api({ path: '/h2' }, async ({ name }: { name: string }) => ({
  message: \`\${PREFIX}, \${name} \${digest(name)} \${new Counter().count(name)} \${pitch(Tone.Low)}\`,
}));
`);
    expect(tree.exists(`${SERVICES}/hello/tone.ts`)).toBe(false);
    expect(read(`${SERVICES}/yo/tone.ts`)).toContain('export enum Tone');
    expect(tree.exists('apps/api/shared')).toBe(false);
    expect(typecheckTree(tree)).toEqual([]);
  });

  it("gives the new service the source's service options: the same middleware, shared", async () => {
    service('hello', {
      'auth.ts': `import type { NextFunction, Request, Response } from 'express';

export function requireKey(req: Request, res: Response, next: NextFunction): void {
  if (req.headers['x-key'] === 'k') next();
  else res.status(401).end();
}
`,
      'hello.ts': `import { api } from '@topo/runtime';
export const h1 = api({ expose: true, path: '/h1' }, async (_: { n?: number }): Promise<number> => 1);
export const h2 = api({ expose: true, path: '/h2' }, async (_: { n?: number }): Promise<number> => 2);
`,
    });
    tree.write(
      `${SERVICES}/hello/service.ts`,
      `import { Service } from '@topo/runtime';\nimport { requireKey } from './auth';\n\nexport default new Service('hello', { middleware: [requireKey] });\n`,
    );

    await split({ endpoints: ['h2'] });

    expect(read(`${SERVICES}/yo/service.ts`)).toBe(
      `import { Service } from '@topo/runtime';\nimport { requireKey } from '../../shared/hello/auth';\n\nexport default new Service('yo', { middleware: [requireKey] });\n`,
    );
    expect(read(`${SERVICES}/hello/service.ts`)).toBe(
      `import { Service } from '@topo/runtime';\nimport { requireKey } from '../../shared/hello/auth';\n\nexport default new Service('hello', { middleware: [requireKey] });\n`,
    );
    expect(tree.exists(`${SERVICES}/hello/auth.ts`)).toBe(false);
    expect(read('apps/api/shared/hello/auth.ts')).toContain('export function requireKey(');
    expect(services()).toEqual({ hello: ['h1'], yo: ['h2'] });
    expect(typecheckTree(tree)).toEqual([]);
  });

  it('lets shared code call a third service through its client: no cycle between the two', async () => {
    service('people', {
      'client.ts': clientTs('people'),
      'people.ts': `import { api } from '@topo/runtime';\nexport const lookup = api({ path: '/people/:h' }, async ({ h }: { h: string }): Promise<string> => h);\n`,
    });
    service('hello', {
      'hello.ts': `import { api } from '@topo/runtime';
import { people } from '../people/client';

async function who(h: string): Promise<string> {
  return people.lookup({ h });
}

export const h1 = api({ path: '/h1' }, async ({ h }: { h: string }) => ({ message: await who(h) }));
export const h2 = api({ path: '/h2' }, async ({ h }: { h: string }) => ({ message: await who(h) }));
`,
    });

    await split({ endpoints: ['h2'] });

    expect(read('apps/api/shared/hello/hello.ts')).toBe(`import { people } from '../../services/people/client';

export async function who(h: string): Promise<string> {
  return people.lookup({ h });
}
`);
    expect(typecheckTree(tree)).toEqual([]);
  });

  describe('state', () => {
    it('moves state that only the moved endpoints use, with them, and shares constants, functions and classes', async () => {
      service('hello', {
        'store.ts': `export const LIMIT = 10;\nexport const PATTERN = /^[a-z]+$/;\nexport class Store {\n  private readonly items = new Map<string, number>();\n  add(key: string): number {\n    this.items.set(key, (this.items.get(key) ?? 0) + 1);\n    return this.items.get(key)!;\n  }\n}\nexport const store = new Store();\n`,
        'hello.ts': `import { api } from '@topo/runtime';
import { LIMIT, PATTERN, store } from './store';

export const h1 = api({ expose: true, method: 'GET', path: '/limit' }, async (): Promise<{ limit: number; ok: boolean }> => ({ limit: LIMIT, ok: PATTERN.test('a') }));
export const add = api({ expose: true, method: 'POST', path: '/add' }, async ({ key }: { key: string }): Promise<{ n: number; limit: number }> => ({ n: store.add(key), limit: LIMIT }));
`,
      });

      await split({ endpoints: ['add'], name: 'counts' });

      expect(read(`${SERVICES}/counts/store.ts`)).toContain('export const store = new Store();');
      expect(read('apps/api/shared/hello/store.ts')).toContain('export const LIMIT = 10;');
      expect(read('apps/api/shared/hello/store.ts')).not.toContain('new Store()');
    });
  });

  describe('a test that runs both sides', () => {
    it('stays whole, reaches the moved endpoint through its client, and hosts the service it calls', async () => {
      demo();
      tree.write(
        `${SERVICES}/hello/hello.spec.ts`,
        `import { h1, h2 } from './hello';\n\nit('greets twice', async () => {\n  await h1({ name: 'a' });\n  expect(await h2({ name: 'b' })).toEqual({ message: 'Yo, b!' });\n});\n`,
      );

      await split({ endpoints: ['h2'] });

      const spec = read(`${SERVICES}/hello/hello.spec.ts`)!;
      expect(spec).toContain(`import { h1 } from './hello';`);
      expect(spec).toContain(`import { yo } from '../yo/client';`);
      expect(spec).toContain(`expect(await yo.h2({ name: 'b' })).toEqual({ message: 'Yo, b!' });`);
      expect(spec).toContain(`import yoService from '../yo/service';`);
      expect(spec).toMatch(/services: \[\n {4}\{ service: yoService, endpoints: \[\{ name: 'h2', endpoint: yoEndpoints\.h2 \}\] \},\n {2}\],/);
      expect(tree.exists(`${SERVICES}/yo/yo.spec.ts`)).toBe(false);
    });
  });

  describe('dynamic imports', () => {
    it('follows a module a moved endpoint loads with import(): it moves with the endpoint, and the specifier with it', async () => {
      service('hello', {
        'hello.ts': `import { api } from '@topo/runtime';

export const h1 = api({ expose: true, method: 'GET', path: '/hello' }, async (): Promise<{ n: number }> => ({ n: 1 }));

export const home = api({ expose: true, method: 'GET', path: '/home' }, async (): Promise<{ html: string }> => {
  const { page } = await import('./pages/page-html');
  return { html: page('home') };
});
`,
        'pages/page-html.ts': `export function page(title: string): string {\n  return \`<h1>\${title}</h1>\`;\n}\n`,
      });

      await split({ endpoints: ['home'], name: 'web' });

      expect(read(`${SERVICES}/web/web.ts`)).toContain(`await import('./pages/page-html')`);
      expect(read(`${SERVICES}/web/pages/page-html.ts`)).toContain('export function page(title: string)');
      expect(tree.exists(`${SERVICES}/hello/pages/page-html.ts`)).toBe(false);
      expect(services()).toEqual({ hello: ['h1'], web: ['home'] });
    });

    it('points a dynamic import at the shared library when both sides use the module', async () => {
      service('hello', {
        'hello.ts': `import { api } from '@topo/runtime';
import { page } from './page-html';

export const h1 = api({ expose: true, method: 'GET', path: '/hello' }, async (): Promise<{ html: string }> => ({ html: page('h1') }));

export const home = api({ expose: true, method: 'GET', path: '/home' }, async (): Promise<{ html: string }> => {
  const loaded = await import('./page-html');
  return { html: loaded.page('home') };
});
`,
        'page-html.ts': `export function page(title: string): string {\n  return title;\n}\n`,
      });

      await split({ endpoints: ['home'], name: 'web' });

      expect(read(`${SERVICES}/web/web.ts`)).toContain(`await import('../../shared/hello/page-html')`);
      expect(read(`${SERVICES}/hello/hello.ts`)).toContain(`from '../../shared/hello/page-html'`);
    });
  });

  describe('the shared library', () => {
    beforeEach(() => {
      service('hello', {
        'hello.ts': `import { api } from '@topo/runtime';

function greet(greeting: string, name: string): string {
  return \`\${greeting}, \${name}!\`;
}

export const h1 = api({ path: '/h1' }, async ({ name }: { name: string }) => ({ message: greet('Hello', name) }));
export const h2 = api({ path: '/h2' }, async ({ name }: { name: string }) => ({ message: greet('Yo', name) }));
export const h3 = api({ path: '/h3' }, async ({ name }: { name: string }) => ({ message: greet('Hey', name) }));
`,
      });
    });

    it('gets what both sides use, exported, never a copy', async () => {
      await split({ endpoints: ['h2'] });

      expect(read('apps/api/shared/hello/hello.ts')).toBe(
        `export function greet(greeting: string, name: string): string {\n  return \`\${greeting}, \${name}!\`;\n}\n`,
      );
      expect(read(`${SERVICES}/hello/hello.ts`)).toContain(`import { greet } from '../../shared/hello/hello';`);
      expect(read(`${SERVICES}/yo/yo.ts`)).toContain(`import { greet } from '../../shared/hello/hello';`);
      expect(read(`${SERVICES}/hello/hello.ts`)).not.toContain('function greet');
      expect(typecheckTree(tree)).toEqual([]);
    });

    it('is reused by a later split, from the source or from the new service', async () => {
      await split({ endpoints: ['h2'] });
      const project = read('apps/api/shared/project.json');

      await split({ endpoints: ['h3'], name: 'hey' });

      expect(read('apps/api/shared/project.json')).toBe(project);
      expect(read(`${SERVICES}/hey/hey.ts`)).toContain(`import { greet } from '../../shared/hello/hello';`);
      expect(read('apps/api/shared/index.ts')).toBe(
        "// What the services of this app share: written by `nx g @topo/nx:split-service`.\nexport * from './hello/hello';\n",
      );
      expect(services()).toEqual({ hello: ['h1'], hey: ['h3'], yo: ['h2'] });
      expect(typecheckTree(tree)).toEqual([]);
    });

    it('is "shared-lib" when a service is called "shared"', async () => {
      service(
        'shared',
        { 'shared.ts': `import { api } from '@topo/runtime';\nexport const s = api({ path: '/s' }, async () => 1);\n` },
        'apps/api/shared',
      );

      await split({ endpoints: ['h2'] });

      expect(readJson(tree, 'apps/api/shared-lib/project.json')).toMatchObject({ name: 'api-shared', tags: ['topo:shared'] });
      expect(read(`${SERVICES}/yo/yo.ts`)).toContain(`from '../../shared-lib/hello/hello'`);
      expect(typecheckTree(tree)).toEqual([]);
    });
  });

  it('appends to a shared module an earlier split wrote, importing what is already there from it', async () => {
    service('hello', {
      'hello.ts': `import { api } from '@topo/runtime';

export interface Reply {
  message: string;
}

export function reply(message: string): Reply {
  return { message };
}

function shout(text: string): Reply {
  return reply(text.toUpperCase());
}

export const h1 = api({ path: '/h1' }, async (): Promise<Reply> => shout('h1'));
export const h2 = api({ path: '/h2' }, async (): Promise<Reply> => reply('h2'));
export const h3 = api({ path: '/h3' }, async (): Promise<Reply> => shout('h3'));
`,
    });

    await split({ endpoints: ['h2'] });
    await split({ endpoints: ['h3'], name: 'hey' });

    expect(read('apps/api/shared/hello/hello.ts')).toBe(`export interface Reply {
  message: string;
}

export function reply(message: string): Reply {
  return { message };
}

export function shout(text: string): Reply {
  return reply(text.toUpperCase());
}
`);
    expect(read(`${SERVICES}/hello/hello.ts`)).toBe(`import { api } from '@topo/runtime';
import { type Reply, shout } from '../../shared/hello/hello';

export const h1 = api({ path: '/h1' }, async (): Promise<Reply> => shout('h1'));
`);
    expect(typecheckTree(tree)).toEqual([]);
  });

  describe('callers', () => {
    it('turn direct calls across the split into client calls, both ways', async () => {
      service('hello', {
        'client.ts': clientTs('hello'),
        'hello.ts': `import { api } from '@topo/runtime';

export const h1 = api({ path: '/h1' }, async ({ name }: { name: string }): Promise<{ message: string }> => {
  const yo = await h2({ name });
  return { message: \`Hello and \${yo.message}\` };
});

export const h2 = api({ path: '/h2' }, async ({ name }: { name: string }): Promise<{ message: string }> => ({ message: \`Yo, \${name}\` }));

export const h3 = api({ path: '/h3' }, async ({ name }: { name: string }): Promise<{ message: string }> => h1({ name }));
`,
      });

      await split({ endpoints: ['h2', 'h3'] });

      expect(read(`${SERVICES}/hello/hello.ts`)).toBe(`import { api } from '@topo/runtime';
import { yo as yoClient } from '../yo/client';

export const h1 = api({ path: '/h1' }, async ({ name }: { name: string }): Promise<{ message: string }> => {
  const yo = await yoClient.h2({ name });
  return { message: \`Hello and \${yo.message}\` };
});
`);
      expect(read(`${SERVICES}/yo/yo.ts`)).toBe(`import { api } from '@topo/runtime';
import { hello } from '../hello/client';

export const h2 = api({ path: '/h2' }, async ({ name }: { name: string }): Promise<{ message: string }> => ({ message: \`Yo, \${name}\` }));

export const h3 = api({ path: '/h3' }, async ({ name }: { name: string }): Promise<{ message: string }> => hello.h1({ name }));
`);
      expect(typecheckTree(tree)).toEqual([]);
    });

    it("create the source's client when moved code calls the source and it has none", async () => {
      service('hello', {
        'hello.ts': `import { api } from '@topo/runtime';
export const h1 = api({ path: '/h1' }, async (_: { n?: number }): Promise<number> => 1);
export const h2 = api({ path: '/h2' }, async (): Promise<number> => (await h1({})) + 1);
`,
      });

      await split({ endpoints: ['h2'] });

      expect(read(`${SERVICES}/hello/client.ts`)).toContain(`export const hello = client<typeof endpoints>('hello');`);
      expect(read(`${SERVICES}/yo/yo.ts`)).toContain(`(await hello.h1({})) + 1`);
      expect(typecheckTree(tree)).toEqual([]);
    });

    it('in other services: calls through the source client and imports of moved or shared types follow', async () => {
      service('hello', {
        'client.ts': clientTs('hello'),
        'types.ts': `export interface Greeting {\n  message: string;\n}\n\nexport interface Yo {\n  yo: string;\n}\n`,
        'hello.ts': `import { api } from '@topo/runtime';
import type { Greeting, Yo } from './types';

export const h1 = api({ path: '/h1' }, async (_: { n?: number }): Promise<Greeting> => ({ message: 'hello' }));
export const h2 = api({ path: '/h2' }, async (_: { n?: number }): Promise<Greeting & Yo> => ({ message: 'yo', yo: 'yo' }));
`,
      });
      service('billing', {
        'billing.ts': `import { api } from '@topo/runtime';
import { hello } from '../hello/client';
import type { Greeting, Yo } from '../hello/types';

export const both = api({ path: '/both' }, async (): Promise<Greeting> => {
  const a = await hello.h1({});
  const b: Yo = await hello.h2({});
  return { message: a.message + b.yo };
});
`,
        'only-yo.ts': `import { api } from '@topo/runtime';
import { hello } from '../hello/client';

export const onlyYo = api({ path: '/only-yo' }, async () => (await hello.h2({})).yo);
`,
      });

      await split({ endpoints: ['h2'] });

      expect(read(`${SERVICES}/billing/billing.ts`)).toBe(`import { api } from '@topo/runtime';
import { hello } from '../hello/client';
import type { Greeting } from '../../shared/hello/types';
import type { Yo } from '../yo/types';
import { yo } from '../yo/client';

export const both = api({ path: '/both' }, async (): Promise<Greeting> => {
  const a = await hello.h1({});
  const b: Yo = await yo.h2({});
  return { message: a.message + b.yo };
});
`);
      expect(read(`${SERVICES}/billing/only-yo.ts`)).toBe(`import { api } from '@topo/runtime';
import { yo } from '../yo/client';

export const onlyYo = api({ path: '/only-yo' }, async () => (await yo.h2({})).yo);
`);
      expect(typecheckTree(tree)).toEqual([]);
    });

    it('through a namespace import of the client, a direct import of the implementation, and a test that calls it directly', async () => {
      service('hello', {
        'client.ts': clientTs('hello'),
        'hello.ts': `import { api } from '@topo/runtime';
export const h1 = api({ path: '/h1' }, async (_: { n?: number }): Promise<number> => 1);
export const h2 = api({ path: '/h2' }, async (_: { n?: number }): Promise<number> => 2);
`,
      });
      service('billing', {
        'billing.ts': `import { api } from '@topo/runtime';
import * as clients from '../hello/client';
import { h2 } from '../hello/hello';

export const b = api({ path: '/b' }, async (): Promise<number> => (await clients.hello.h2({})) + (await h2({})) + (await clients.hello.h1({})));
`,
        'billing.spec.ts': `import { h2 } from '../hello/hello';

it('calls h2', async () => expect(await h2({})).toBe(2));
`,
      });

      await split({ endpoints: ['h2'] });

      expect(read(`${SERVICES}/billing/billing.ts`)).toBe(`import { api } from '@topo/runtime';
import * as clients from '../hello/client';
import { yo } from '../yo/client';

export const b = api({ path: '/b' }, async (): Promise<number> => (await yo.h2({})) + (await yo.h2({})) + (await clients.hello.h1({})));
`);
      // A test may call an endpoint directly: it now imports it from its new home.
      expect(read(`${SERVICES}/billing/billing.spec.ts`)).toBe(`import { h2 } from '../yo/yo';

it('calls h2', async () => expect(await h2({})).toBe(2));
`);
      expect(typecheckTree(tree)).toEqual([]);
    });

    it('a type taken from a moved endpoint is imported type-only from its new home', async () => {
      service('hello', {
        'hello.ts': `import { api } from '@topo/runtime';
export const h1 = api({ path: '/h1' }, async (_: { n?: number }): Promise<number> => 1);
export const h2 = api({ path: '/h2' }, async (_: { n?: number }): Promise<{ two: number }> => ({ two: 2 }));
export type Two = Awaited<ReturnType<typeof h2>>;
`,
      });

      await split({ endpoints: ['h2'] });

      expect(read(`${SERVICES}/hello/hello.ts`)).toBe(`import { api } from '@topo/runtime';
import type { h2 } from '../yo/yo';
export const h1 = api({ path: '/h1' }, async (_: { n?: number }): Promise<number> => 1);
export type Two = Awaited<ReturnType<typeof h2>>;
`);
      expect(typecheckTree(tree)).toEqual([]);
    });

    it('through an index: re-exports of shared code point to the shared library, type-only where they were', async () => {
      service('hello', {
        'client.ts': clientTs('hello', './index'),
        'index.ts': `// The public surface.\nexport * from './h1';\nexport { h2, HELLO } from './h2';\nexport type { Reply } from './model';\nexport * from './constants';\n`,
        'model.ts': `export interface Reply {\n  message: string;\n}\n`,
        'constants.ts': `export const HELLO = 'hello';\n`,
        'h1.ts': `import { api } from '@topo/runtime';\nimport { HELLO } from './constants';\nimport type { Reply } from './model';\nexport const h1 = api({ path: '/h1' }, async (_: { n?: number }): Promise<Reply> => ({ message: HELLO }));\n`,
        'h2.ts': `import { api } from '@topo/runtime';\nimport { HELLO } from './constants';\nimport type { Reply } from './model';\nexport { HELLO };\nexport const h2 = api({ path: '/h2' }, async (_: { n?: number }): Promise<Reply> => ({ message: HELLO }));\n`,
      });

      await split({ endpoints: ['h2'] });

      expect(read(`${SERVICES}/hello/index.ts`)).toBe(
        `// The public surface.\nexport * from './h1';\nexport { HELLO } from '../../shared/hello/constants';\nexport type { Reply } from '../../shared/hello/model';\nexport * from '../../shared/hello/constants';\n`,
      );
      expect(typecheckTree(tree)).toEqual([]);
    });

    it('through an index: a same-name re-export of a moved endpoint goes, its importers follow', async () => {
      service('hello', {
        'client.ts': clientTs('hello', './index'),
        'index.ts': `export { h1 } from './h1';\nexport { h2 } from './h2';\n`,
        'h1.ts': `import { api } from '@topo/runtime';
import { h2 } from './index';

export const h1 = api({ path: '/h1' }, async (): Promise<string> => \`hello \${await h2({})}\`);
`,
        'h2.ts': `import { api } from '@topo/runtime';\nexport const h2 = api({ path: '/h2' }, async (_: { n?: number }): Promise<string> => 'yo');\n`,
      });

      await split({ endpoints: ['h2'] });

      expect(read(`${SERVICES}/hello/index.ts`)).toBe(`export { h1 } from './h1';\n`);
      expect(read(`${SERVICES}/hello/h1.ts`)).toBe(`import { api } from '@topo/runtime';
import { yo } from '../yo/client';

export const h1 = api({ path: '/h1' }, async (): Promise<string> => \`hello \${await yo.h2({})}\`);
`);
      expect(typecheckTree(tree)).toEqual([]);
    });
  });

  describe('tests', () => {
    it('a test file of moved code only moves whole; one of remaining code only stays', async () => {
      service('hello', {
        'h1.ts': `import { api } from '@topo/runtime';\nexport const h1 = api({ path: '/h1' }, async (_: { n?: number }): Promise<number> => 1);\n`,
        'h2.ts': `import { api } from '@topo/runtime';\nexport const h2 = api({ path: '/h2' }, async (_: { n?: number }): Promise<number> => 2);\n`,
        'h1.spec.ts': `import { h1 } from './h1';\n\nit('h1', async () => expect(await h1({})).toBe(1));\n`,
        'h2.spec.ts': `import { h2 } from './h2';\n\nit('h2', async () => expect(await h2({})).toBe(2));\n`,
      });

      await split({ endpoints: ['h2'] });

      expect(tree.exists(`${SERVICES}/hello/h2.spec.ts`)).toBe(false);
      expect(read(`${SERVICES}/yo/h2.spec.ts`)).toBe(`import { h2 } from './h2';\n\nit('h2', async () => expect(await h2({})).toBe(2));\n`);
      expect(read(`${SERVICES}/hello/h1.spec.ts`)).toBe(
        `import { h1 } from './h1';\n\nit('h1', async () => expect(await h1({})).toBe(1));\n`,
      );
      expect(tree.listChanges().find((c) => c.path === `${SERVICES}/hello/h1.spec.ts`)?.type).toBe('CREATE');
      expect(typecheckTree(tree)).toEqual([]);
    });

    it('a moved test mocks the same modules from its new folder', async () => {
      service('hello', {
        'clock.ts': `export const now = (): number => Date.now();\n`,
        'format.ts': `export const stamp = (n: number): string => String(n);\n`,
        'hello.ts': `import { api } from '@topo/runtime';
import { now } from './clock';
import { stamp } from './format';
export const h1 = api({ path: '/h1' }, async (_: { n?: number }): Promise<number> => now());
export const h2 = api({ path: '/h2' }, async (_: { n?: number }): Promise<string> => stamp(1));
`,
        'h2.spec.ts': `import { h2 } from './hello';

jest.mock('./clock');
jest.mock('./format', () => ({ stamp: () => 'x' }));

it('h2', async () => expect(await h2({})).toBe('x'));
`,
      });

      await split({ endpoints: ['h2'] });

      expect(read(`${SERVICES}/yo/h2.spec.ts`)).toBe(`import { h2 } from './yo';

jest.mock('../hello/clock');
jest.mock('./format', () => ({ stamp: () => 'x' }));

it('h2', async () => expect(await h2({})).toBe('x'));
`);
      expect(typecheckTree(tree)).toEqual([]);
    });

    it('a test whose code now calls the other service through its client hosts that service in its own process', async () => {
      service('hello', {
        'client.ts': clientTs('hello'),
        'hello.ts': `import { api } from '@topo/runtime';

export const h1 = api({ path: '/h1' }, async ({ n }: { n: number }): Promise<number> => (await h2({ n })) + 1);
export const h2 = api({ path: '/h2' }, async ({ n }: { n: number }): Promise<number> => (await h3({ n })) * 2);
export const h3 = api({ path: '/h3' }, async ({ n }: { n: number }): Promise<number> => n);
`,
        'hello.spec.ts': `import { h1 } from './hello';\n\nit('h1', async () => expect(await h1({ n: 1 })).toBe(3));\n`,
        'h2.spec.ts': `import { h2 } from './hello';\n\nit('h2', async () => expect(await h2({ n: 1 })).toBe(2));\n`,
      });

      await split({ endpoints: ['h2'] });

      expect(read(`${SERVICES}/hello/hello.spec.ts`)).toBe(`import { h1 } from './hello';
import { createHost } from '@topo/runtime/host';
import yoService from '../yo/service';
import * as yoEndpoints from '../yo/yo';
import helloService from './service';
import * as helloEndpoints from './hello';

// Since the split, the code under test calls "yo" and "hello" through their clients: host them in this process, as the monolith does.
const splitHost = createHost({
  app: 'test',
  process: 'test',
  edge: false,
  register: true,
  services: [
    { service: yoService, endpoints: [{ name: 'h2', endpoint: yoEndpoints.h2 }] },
    { service: helloService, endpoints: [{ name: 'h1', endpoint: h1 }, { name: 'h3', endpoint: helloEndpoints.h3 }] },
  ],
});
afterAll(() => splitHost.close());

it('h1', async () => expect(await h1({ n: 1 })).toBe(3));
`);
      // h1 calls h2, now in yo, which calls h3, still in hello: h1's test hosts both; h2's hosts hello.
      expect(read(`${SERVICES}/yo/h2.spec.ts`)).toContain(
        `    { service: helloService, endpoints: [{ name: 'h1', endpoint: helloEndpoints.h1 }, { name: 'h3', endpoint: helloEndpoints.h3 }] },`,
      );
      tree.write('node_modules/@topo/runtime/host/index.d.ts', `export * from '${join(__dirname, '..', '..', '..', '..', 'runtime', 'dist', 'host', 'index')}';\n`);
      expect(typecheckTree(tree)).toEqual([]);
    });

    it('a mixed test file is divided by block; helpers and setup go where they are used', async () => {
      service('hello', {
        'hello.ts': `import { api } from '@topo/runtime';
export const h1 = api({ path: '/h1' }, async ({ n }: { n: number }): Promise<number> => n);
export const h2 = api({ path: '/h2' }, async ({ n }: { n: number }): Promise<number> => n * 2);
`,
        'hello.spec.ts': `import { h1, h2 } from './hello';

const one = { n: 1 };
const twice = (n: number) => h2({ n });

beforeEach(() => jest.clearAllMocks());

test('h1', async () => {
  expect(await h1(one)).toBe(1);
});

describe('h2', () => {
  it('doubles', async () => {
    expect(await twice(2)).toBe(4);
  });
});
`,
      });

      await split({ endpoints: ['h2'] });

      expect(read(`${SERVICES}/hello/hello.spec.ts`)).toBe(`import { h1 } from './hello';

const one = { n: 1 };

beforeEach(() => jest.clearAllMocks());

test('h1', async () => {
  expect(await h1(one)).toBe(1);
});
`);
      expect(read(`${SERVICES}/yo/yo.spec.ts`)).toBe(`import { h2 } from './yo';

const twice = (n: number) => h2({ n });

beforeEach(() => jest.clearAllMocks());

describe('h2', () => {
  it('doubles', async () => {
    expect(await twice(2)).toBe(4);
  });
});
`);
      expect(typecheckTree(tree)).toEqual([]);
    });
  });

  describe('topo.json', () => {
    it('places the new service in the process group of the source in each custom topology', async () => {
      demo();
      service('billing', {
        'billing.ts': `import { api } from '@topo/runtime';\nexport const bill = api({ path: '/bill' }, async () => 1);\n`,
      });
      writeJson(tree, 'apps/api/topo.json', {
        services: '*',
        port: 4000,
        topologies: { staging: [['hello', 'billing']], edge: [['billing'], ['hello']] },
        environments: { staging: 'staging' },
      });

      await split({ endpoints: ['h2'] });

      expect(readJson(tree, 'apps/api/topo.json')).toEqual({
        services: '*',
        port: 4000,
        topologies: { staging: [['hello', 'yo', 'billing']], edge: [['billing'], ['hello', 'yo']] },
        environments: { staging: 'staging' },
      });
    });

    it('appends the new service to an explicit services list, and leaves "*" alone', async () => {
      demo();
      writeJson(tree, 'apps/api/topo.json', { services: ['hello'], port: 4000 });
      writeJson(tree, 'apps/other/topo.json', { services: '*', port: 4001 });

      await split({ endpoints: ['h2'] });

      expect(readJson(tree, 'apps/api/topo.json')).toEqual({ services: ['hello', 'yo'], port: 4000 });
      expect(readJson(tree, 'apps/other/topo.json')).toEqual({ services: '*', port: 4001 });
    });
  });

  describe('workspace set-up', () => {
    it("adds the new folders to an app tsconfig that includes only some of the app's folders", async () => {
      demo();
      writeJson(tree, 'apps/api/tsconfig.json', { extends: '../../tsconfig.base.json', include: ['services/**/*.ts'] });

      await split({ endpoints: ['h2'] });

      expect(readJson(tree, 'apps/api/tsconfig.json').include).toEqual(['services/**/*.ts', 'shared/**/*.ts']);
    });

    it('gives the new service the project files the source has', async () => {
      demo();
      writeJson(tree, `${SERVICES}/hello/project.json`, {
        name: 'hello',
        $schema: '../../../../node_modules/nx/schemas/project-schema.json',
        sourceRoot: `${SERVICES}/hello`,
        tags: ['topo:service', 'scope:api'],
      });
      writeJson(tree, `${SERVICES}/hello/tsconfig.json`, { extends: '../../../../tsconfig.base.json', include: ['**/*.ts'] });
      writeJson(tree, 'tsconfig.json', { files: [], references: [{ path: `./${SERVICES}/hello` }] });

      await split({ endpoints: ['h2'], directory: 'apps/api/yo' });

      expect(readJson(tree, 'apps/api/yo/project.json')).toEqual({
        name: 'yo',
        $schema: '../../../node_modules/nx/schemas/project-schema.json',
        sourceRoot: 'apps/api/yo',
        tags: ['topo:service', 'scope:api'],
      });
      expect(readJson(tree, 'apps/api/yo/tsconfig.json')).toEqual({ extends: '../../../tsconfig.base.json', include: ['**/*.ts'] });
      expect(readJson(tree, 'tsconfig.json').references).toEqual([{ path: `./${SERVICES}/hello` }, { path: './apps/api/yo' }]);
    });

    it('imports with .js extensions in an ES module package, and the code typechecks under nodenext', async () => {
      writeJson(tree, 'apps/api/package.json', { name: 'api', type: 'module' });
      service('hello', {
        'client.ts': clientTs('hello', './hello.js'),
        'hello.ts': `import { api } from '@topo/runtime';
import { shout } from './format.js';
export const h1 = api({ path: '/h1' }, async (_: { n?: number }): Promise<string> => shout('h1'));
export const h2 = api({ path: '/h2' }, async (): Promise<string> => shout('h2') + (await h1({})));
`,
        'format.ts': `export const shout = (text: string): string => text.toUpperCase();\n`,
      });

      await split({ endpoints: ['h2'] });

      expect(read(`${SERVICES}/yo/yo.ts`)).toContain(
        `import { shout } from '../../shared/hello/format.js';\nimport { hello } from '../hello/client.js';`,
      );
      expect(read(`${SERVICES}/yo/client.ts`)).toContain(`import type * as endpoints from './yo.js';`);
      expect(typecheckTree(tree, { module: 'nodenext' })).toEqual([]);
    });
  });

  describe('refuses, writing nothing,', () => {
    async function refusal(schema: Partial<SplitServiceGeneratorSchema>): Promise<string> {
      const before = tree.listChanges().map((c) => `${c.type} ${c.path} ${c.content?.toString()}`);
      const message = await split(schema).then(
        () => 'no error',
        (error: Error) => error.message,
      );
      expect(tree.listChanges().map((c) => `${c.type} ${c.path} ${c.content?.toString()}`)).toEqual(before);
      return message;
    }

    beforeEach(() => demo());

    it('an unknown service', async () => {
      expect(await refusal({ from: 'helo', endpoints: ['h2'] })).toBe('There is no service "helo". Pass --from with one of: hello.');
    });

    it('an unknown endpoint', async () => {
      expect(await refusal({ endpoints: ['h9', 'GET /nope'] })).toBe(
        'Service "hello" has no endpoint "h9", "GET /nope". Pass --endpoints with export names or "METHOD /path" of: h1 (GET /hello/:name), h2 (GET /yo/:name).',
      );
      expect(await refusal({ endpoints: [] })).toContain('Pass --endpoints with the endpoints to move out of "hello"');
    });

    it('an invalid name', async () => {
      expect(await refusal({ endpoints: ['h2'], name: 'Yo_Service' })).toBe(
        'Service name "Yo_Service" is not kebab-case. Pass --name with lower-case letters, digits and dashes, starting with a letter, such as "yo" or "user-profile".',
      );
    });

    it('a name a service or a project has', async () => {
      service('billing', { 'billing.ts': `import { api } from '@topo/runtime';\nexport const b = api({ path: '/b' }, async () => 1);\n` });
      addProjectConfiguration(tree, 'ledger', { root: 'libs/ledger' });

      expect(await refusal({ endpoints: ['h2'], name: 'billing' })).toBe(
        `Service "billing" already exists (${SERVICES}/billing/service.ts). Pass another --name; service names are unique in the workspace.`,
      );
      expect(await refusal({ endpoints: ['h2'], name: 'ledger' })).toBe(
        'Project "ledger" already exists (libs/ledger); a service is a project of that name. Pass another --name.',
      );
      expect(await refusal({ endpoints: ['h2'], name: 'api' })).toContain('Project "api" already exists (apps/api)');
    });

    it('a folder that exists, or one no app serves', async () => {
      tree.write(`${SERVICES}/yo/notes.md`, 'taken');
      expect(await refusal({ endpoints: ['h2'] })).toBe(
        `${SERVICES}/yo already exists. Pass --directory with a new folder for service "yo".`,
      );
      expect(await refusal({ endpoints: ['h2'], directory: 'libs/yo' })).toContain('libs/yo is outside app apps/api');
    });

    it('every endpoint of the service: that is a rename', async () => {
      expect(await refusal({ endpoints: ['h1', 'h2'] })).toBe(
        `Every endpoint of service "hello" is selected (h1, h2): that moves the whole service, which is a rename, not a split. ` +
          `Rename it instead: change \`new Service('hello')\` in ${SERVICES}/hello/service.ts to 'yo' and the name in its client.ts (${SERVICES}/hello/client.ts); ` +
          `or leave at least one endpoint in "hello".`,
      );
    });

    it('an endpoint passed as an argument or stored, named by file and line', async () => {
      tree.write(
        `${SERVICES}/hello/registry.ts`,
        `import { h1, h2 } from './hello';\n\nexport const handlers = [h1, h2];\nexport function register(add: (f: unknown) => void): void {\n  add(h2);\n  add(h1);\n}\n`,
      );

      const message = await refusal({ endpoints: ['h2'] });
      expect(message).toContain(
        `${SERVICES}/hello/registry.ts:3: Endpoint "h2" is stored here, and after the split it is in another service ("yo"): only a direct call can become a client call.`,
      );
      expect(message).toContain(`${SERVICES}/hello/registry.ts:5: Endpoint "h2" is passed as an argument here`);
      expect(message).toContain('Call it directly (`h2(req)`) or through the client of its service, then run the split again.');
    });

    it('an endpoint re-exported under another name', async () => {
      tree.write(`${SERVICES}/hello/index.ts`, `export { h1 } from './hello';\nexport { h2 as greetYo } from './hello';\n`);

      expect(await refusal({ endpoints: ['h2'] })).toContain(
        `${SERVICES}/hello/index.ts:2: Endpoint "h2" is re-exported here as "greetYo", and it moves to "yo"; the split cannot follow the other name to its users.`,
      );
    });

    it('a dynamic import of a module the split divides', async () => {
      tree.write(`${SERVICES}/hello/lazy.ts`, `export async function later() {\n  return import('./hello');\n}\n`);

      expect(await refusal({ endpoints: ['h2'] })).toContain(
        `${SERVICES}/hello/lazy.ts:2: ./hello is loaded whole here with a dynamic import, and the split divides it between`,
      );
    });

    it('shared code that calls an endpoint: a cycle of imports between the two services', async () => {
      tree.write(
        `${SERVICES}/hello/hello.ts`,
        `import { api } from '@topo/runtime';

async function both(name: string): Promise<string> {
  return (await h1({ name })).message;
}

export const h1 = api({ path: '/h1' }, async ({ name }: { name: string }) => ({ message: name }));
export const h2 = api({ path: '/h2' }, async ({ name }: { name: string }) => ({ message: await both(name) }));
export const h3 = api({ path: '/h3' }, async ({ name }: { name: string }) => ({ message: await both(name) }));
`,
      );

      expect(await refusal({ endpoints: ['h2'] })).toContain(
        `${SERVICES}/hello/hello.ts:4: "both" is used by both "hello" and "yo", so it would go to the shared library, but it calls endpoint "h1"`,
      );
    });

    it("shared code that calls the source through its own client", async () => {
      tree.write(
        `${SERVICES}/hello/hello.ts`,
        `import { api } from '@topo/runtime';
import { hello } from './client';

const greeting = async (name: string) => (await hello.h1({ name })).message;

export const h1 = api({ path: '/h1' }, async ({ name }: { name: string }) => ({ message: name }));
export const h2 = api({ path: '/h2' }, async ({ name }: { name: string }) => ({ message: await greeting(name) }));
export const h3 = api({ path: '/h3' }, async ({ name }: { name: string }) => ({ message: await greeting(name) }));
`,
      );

      expect(await refusal({ endpoints: ['h2'] })).toContain(
        `${SERVICES}/hello/hello.ts:4: "greeting" is used by both "hello" and "yo", so it would go to the shared library, but it calls "hello" through its client`,
      );
    });

    it('a raw endpoint called directly across the split', async () => {
      tree.write(
        `${SERVICES}/hello/hello.ts`,
        `import { api } from '@topo/runtime';
export const h1 = api({ path: '/h1' }, async () => 1);
export const h2 = api.raw({ path: '/h2' }, (req, res) => res.end());
export const h3 = api({ path: '/h3' }, async () => h2({} as never, {} as never));
`,
      );

      expect(await refusal({ endpoints: ['h2'] })).toContain(
        `${SERVICES}/hello/hello.ts:4: Raw endpoint "h2" is called directly here, and after the split it lives in another service; raw endpoints cannot be called through a client.`,
      );
    });

    it('a namespace import whose names the split sends to two places', async () => {
      tree.write(`${SERVICES}/hello/util.ts`, `export const a = (s: string) => s;\nexport const b = (s: string) => s;\n`);
      tree.write(
        `${SERVICES}/hello/hello.ts`,
        `import { api } from '@topo/runtime';
import * as util from './util';

export const h1 = api({ path: '/h1' }, async ({ name }: { name: string }) => util.a(name) + util.b(name));
export const h2 = api({ path: '/h2' }, async ({ name }: { name: string }) => util.b(name));
`,
      );

      expect(await refusal({ endpoints: ['h2'] })).toContain(
        `${SERVICES}/hello/hello.ts:4: After the split "util" would have to name two modules in ${SERVICES}/hello/hello.ts: the split divides what it imports.`,
      );
    });

    it('module-level state both services would use', async () => {
      tree.write(
        `${SERVICES}/hello/hello.ts`,
        `import { api } from '@topo/runtime';

const seen = new Set<string>();
let calls = 0;

export const h1 = api({ path: '/h1' }, async ({ name }: { name: string }) => {
  seen.add(name);
  calls++;
  return { calls };
});
export const h2 = api({ path: '/h2' }, async ({ name }: { name: string }) => ({ known: seen.has(name), calls }));
`,
      );

      const message = await refusal({ endpoints: ['h2'] });
      expect(message).toContain(
        `${SERVICES}/hello/hello.ts:3: "seen" is module-level state (a Set that code changes), used both by "hello" (h1 at ${SERVICES}/hello/hello.ts:6) and by "yo" (h2 at ${SERVICES}/hello/hello.ts:11)`,
      );
      expect(message).toContain(`${SERVICES}/hello/hello.ts:4: "calls" is module-level state (a \`let\`)`);
    });

    it('an instance both sides use, reached through a helper, naming the value, its users and the ways out', async () => {
      service('hello', {
        'counter.ts': `class Counter {\n  n = 0;\n  inc(): number {\n    return ++this.n;\n  }\n}\n\nexport const counter = new Counter();\n\nexport function current(): { n: number } {\n  return { n: counter.n };\n}\n`,
        'hello.ts': `import { api } from '@topo/runtime';
import { counter, current } from './counter';

export const bump = api({ expose: true, method: 'POST', path: '/bump' }, async (): Promise<{ n: number }> => ({ n: counter.inc() }));
export const peek = api({ expose: true, method: 'GET', path: '/peek' }, async (): Promise<{ n: number }> => current());
`,
      });

      const message = await refusal({ endpoints: ['peek'], name: 'reader' });
      expect(message).toContain(
        `${SERVICES}/hello/counter.ts:8: "counter" is module-level state (an instance of Counter), used both by "hello" (bump at ${SERVICES}/hello/hello.ts:4) and by "reader" (peek at ${SERVICES}/hello/hello.ts:5); in separate processes each would have its own copy, and they would diverge.`,
      );
      expect(message).toContain('Keep "counter" on one side with all the endpoints that use it (move them together with --endpoints');
    });

    it("what a factory of the service's code makes, when both sides use it", async () => {
      service('hello', {
        'hello.ts': `import { api } from '@topo/runtime';

function createCache() {
  const entries = new Map<string, number>();
  return { get: (key: string) => entries.get(key), put: (key: string, n: number) => void entries.set(key, n) };
}
const cache = createCache();

export const put = api({ path: '/put' }, async ({ key }: { key: string }) => cache.put(key, 1));
export const get = api({ path: '/get' }, async ({ key }: { key: string }) => ({ n: cache.get(key) ?? 0 }));
`,
      });

      expect(await refusal({ endpoints: ['get'], name: 'reader' })).toContain(
        `${SERVICES}/hello/hello.ts:7: "cache" is module-level state (what createCache() makes: an object with methods)`,
      );
    });

    it('an endpoint declared in one statement with one that stays', async () => {
      tree.write(
        `${SERVICES}/hello/hello.ts`,
        `import { api } from '@topo/runtime';\nexport const h1 = api({ path: '/h1' }, async () => 1),\n  h2 = api({ path: '/h2' }, async () => 2);\n`,
      );

      expect(await refusal({ endpoints: ['h2'] })).toContain(
        `${SERVICES}/hello/hello.ts:3: Endpoint "h2" is declared in one statement with "h1", which stays.`,
      );
    });
  });
});
