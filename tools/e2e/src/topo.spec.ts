import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AS_A_NEW_USER,
  freshTestWorkspace,
  dependenciesOf,
  describeFailure,
  e2eContext,
  findFreePort,
  findWorkspaceFiles,
  getJson,
  HttpResponse,
  httpRequest,
  isListening,
  listProcesses,
  ProjectGraph,
  projectAt,
  readProjectGraph,
  readWorkspaceJson,
  removeTestWorkspace,
  resolveFromWorkspace,
  runTsc,
  runNx,
  runNxOrThrow,
  ServeHandle,
  startServe,
  type TestWorkspace,
  timed,
  waitForHttp,
} from './setup';
import { addToEndpointModule, readServiceSource, relativeSpecifier, ServiceSource } from './support/service-source';

/**
 * The walk-through of a new user: a fresh Nx workspace, `@topo/nx` installed from the
 * release tarballs, an app and two services from the generators, `hello` calling `yo` through
 * yo's client, then the same code served as one process and as one process per service,
 * and built.
 *
 * The first steps, the same for every spec (the tarballs installed, `nx add @topo/nx`, which
 * runs `nx g @topo/nx:init`, and `nx g @topo/nx:service hello`), are run once by the global setup in the workspace every
 * spec copies (see startTopo); their results are checked here. The steps share one
 * workspace and run in order; each builds on the one before.
 */
