import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  freshTestWorkspace,
  dependenciesOf,
  describeFailure,
  e2eContext,
  findFreePort,
  findWorkspaceFiles,
  getJson,
  HttpResponse,
  isListening,
  npmInstall,
  projectAt,
  ProjectGraph,
  readProjectGraph,
  readWorkspaceJson,
  removeTestWorkspace,
  resolveFromWorkspace,
  runTsc,
  runNx,
  runNxOrThrow,
  ServeHandle,
  startServe,
  timed,
  waitForHttp,
} from './setup';
import { addToEndpointModule, readServiceSource, relativeSpecifier, ServiceSource } from './support/service-source';

/**
 * The walk-through of a new user: a fresh Nx workspace, `@topo/nx` installed from the
 * registry, an app and two services from the generators, `hello` calling `yo` through
 * yo's client, then the same code served as one process and as one process per service.
 *
 * The steps share one workspace and run in order; each builds on the one before.
 */
describe('Topo, as a new user meets it', () => {
  const { registryUrl, published } = e2eContext();
  const topoVersion = published.packages['@topo/nx'];

  let root: string;
  let app: { name: string; root: string; port: number };
  const services: Record<string, ServiceSource> = {};
  const servers = new Set<ServeHandle>();

  beforeAll(async () => {
    root = await freshTestWorkspace('e2eapp');
  });

  afterAll(async () => {
    for (const server of servers) await server.stop().catch(() => undefined);
    if (root) removeTestWorkspace(root);
  });

  it('nx g @topo/nx:init registers the plugin, adds the runtime and creates the app', async () => {
    await npmInstall(root, ['-D', `@topo/nx@${topoVersion}`], registryUrl);
    await timed('nx g @topo/nx:init', () => runNxOrThrow(root, ['g', '@topo/nx:init', '--no-interactive']));

    const nxJson = readWorkspaceJson<{ plugins?: Array<string | { plugin: string }> }>(root, 'nx.json');
    const plugins = (nxJson.plugins ?? []).map((plugin) => (typeof plugin === 'string' ? plugin : plugin.plugin));
    expect(plugins).toContain('@topo/nx');

    const manifest = readWorkspaceJson<{ dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(
      root,
      'package.json',
    );
    expect({ ...manifest.dependencies, ...manifest.devDependencies }).toHaveProperty('@topo/runtime');
    // Installed, and the build this run published: init must add the runtime of its own version.
    expect(resolveFromWorkspace(root, '@topo/runtime')).toContain(path.join('node_modules', '@topo', 'runtime'));
    expect(readWorkspaceJson<{ version: string }>(root, 'node_modules/@topo/runtime/package.json').version).toBe(
      published.packages['@topo/runtime'],
    );

    const topoJsonFiles = findWorkspaceFiles(root, 'topo.json');
    expect(topoJsonFiles).toHaveLength(1);
    const topoJson = JSON.parse(fs.readFileSync(topoJsonFiles[0], 'utf8')) as Record<string, unknown>;
    expect(topoJson).toMatchObject({ services: '*', port: 4000 });

    const appRoot = path.dirname(topoJsonFiles[0]);
    const project = projectAt(await readProjectGraph(root), root, appRoot);
    expect(project?.name).toBe('api');

    // Port 4000 may be taken on the machine that runs the suite: the OS picks one.
    const port = await findFreePort();
    fs.writeFileSync(topoJsonFiles[0], `${JSON.stringify({ ...topoJson, port }, null, 2)}\n`);
    app = { name: project!.name, root: appRoot, port };
  });

  it('nx g @topo/nx:service creates services hello and yo in the app, each with its client module', async () => {
    needs('init');
    for (const name of ['hello', 'yo']) {
      await timed(`nx g @topo/nx:service ${name}`, () =>
        runNxOrThrow(root, ['g', '@topo/nx:service', name, '--no-interactive']),
      );
    }
    const graph = await readProjectGraph(root);
    for (const name of ['hello', 'yo']) {
      expect(graph.nodes).toHaveProperty(name);
      const dir = path.join(root, graph.nodes[name].data.root);
      // `"services": "*"` serves every service below the app's folder.
      expect(path.relative(app.root, dir).startsWith('..')).toBe(false);
      expect(fs.readFileSync(path.join(dir, 'service.ts'), 'utf8')).toMatch(
        new RegExp(`export default new Service\\(\\s*['"]${name}['"]\\s*\\)`),
      );
      services[name] = readServiceSource(name, dir);
      expect(fs.readFileSync(services[name].clientFile, 'utf8')).toMatch(
        new RegExp(`export const ${name} = client<typeof \\w+>\\(\\s*['"]${name}['"]\\s*\\)`),
      );
    }
  });

  it('hello calls yo through its typed client, and the workspace is in sync and typechecks', async () => {
    needs('services');
    writeYoEndpoints(services.yo);
    writeHelloEndpoints(services.hello, services.yo);

    const syncCheck = await runNx(root, ['sync:check']);
    expect(syncCheck.code === 0 ? 'in sync' : describeFailure(syncCheck)).toBe('in sync');

    const typecheck = await typecheckWorkspace(root);
    expect(typecheck.ok ? 'typechecks' : typecheck.output).toBe('typechecks');

    // The same check must catch a wrong call through the client: proof that it covers the
    // services' code and that the client is typed. (`tsc -b` alone: nx's typecheck runs it.)
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

  describe('nx graph', () => {
    let graph: ProjectGraph;

    beforeAll(async () => {
      if (app && services.hello && services.yo) graph = await readProjectGraph(root);
    });

    it('shows each service as a project tagged topo:service, with its inferred build and container targets', () => {
      needs('services');
      for (const name of ['hello', 'yo']) {
        expect(graph.nodes[name]?.data.tags).toContain('topo:service');
        expect(Object.keys(graph.nodes[name]?.data.targets ?? {})).toEqual(expect.arrayContaining(['build', 'container']));
      }
      expect(Object.keys(graph.nodes[app.name]?.data.targets ?? {})).toEqual(expect.arrayContaining(['serve', 'build']));
    });

    it('shows the call hello → yo as a dependency, and none back', () => {
      needs('services');
      expect(dependenciesOf(graph, 'hello')).toContain('yo');
      expect(dependenciesOf(graph, 'yo')).not.toContain('hello');
    });

    it('shows the app depending on each of its services', () => {
      needs('services');
      expect(dependenciesOf(graph, app.name)).toEqual(expect.arrayContaining(['hello', 'yo']));
    });
  });

  it('nx serve --topology=mono serves every public path from one process', async () => {
    needs('services');
    const server = await serve('mono');
    const base = `http://127.0.0.1:${app.port}`;

    const hello = await expectPublicPaths(base);
    // yo is hosted in the same process, so the call was an in-process call.
    expect(hello.json?.yoPid).toBe(hello.json?.pid);

    const secret = await getJson(`${base}/e2e/yo-secret/ada`);
    expect(secret.status).toBeGreaterThanOrEqual(400);
    expect(secret.status).toBeLessThan(500);
    expect(secret.text).not.toContain('only for ada');

    expect(server.output()).toContain(String(app.port));
    await stop(server);
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
    await stop(server);
  });

  it('nx build --topology=mono writes a bundle that node runs alone; --topology=micro adds compose and Kubernetes files', async () => {
    needs('services');
    const mono = await timed('nx build --topology=mono', () => runNx(root, ['build', app.name, '--topology=mono', '--engine=none']));
    expect(mono.code === 0 ? 'built' : describeFailure(mono)).toBe('built');
    const dist = path.join(root, 'dist', app.name);
    const port = await findFreePort();
    const child = spawn(process.execPath, ['main.js'], { cwd: path.join(dist, 'mono'), env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'ignore' });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/__topo/health`, { timeoutMs: 15_000 });
      const hello = await getJson<HelloReply>(`http://127.0.0.1:${port}/e2e/hello/ada`);
      expect({ status: hello.status, message: hello.json?.message, fromYo: hello.json?.fromYo }).toEqual({ status: 200, message: 'Hello, ada!', fromYo: 'Yo, ada!' });
    } finally {
      child.kill('SIGTERM');
    }

    const micro = await timed('nx build --topology=micro', () => runNx(root, ['build', app.name, '--topology=micro', '--engine=none']));
    expect(micro.code === 0 ? 'built' : describeFailure(micro)).toBe('built');
    for (const file of ['micro/docker-compose.yml', 'micro/k8s/kustomization.yaml', 'micro/gateway/Dockerfile', 'services/hello/main.js', 'services/yo/main.js']) {
      expect(fs.existsSync(path.join(dist, file)) ? file : `${file} is missing`).toBe(file);
    }
  });

  /** Later steps build on earlier ones: say so, rather than fail on an undefined value. */
  function needs(step: 'init' | 'services'): void {
    if (!app) throw new Error('Not run: `nx g @topo/nx:init` failed above.');
    if (step === 'services' && !(services.hello && services.yo)) {
      throw new Error('Not run: `nx g @topo/nx:service` failed above.');
    }
  }

  /** Starts `nx serve` and waits until hello answers, which needs yo too. */
  async function serve(topology: string): Promise<ServeHandle> {
    const server = await timed(`nx serve --topology=${topology} (until it answers)`, () =>
      startServe(root, app.name, [`--topology=${topology}`], {
        readyUrl: `http://127.0.0.1:${app.port}/e2e/hello/ready`,
        ready: (response) => response.status === 200,
      }),
    );
    servers.add(server);
    return server;
  }

  /** Ctrl-C: every process that serve started must be gone, and the app's port free. */
  async function stop(server: ServeHandle): Promise<void> {
    servers.delete(server);
    await timed('Ctrl-C on nx serve', () => server.stop());
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

/**
 * `nx run-many -t typecheck`, then `tsc -b` over the root tsconfig's references. The caller
 * has just found the workspace in sync (`nx sync:check`), so the run skips the sync
 * generators it would run again before its tasks.
 */
async function typecheckWorkspace(root: string): Promise<{ ok: boolean; output: string }> {
  const nx = await timed('nx run-many -t typecheck', () => runNx(root, ['run-many', '-t', 'typecheck', '--skip-nx-cache', '--skip-sync']));
  const tsc = await timed('tsc -b', () => runTsc(root, ['-b']));
  return {
    ok: nx.code === 0 && tsc.code === 0,
    output: [nx, tsc].filter((result) => result.code !== 0).map(describeFailure).join('\n'),
  };
}
