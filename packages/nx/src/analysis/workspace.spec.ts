import { clientFile, createTempWorkspace, serviceFile, type TempWorkspace } from './__fixtures__/temp-workspace';
import { analyzeApp } from './app';
import { parseAppConfig } from './app-config';
import { formatAnalysisErrors } from './errors';
import { findServices } from './services';
import { type FileFactsCache, readFileFacts } from './syntax';
import { analyzeService, analyzeWorkspace } from './workspace';

const HELLO = `import { api } from '@topo/runtime';

export interface Response {
  message: string;
}

export const h1 = api(
  { expose: true, method: 'GET', path: '/hello/:name' },
  async ({ name }: { name: string }): Promise<Response> => ({ message: \`Hello, \${name}!\` }),
);

export const h2 = api({ path: '/hello.h2' }, async (): Promise<Response> => ({ message: 'hi' }));

const files = api.raw({ method: '*', path: '/files/:owner/*rest' }, (req, res) => res.end());
export { files as download };
`;

describe('analyzeWorkspace', () => {
  let workspace: TempWorkspace;

  beforeEach(() => {
    workspace = createTempWorkspace({
      'apps/api/topo.json': '{ "services": "*", "port": 4000 }',
      'apps/api/services/hello/service.ts': serviceFile('hello'),
      'apps/api/services/hello/hello.ts': HELLO,
      'apps/api/services/hello/client.ts': clientFile('hello'),
      'apps/api/services/hello/hello.spec.ts': `import { h1 } from './hello';\ntest('h1', () => h1({ name: 'x' }));\n`,
    });
  });

  afterEach(() => workspace.remove());

  it('reads the endpoints with their options, defaults and location', () => {
    const { services, errors } = analyzeWorkspace(workspace.root);

    expect(errors).toEqual([]);
    const [hello] = services;
    expect(hello).toMatchObject({
      name: 'hello',
      root: 'apps/api/services/hello',
      serviceFile: 'apps/api/services/hello/service.ts',
      clientFile: 'apps/api/services/hello/client.ts',
      sourceFiles: [
        'apps/api/services/hello/client.ts',
        'apps/api/services/hello/hello.ts',
        'apps/api/services/hello/service.ts',
      ],
      testFiles: ['apps/api/services/hello/hello.spec.ts'],
    });
    const file = 'apps/api/services/hello/hello.ts';
    expect(hello.endpoints.map(({ start, end, ...endpoint }) => endpoint)).toEqual([
      { service: 'hello', exportName: 'h1', file, line: 7, kind: 'typed', expose: true, methods: ['GET'], path: '/hello/:name', pathParams: ['name'], bodyLimit: 1048576 },
      { service: 'hello', exportName: 'h2', file, line: 12, kind: 'typed', expose: false, methods: ['GET', 'POST'], path: '/hello.h2', pathParams: [], bodyLimit: 1048576 },
      { service: 'hello', exportName: 'download', file, line: 14, kind: 'raw', expose: false, methods: ['*'], path: '/files/:owner/*rest', pathParams: ['owner', 'rest'] },
    ]);
    const h1 = hello.endpoints[0];
    expect(HELLO.slice(h1.start, h1.end)).toMatch(/^export const h1 = api\([\s\S]*\);$/);
  });

  it('asks for literals where an option cannot be read, naming the file and line', () => {
    workspace.write({
      'apps/api/services/hello/hello.ts': `import { api } from '@topo/runtime';
const base = '/hello';
const options = { path: '/x' };
export const a = api({ path: \`\${base}/a\` }, async () => 1);
export const b = api({ path: '/b', method: ['GET', base] }, async () => 1);
export const c = api(options, async () => 1);
export const d = api({ ...options, expose: true }, async () => 1);
export const e = api({ path: '/e', expose: Boolean(base) }, async () => 1);
`,
    });

    const { services, errors } = analyzeWorkspace(workspace.root);

    expect(errors.map((e) => [e.code, e.line])).toEqual([
      ['non-literal-option', 4],
      ['non-literal-option', 5],
      ['non-literal-option', 6],
      ['non-literal-option', 7],
      ['non-literal-option', 8],
    ]);
    expect(formatAnalysisErrors(errors.slice(0, 1))).toBe(
      'apps/api/services/hello/hello.ts:4: The "path" option of endpoint "a" is not a literal, so it cannot be read without running the code.\n' +
        "  Use a literal string, such as '/a'.",
    );
    // Endpoints whose path cannot be read are left out; the others keep their defaults.
    expect(services[0].endpoints.map((e) => [e.exportName, e.methods])).toEqual([
      ['b', ['GET', 'POST']],
      ['e', ['GET', 'POST']],
    ]);
  });

  it('analyzeApp refuses a private endpoint a public route covers, naming both: the URL would answer differently in mono and behind the gateway', () => {
    workspace.write({
      'apps/api/services/files/service.ts': serviceFile('files'),
      'apps/api/services/files/files.ts': `import { api } from '@topo/runtime';
export const open = api({ expose: true, method: 'GET', path: '/docs/*path' }, async () => 1);
export const audit = api({ method: 'GET', path: '/docs/audit' }, async () => 1);
export const mine = api({ method: 'GET', path: '/mine/:id' }, async () => 1);
export const publicMine = api({ expose: true, method: 'POST', path: '/mine/:id' }, async () => 1);
`,
    });
    const app = analyzeApp(parseAppConfig('apps/api/topo.json', '{ "services": "*", "port": 4000 }').config!, analyzeWorkspace(workspace.root));
    expect(app.errors.map((e) => [e.code, e.file, e.line])).toEqual([['private-route-shadowed', 'apps/api/services/files/files.ts', 3]]);
    expect(app.errors[0].message).toBe(
      'Private endpoint "files.audit" (GET /docs/audit) is under public endpoint "files.open" (GET /docs/*path, apps/api/services/files/files.ts:2): ' +
        "a client's GET /docs/audit would reach the public one in mono and the private one behind the gateway.",
    );
  });

  it('reports endpoints without path or export and unknown methods; analyzeApp the routes two endpoints of an app answer', () => {
    workspace.write({
      'apps/api/services/hello/hello.ts': `import { api } from '@topo/runtime';
export const a = api({ expose: true }, async () => 1);
const b = api({ path: '/b' }, async () => 1);
export const c = api({ path: '/c', method: 'FETCH' }, async () => 1);
export const d = api({ path: '/users/:id', method: 'GET' }, async () => 1);
`,
      'apps/api/services/users/service.ts': serviceFile('users'),
      'apps/api/services/users/users.ts': `import { api } from '@topo/runtime';
export const get = api({ path: '/users/:userId', method: ['GET', 'HEAD'] }, async () => 1);
`,
    });

    const analysis = analyzeWorkspace(workspace.root);
    const app = analyzeApp(parseAppConfig('apps/api/topo.json', '{ "services": "*", "port": 4000 }').config!, analysis);

    expect(analysis.errors.map((e) => [e.code, e.file, e.line])).toEqual([
      ['invalid-endpoint-option', 'apps/api/services/hello/hello.ts', 2],
      ['endpoint-not-exported', 'apps/api/services/hello/hello.ts', 3],
      ['invalid-endpoint-option', 'apps/api/services/hello/hello.ts', 4],
    ]);
    expect(analysis.errors[0].message).toBe('Endpoint "a": the endpoint has no path.');
    expect(analysis.errors[2].message).toBe('Endpoint "c": unknown method "FETCH".');
    expect(app.errors.map((e) => [e.code, e.file, e.line])).toEqual([['duplicate-route', 'apps/api/services/users/users.ts', 2]]);
    expect(app.errors[0].message).toBe(
      'Endpoint "users.get" answers the same route as "hello.d" (apps/api/services/hello/hello.ts:5): GET /users/:userId.',
    );
  });

  it('finds calls through another service client, by relative path, tsconfig path or namespace', () => {
    workspace.write({
      'tsconfig.base.json': JSON.stringify({ compilerOptions: { paths: { '@acme/hello-client': ['apps/api/services/hello/client.ts'] } } }),
      'apps/api/services/yo/service.ts': serviceFile('yo'),
      'apps/api/services/yo/yo.ts': `import { api } from '@topo/runtime';
import { hello } from '../hello/client';
import { hello as greeter } from '@acme/hello-client';
import * as clients from '../hello/client';
import type { Response } from '../hello/hello';

export const h2 = api({ path: '/yo/:name' }, async ({ name }: { name: string }): Promise<Response> => {
  const a = await hello.h1({ name });
  const b = await greeter.h2();
  await clients.hello.h1({ name: a.message + b.message });
  return a;
});
`,
      'apps/api/services/yo/yo.spec.ts': `import { hello } from '../hello/client';\nhello.h1({ name: 'spec' });\n`,
      // A service calling its own client is no edge.
      'apps/api/services/hello/self.ts': `import { hello } from './client';\nexport const again = () => hello.h1({ name: 'me' });\n`,
    });

    const { services, errors } = analyzeWorkspace(workspace.root);

    expect(errors).toEqual([]);
    const yo = services.find((s) => s.name === 'yo')!;
    expect(yo.calls.map(({ start, end, ...call }) => call)).toEqual([
      { from: 'yo', to: 'hello', endpoint: 'h1', file: 'apps/api/services/yo/yo.ts', line: 8 },
      { from: 'yo', to: 'hello', endpoint: 'h2', file: 'apps/api/services/yo/yo.ts', line: 9 },
      { from: 'yo', to: 'hello', endpoint: 'h1', file: 'apps/api/services/yo/yo.ts', line: 10 },
    ]);
    expect(yo.imports.filter((i) => i.file.endsWith('yo.ts')).map((i) => [i.specifier, i.resolvedFile, i.typeOnly])).toEqual([
      ['@topo/runtime', undefined, false],
      ['../hello/client', 'apps/api/services/hello/client.ts', false],
      ['@acme/hello-client', 'apps/api/services/hello/client.ts', false],
      ['../hello/client', 'apps/api/services/hello/client.ts', false],
      ['../hello/hello', 'apps/api/services/hello/hello.ts', true],
    ]);
    expect(services.find((s) => s.name === 'hello')!.calls).toEqual([]);
  });

  it('reports every api() call that no process can route: made by a factory, in a loop, inside a function', () => {
    workspace.write({
      'apps/api/services/hello/made.ts': `import { api } from '@topo/runtime';

function crud(name: string) {
  return api({ expose: true, method: 'GET', path: \`/\${name}\` }, async () => ({ name }));
}
export const users = crud('users');
export const all = ['a', 'b'].map((name) => api.raw({ path: '/' + name }, (req, res) => res.end()));
export const fine = api({ expose: true, method: 'GET', path: '/fine' }, async () => 1);
`,
    });

    const { errors, services } = analyzeWorkspace(workspace.root);

    expect(errors.map((e) => [e.code, e.line])).toEqual([
      ['endpoint-not-routable', 4],
      ['endpoint-not-routable', 7],
    ]);
    expect(errors[0].message).toBe(
      'This api(...) call is not the value of a top-level exported const, so no process can serve the endpoint it makes: it would answer 404.',
    );
    expect(services[0].endpoints.map((e) => e.exportName)).toContain('fine');
  });

  it("reads the client that client.ts exports, and the service's options in a canonical form", () => {
    workspace.write({
      'apps/api/services/hello/client.ts': `import { client as makeClient } from '@topo/runtime';\nimport type * as endpoints from './hello';\nexport const greeter = makeClient<typeof endpoints>('hello');\n`,
      'apps/api/services/hello/service.ts': `import { Service } from '@topo/runtime';\nimport cors from 'cors';\nexport default new Service('hello', { middleware: [cors()] });\n`,
      'apps/api/services/yo/service.ts': `import { Service } from "@topo/runtime";\nimport cors from "cors";\n\n// the same as hello's\nexport default new Service("yo", {\n  middleware: [ cors( ) ],\n});\n`,
      'apps/api/services/plain/service.ts': serviceFile('plain'),
    });

    const { services } = analyzeWorkspace(workspace.root);
    const byName = new Map(services.map((s) => [s.name, s]));

    expect(byName.get('hello')!.client).toEqual({ exportName: 'greeter', line: 3 });
    expect(byName.get('hello')!.options).toContain('cors#default');
    expect(byName.get('yo')!.options).toBe(byName.get('hello')!.options);
    expect(byName.get('plain')!.options).toBe('');
  });

  it('analyzes one service given the others', () => {
    workspace.write({
      'apps/api/services/yo/service.ts': serviceFile('yo'),
      'apps/api/services/yo/yo.ts': `import { hello } from '../hello/client';\nexport const run = () => hello.h1({ name: 'x' });\n`,
    });
    const { services } = findServices(workspace.root);

    const { service, errors } = analyzeService(workspace.root, services.find((s) => s.name === 'yo')!, services);

    expect(errors).toEqual([]);
    expect(service.sourceFiles).toEqual(['apps/api/services/yo/service.ts', 'apps/api/services/yo/yo.ts']);
    expect(service.calls.map((c) => `${c.from}->${c.to}.${c.endpoint}`)).toEqual(['yo->hello.h1']);
  });
});

describe('readFileFacts', () => {
  it('parses a file again only when its content changes', () => {
    const cache: FileFactsCache = new Map();
    const first = readFileFacts('a.ts', HELLO, cache);

    expect(readFileFacts('a.ts', HELLO, cache)).toBe(first);
    const changed = readFileFacts('a.ts', HELLO.replace("'/hello/:name'", "'/hi/:name'"), cache);
    expect(changed).not.toBe(first);
    expect(changed.endpoints[0].path).toBe('/hi/:name');
  });
});