describe('Topo, as a new user meets it', () => {
  const { released } = e2eContext();

  let workspace: TestWorkspace;
  let root: string;
  let app: { name: string; root: string; port: number };
  const services: Record<string, ServiceSource> = {};
  const servers = new Set<ServeHandle>();

  beforeAll(async () => {
    workspace = await freshTestWorkspace('e2eapp');
    root = workspace.root;
  });

  afterAll(async () => {
    for (const server of servers) await server.stop().catch(() => undefined);
    if (root) removeTestWorkspace(root);
  });

  it('nx add @topo/nx (nx g @topo/nx:init) registers the plugin, keeps the runtime and creates the app', async () => {
    const nxJson = readWorkspaceJson<{ plugins?: Array<string | { plugin: string }> }>(root, 'nx.json');
    const plugins = (nxJson.plugins ?? []).map((plugin) => (typeof plugin === 'string' ? plugin : plugin.plugin));
    expect(plugins).toContain('@topo/nx');

    const manifest = readWorkspaceJson<{ dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(
      root,
      'package.json',
    );
    expect({ ...manifest.dependencies, ...manifest.devDependencies }).toHaveProperty('@topo/runtime');
    // Installed, and the build this run released: the runtime of init's own version.
    expect(resolveFromWorkspace(root, '@topo/runtime')).toContain(path.join('node_modules', '@topo', 'runtime'));
    expect(readWorkspaceJson<{ version: string }>(root, 'node_modules/@topo/runtime/package.json').version).toBe(released.version);

    expect(workspace.topoJsonFiles).toHaveLength(1);
    const [topoJsonFile] = workspace.topoJsonFiles;
    const topoJson = JSON.parse(fs.readFileSync(topoJsonFile, 'utf8')) as Record<string, unknown>;
    expect(topoJson).toMatchObject({ services: '*', port: 4000 });

    // The project at the app's folder, in the graph `nx graph` gave after init.
    const appRoot = path.dirname(topoJsonFile);
    const name = projectAt(workspace, appRoot);
    expect(name).toBe('api');

    // Port 4000 may be taken on the machine that runs the suite: the OS picks one.
    const port = await findFreePort();
    fs.writeFileSync(topoJsonFile, `${JSON.stringify({ ...topoJson, port }, null, 2)}\n`);
    app = { name: name!, root: appRoot, port };
  });

  it('nx g @topo/nx:service creates services hello and yo in the app, each with its client module', async () => {
    needs('init');
    // hello was made by the same command, in the global setup.
    await timed('nx g @topo/nx:service yo', () => runNxOrThrow(root, ['g', '@topo/nx:service', 'yo', '--no-interactive']));
    const serviceFiles = findWorkspaceFiles(root, 'service.ts');
    for (const name of ['hello', 'yo']) {
      const declares = new RegExp(`export default new Service\\(\\s*['"]${name}['"]\\s*\\)`);
      const found = serviceFiles.filter((file) => declares.test(fs.readFileSync(file, 'utf8')));
      expect(found.map((file) => path.relative(root, file))).toHaveLength(1);
      const dir = path.dirname(found[0]);
      // `"services": "*"` serves every service below the app's folder.
      expect(path.relative(app.root, dir).startsWith('..')).toBe(false);
      services[name] = readServiceSource(name, dir);
      expect(fs.readFileSync(services[name].clientFile, 'utf8')).toMatch(
        new RegExp(`export const ${name} = client<typeof \\w+>\\(\\s*['"]${name}['"]\\s*\\)`),
      );
    }
  });

  let graph: ProjectGraph;

  it('hello calls yo through its typed client, and the workspace is in sync and typechecks', async () => {
    needs('services');
    writeYoEndpoints(services.yo);
    writeHelloEndpoints(services.hello, services.yo);

    // Side by side, as none changes what the others read: the graph is for the tests below.
    const [sync, tsc, projectGraph] = await Promise.all([
      timed('nx sync:check', () => runNx(root, ['sync:check'])),
      timed('tsc -b', () => runTsc(root, ['-b'])),
      timed('nx graph', () => readProjectGraph(root)),
    ]);
    graph = projectGraph;
    expect(sync.code === 0 ? 'in sync' : describeFailure(sync)).toBe('in sync');
    // `tsc -b` over the root tsconfig's references: what the workspace's one typecheck
    // target, the app's, runs (see the graph test).
    expect(tsc.code === 0 ? 'typechecks' : describeFailure(tsc)).toBe('typechecks');

    // The same check must catch a wrong call through the client: proof that it covers the
    // services' code and that the client is typed.
    const canary = path.join(path.dirname(services.hello.endpointFile), 'e2e-type-canary.ts');
    fs.writeFileSync(
      canary,
      `import { yo } from '${relativeSpecifier(services.hello, services.yo.clientFile)}';\n\n` +
        `export async function canary(): Promise<number> {\n` +
        `  const reply = await yo.e2eYo({ name: 42 });\n` +
        `  return reply.message;\n` +
        `}\n`,
    );
    try {
      const broken = await timed('tsc -b (with a type error)', () => runTsc(root, ['-b']));
      expect(broken.code).not.toBe(0);
      expect(broken.stdout + broken.stderr).toContain('e2e-type-canary.ts');
    } finally {
      fs.rmSync(canary);
    }
  });

  describe('nx graph (read before the type canary above was written)', () => {
    beforeAll(() => {
      if (!graph) throw new Error('Not run: the graph was not read above.');
    });

    it('shows each service as a project at its folder, tagged topo:service, with its inferred build and container targets', () => {
      for (const name of ['hello', 'yo']) {
        expect(graph.nodes[name]?.data.root).toBe(path.relative(root, services[name].dir).split(path.sep).join('/'));
        expect(graph.nodes[name]?.data.tags).toContain('topo:service');
        expect(Object.keys(graph.nodes[name]?.data.targets ?? {})).toEqual(expect.arrayContaining(['build', 'container']));
      }
      expect(Object.keys(graph.nodes[app.name]?.data.targets ?? {})).toEqual(expect.arrayContaining(['serve', 'build']));
    });

    it('shows the call hello → yo as a dependency, and none back', () => {
      expect(dependenciesOf(graph, 'hello')).toContain('yo');
      expect(dependenciesOf(graph, 'yo')).not.toContain('hello');
    });

    it('shows the app depending on each of its services', () => {
      expect(dependenciesOf(graph, app.name)).toEqual(expect.arrayContaining(['hello', 'yo']));
    });

    it('has one typecheck target, tsc --build of the app, which the root tsconfig references: `nx run-many -t typecheck` runs what `tsc -b` ran above', () => {
      const typechecks = Object.entries(graph.nodes).filter(([, project]) => project.data.targets?.typecheck);
      expect(typechecks.map(([name]) => name)).toEqual([app.name]);
      expect(graph.nodes[app.name].data.targets?.typecheck).toMatchObject({
        options: { cwd: graph.nodes[app.name].data.root, command: expect.stringMatching(/^tsc --build tsconfig\.json\b/) },
      });
      const references = readWorkspaceJson<{ references?: Array<{ path: string }> }>(root, 'tsconfig.json').references ?? [];
      expect(references.map((reference) => path.join(root, reference.path))).toContain(app.root);
    });
  });

  it('nx serve --topology=mono serves every public path from one process', async () => {
    needs('services');
    // The first serve runs as a new user has Nx: its Ctrl-C must stop the plugin workers too.
    const server = await serve('mono', undefined, AS_A_NEW_USER);
    const base = `http://127.0.0.1:${app.port}`;

    const hello = await expectPublicPaths(base);
    // yo is hosted in the same process, so the call was an in-process call.
    expect(hello.json?.yoPid).toBe(hello.json?.pid);

    const secret = await getJson(`${base}/e2e/yo-secret/ada`);
    expect(secret.status).toBeGreaterThanOrEqual(400);
    expect(secret.status).toBeLessThan(500);
    expect(secret.text).not.toContain('only for ada');

    expect(server.output()).toContain(String(app.port));
    await stop(server, [hello.json!.pid]);
  });

  it('nx serve --topology=micro serves the same paths through the gateway, one process per service', async () => {
    needs('services');
    const server = await serve('micro');
    const base = `http://127.0.0.1:${app.port}`;

    const hello = await expectPublicPaths(base);
    // yo runs in a process of its own: the call went over HTTP, with the internal credential.
    expect(hello.json?.yoPid).not.toBe(hello.json?.pid);

    const secret = await getJson(`${base}/e2e/yo-secret/ada`);
    expect(secret.status).toBe(404);
    expect(secret.text).not.toContain('only for ada');
    // Internal headers a client sends are dropped by the gateway.
    const forged = await getJson(`${base}/e2e/yo-secret/ada`, {
      headers: { 'x-topo-caller': 'hello', 'x-topo-auth': `${Date.now()}.${'0'.repeat(64)}` },
    });
    expect(forged.status).toBe(404);
    expect(forged.text).not.toContain('only for ada');

    expect(server.output()).toContain(String(app.port));
    await stop(server, [hello.json!.pid, hello.json!.yoPid]);
  });

  // `--topology=micro` (each service a task of its own, compose and Kubernetes files) is
  // built through the Nx CLI in packages/nx/src/executors/build/build.cli.spec.ts, and
  // served from its build in build.spec.ts and build.container.spec.ts.
  it('nx build --topology=mono writes a bundle that node runs alone, without the services\' own builds', async () => {
    needs('services');
    const mono = await timed('nx build --topology=mono', () => runNx(root, ['build', app.name, '--topology=mono']));
    expect(mono.code === 0 ? 'built' : describeFailure(mono)).toBe('built');
    const dist = path.join(root, 'dist', app.name);
    // No service task ran: the mono bundle holds every service.
    expect(fs.existsSync(path.join(dist, 'services'))).toBe(false);
    expect(mono.stdout).not.toMatch(/nx run (hello|yo):/);
    const port = await findFreePort();
    const child = spawn(process.execPath, ['main.js'], { cwd: path.join(dist, 'mono'), env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'ignore' });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/__topo/health`, { timeoutMs: 15_000 });
      const hello = await getJson<HelloReply>(`http://127.0.0.1:${port}/e2e/hello/ada`);
      expect({ status: hello.status, message: hello.json?.message, fromYo: hello.json?.fromYo }).toEqual({ status: 200, message: 'Hello, ada!', fromYo: 'Yo, ada!' });
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('nx run <app>:catalog writes catalog.json, openapi.json and the page, with both services and the call between them', async () => {
    needs('services');
    const run = await timed('nx run <app>:catalog', () => runNx(root, ['run', `${app.name}:catalog`]));
    expect(run.code === 0 ? 'written' : describeFailure(run)).toBe('written');
    const dir = path.join(root, 'dist', app.name, 'catalog');
    expect(fs.readdirSync(dir).sort()).toEqual(expect.arrayContaining(['catalog.json', 'index.html', 'openapi.json']));
    const catalog = JSON.parse(fs.readFileSync(path.join(dir, 'catalog.json'), 'utf8'));
    expect({ version: catalog.version, services: catalog.services.map((s: { name: string }) => s.name).sort() }).toEqual({ version: 1, services: ['hello', 'yo'] });
    expect(catalog.calls.map((c: { from: { service: string }; to: { service: string } }) => `${c.from.service} -> ${c.to.service}`)).toContain('hello -> yo');
    const openapi = JSON.parse(fs.readFileSync(path.join(dir, 'openapi.json'), 'utf8'));
    expect(openapi.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/e2e/hello/{name}']));
    // The page stands alone: no script, style or font from anywhere.
    expect(fs.readFileSync(path.join(dir, 'index.html'), 'utf8')).not.toMatch(/<(script|link)[^>]+(src|href)="(https?:)?\/\//);
  });

  it('a service with a database: nx serve --topology=micro starts an embedded Postgres, migrates it, and the rows stay between runs', async () => {
    needs('services');
    await timed('nx g @topo/nx:service notes', () => runNxOrThrow(root, ['g', '@topo/nx:service', 'notes', '--no-interactive']));
    const file = findWorkspaceFiles(root, 'service.ts').find((f) => /new Service\(\s*['"]notes['"]\s*\)/.test(fs.readFileSync(f, 'utf8')));
    expect(file).toBeDefined();
    const notes = readServiceSource('notes', path.dirname(file!));
    fs.mkdirSync(path.join(notes.dir, 'migrations'));
    fs.writeFileSync(
      path.join(notes.dir, 'migrations', '1_create_notes.up.sql'),
      'CREATE TABLE notes (\n  id SERIAL PRIMARY KEY,\n  text TEXT NOT NULL\n);\n',
    );
    fs.writeFileSync(
      path.join(notes.dir, 'db.ts'),
      `import { SQLDatabase } from '@topo/runtime';\n\nexport const db = new SQLDatabase('notes', { migrations: './migrations' });\n`,
    );
    addToEndpointModule(
      notes,
      `import { api as e2eApi } from '@topo/runtime';\nimport { db as e2eDb } from '${relativeSpecifier(notes, path.join(notes.dir, 'db.ts'))}';`,
      `
// Added by the e2e test.
export const e2eAddNote = e2eApi(
  { expose: true, method: 'POST', path: '/e2e/notes' },
  async ({ text }: { text: string }): Promise<{ id: number }> =>
    (await e2eDb.queryRow<{ id: number }>\`INSERT INTO notes (text) VALUES (\${text}) RETURNING id\`)!,
);

export const e2eNotes = e2eApi(
  { expose: true, method: 'GET', path: '/e2e/notes' },
  async (): Promise<{ notes: { id: number; text: string }[] }> => ({
    notes: await e2eDb.queryAll<{ id: number; text: string }>\`SELECT id, text FROM notes ORDER BY id\`,
  }),
);
`,
    );
    const base = `http://127.0.0.1:${app.port}`;
    const first = await serve('micro', '/e2e/notes');
    expect(first.output()).toMatch(/notes: postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres \(embedded/);
    const added = await httpRequest<{ id: number }>(`${base}/e2e/notes`, { method: 'POST', body: { text: "it's; DROP TABLE notes; --" } });
    expect({ status: added.status, body: added.json }).toEqual({ status: 200, body: { id: 1 } });
    await stop(first, []);

    const second = await serve('micro', '/e2e/notes');
    const listed = await getJson<{ notes: { id: number; text: string }[] }>(`${base}/e2e/notes`);
    expect({ status: listed.status, body: listed.json }).toEqual({ status: 200, body: { notes: [{ id: 1, text: "it's; DROP TABLE notes; --" }] } });
    await stop(second, []);
  });

  /** Later steps build on earlier ones: say so, rather than fail on an undefined value. */
  function needs(step: 'init' | 'services'): void {
    if (!app) throw new Error('Not run: the app `nx g @topo/nx:init` made was not found above.');
    if (step === 'services' && !(services.hello && services.yo)) {
      throw new Error('Not run: `nx g @topo/nx:service` failed above.');
    }
  }

  /**
   * Starts `nx serve` and waits until `path` answers 200: by default hello's, which needs yo
   * too. `env` changes its environment: AS_A_NEW_USER runs it with Nx's plugin workers.
   */
  async function serve(topology: string, path = '/e2e/hello/ready', env?: Record<string, string | undefined>): Promise<ServeHandle> {
    const server = await timed(`nx serve --topology=${topology} (until it answers)`, () =>
      startServe(root, app.name, [`--topology=${topology}`], {
        readyUrl: `http://127.0.0.1:${app.port}${path}`,
        ready: (response) => response.status === 200,
        env,
      }),
    );
    servers.add(server);
    return server;
  }

  /**
   * Ctrl-C: every process that serve started must be gone (the handle fails otherwise), the
   * processes that answered among them, and the app's port free.
   */
  async function stop(server: ServeHandle, answered: number[]): Promise<void> {
    expect(server.processes().map((p) => p.pid)).toEqual(expect.arrayContaining(answered));
    servers.delete(server);
    await timed('Ctrl-C on nx serve', () => server.stop());
    expect(listProcesses().filter((p) => answered.includes(p.pid))).toEqual([]);
    expect(await isListening(app.port)).toBe(false);
  }
});

interface HelloReply {
  message: string;
  fromYo: string;
  secret: string;
  pid: number;
  yoPid: number;
}

/** What every topology must answer on the public paths; returns hello's reply. */
async function expectPublicPaths(base: string): Promise<HttpResponse<HelloReply>> {
  const hello = await getJson<HelloReply>(`${base}/e2e/hello/ada`);
  expect({ status: hello.status, body: hello.json }).toEqual({
    status: 200,
    body: { message: 'Hello, ada!', fromYo: 'Yo, ada!', secret: 'only for ada', pid: expect.any(Number), yoPid: expect.any(Number) },
  });

  const yo = await getJson(`${base}/e2e/yo/bob`);
  expect({ status: yo.status, body: yo.json }).toEqual({ status: 200, body: { message: 'Yo, bob!', pid: expect.any(Number) } });

  // An APIError thrown by yo reaches hello's caller unchanged.
  const missing = await getJson(`${base}/e2e/hello-missing/ada`);
  expect({ status: missing.status, body: missing.json }).toEqual({
    status: 404,
    body: { code: 'not_found', message: 'no yo for ada' },
  });

  // Any other error is a 500 that tells the client nothing about it.
  const crash = await getJson(`${base}/e2e/crash`);
  expect({ status: crash.status, body: crash.json }).toEqual({ status: 500, body: expect.objectContaining({ code: 'internal' }) });
  expect(crash.text).not.toContain('e2e-boom-detail');

  const unknown = await getJson(`${base}/e2e/no-such-path`);
  expect(unknown.status).toBe(404);
  return hello;
}

/**
 * The process id, without depending on @types/node being in the user's workspace: tells
 * the tests which process answered.
 */
const CURRENT_PID = '(globalThis as unknown as { process: { pid: number } }).process.pid';

function writeYoEndpoints(yo: ServiceSource): void {
  addToEndpointModule(
    yo,
    `import { api as e2eApi, APIError as E2eAPIError, ErrCode as E2eErrCode } from '@topo/runtime';`,
    `
// Added by the e2e test.
export const e2eYo = e2eApi(
  { expose: true, method: 'GET', path: '/e2e/yo/:name' },
  async ({ name }: { name: string }): Promise<{ message: string; pid: number }> => ({
    message: \`Yo, \${name}!\`,
    pid: ${CURRENT_PID},
  }),
);

export const e2eSecret = e2eApi(
  { expose: false, method: 'GET', path: '/e2e/yo-secret/:name' },
  async ({ name }: { name: string }): Promise<{ secret: string }> => ({ secret: \`only for \${name}\` }),
);

export const e2eMissing = e2eApi(
  { expose: false, method: 'GET', path: '/e2e/yo-missing/:name' },
  async ({ name }: { name: string }): Promise<{ message: string }> => {
    throw new E2eAPIError(E2eErrCode.NotFound, \`no yo for \${name}\`);
  },
);
`,
  );
}

function writeHelloEndpoints(hello: ServiceSource, yo: ServiceSource): void {
  addToEndpointModule(
    hello,
    `import { api as e2eApi } from '@topo/runtime';\n` +
      `import { yo as e2eYoClient } from '${relativeSpecifier(hello, yo.clientFile)}';`,
    `
// Added by the e2e test.
export const e2eHello = e2eApi(
  { expose: true, method: 'GET', path: '/e2e/hello/:name' },
  async ({ name }: { name: string }): Promise<{ message: string; fromYo: string; secret: string; pid: number; yoPid: number }> => {
    const reply = await e2eYoClient.e2eYo({ name });
    const { secret } = await e2eYoClient.e2eSecret({ name });
    return { message: \`Hello, \${name}!\`, fromYo: reply.message, secret, pid: ${CURRENT_PID}, yoPid: reply.pid };
  },
);

export const e2eHelloMissing = e2eApi(
  { expose: true, method: 'GET', path: '/e2e/hello-missing/:name' },
  async ({ name }: { name: string }): Promise<{ message: string }> => e2eYoClient.e2eMissing({ name }),
);

export const e2eCrash = e2eApi(
  { expose: true, method: 'GET', path: '/e2e/crash' },
  async (): Promise<{ ok: boolean }> => {
    throw new Error('e2e-boom-detail');
  },
);
`,
  );
}
