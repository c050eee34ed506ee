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
  isListening,
  npmInstall,
  projectAt,
  readProjectGraph,
  removeTestWorkspace,
  runTsc,
  runNx,
  runNxOrThrow,
  ServeHandle,
  startServe,
  timed,
} from './setup';
import { readServiceSource, type ServiceSource } from './support/service-source';

/**
 * The guide's walk-through, as a new user runs it: one service `hello` with `h1`
 * (`GET /hello/:name`) and `h2` (`GET /yo/:name`), then `nx g @topo/nx:split-service
 * --from=hello --endpoints=h2 --name=yo`: the workspace stays in sync and typechecks, both
 * topologies answer as before, and the graph shows `yo`. Then `merge-service` takes it back.
 *
 * The steps share one workspace and run in order.
 */
describe("the guide's walk-through: split h2 out of hello into yo, and merge it back", () => {
  const { registryUrl, published } = e2eContext();
  let root: string;
  let app: { name: string; root: string; port: number };
  let hello: ServiceSource;
  let step: 'none' | 'monolith' | 'split' | 'merged' = 'none';
  const servers = new Set<ServeHandle>();

  beforeAll(async () => {
    root = await freshTestWorkspace('guide');
  });

  afterAll(async () => {
    for (const server of servers) await server.stop().catch(() => undefined);
    if (root) removeTestWorkspace(root);
  });

  it('starts as the monolith: service hello with h1 and h2', async () => {
    await npmInstall(root, ['-D', `@topo/nx@${published.packages['@topo/nx']}`], registryUrl);
    await runNxOrThrow(root, ['g', '@topo/nx:init', '--no-interactive']);
    await runNxOrThrow(root, ['g', '@topo/nx:service', 'hello', '--no-interactive']);
    const [topoJsonFile] = findWorkspaceFiles(root, 'topo.json');
    const appRoot = path.dirname(topoJsonFile);
    const port = await findFreePort();
    fs.writeFileSync(topoJsonFile, `${JSON.stringify({ ...JSON.parse(fs.readFileSync(topoJsonFile, 'utf8')), port }, null, 2)}\n`);
    const graph = await readProjectGraph(root);
    app = { name: projectAt(graph, root, appRoot)!.name, root: appRoot, port };
    hello = readServiceSource('hello', path.join(root, graph.nodes.hello.data.root));
    writeGuideMonolith(hello);

    await expectInSyncAndTypechecked();
    await expectGuideAnswers('mono');
    step = 'monolith';
  });

  it('nx g @topo/nx:split-service --from=hello --endpoints=h2 --name=yo', async () => {
    needs('monolith');
    const split = await timed('nx g @topo/nx:split-service', () =>
      runNx(root, ['g', '@topo/nx:split-service', '--from=hello', '--endpoints=h2', '--name=yo', '--no-interactive']),
    );
    expect(split.code === 0 ? 'split' : describeFailure(split)).toBe('split');
    step = 'split';
  });

  it('leaves the workspace in sync (nx sync:check) and typechecking', async () => {
    needs('split');
    await expectInSyncAndTypechecked();
  });

  it('shows yo in the graph: a project tagged topo:service that the app depends on', async () => {
    needs('split');
    const graph = await readProjectGraph(root);
    expect(graph.nodes.yo?.data.tags).toContain('topo:service');
    expect(dependenciesOf(graph, app.name)).toEqual(expect.arrayContaining(['hello', 'yo']));
  });

  it('answers as before in mono, and in micro where yo runs in a process of its own', async () => {
    needs('split');
    await expectGuideAnswers('mono');
    await expectGuideAnswers('micro');
  });

  it('nx g @topo/nx:merge-service --from=yo --into=hello takes it back: in sync, typechecking, no yo, same answers', async () => {
    needs('split');
    const merge = await timed('nx g @topo/nx:merge-service', () =>
      runNx(root, ['g', '@topo/nx:merge-service', '--from=yo', '--into=hello', '--no-interactive']),
    );
    expect(merge.code === 0 ? 'merged' : describeFailure(merge)).toBe('merged');
    step = 'merged';
    await expectInSyncAndTypechecked();
    const graph = await readProjectGraph(root);
    expect(Object.keys(graph.nodes)).not.toContain('yo');
    expect(graph.nodes.hello?.data.tags).toContain('topo:service');
    await expectGuideAnswers('mono');
    await expectGuideAnswers('micro');
  });

  function needs(wanted: 'monolith' | 'split'): void {
    const order = ['none', 'monolith', 'split', 'merged'];
    if (order.indexOf(step) < order.indexOf(wanted)) throw new Error(`Not run: the step that makes the ${wanted} failed above.`);
  }

  async function expectInSyncAndTypechecked(): Promise<void> {
    const sync = await timed('nx sync:check', () => runNx(root, ['sync:check']));
    expect(sync.code === 0 ? 'in sync' : describeFailure(sync)).toBe('in sync');
    // sync:check has just found the workspace in sync: the run need not run the sync
    // generators again before its tasks (they cost as much as the typecheck itself).
    const nx = await timed('nx run-many -t typecheck', () => runNx(root, ['run-many', '-t', 'typecheck', '--skip-nx-cache', '--skip-sync']));
    expect(nx.code === 0 ? 'typechecks' : describeFailure(nx)).toBe('typechecks');
    const tsc = await timed('tsc -b', () => runTsc(root, ['-b']));
    expect(tsc.code === 0 ? 'typechecks' : describeFailure(tsc)).toBe('typechecks');
  }

  /** Serves the app in `topology` and checks both greetings and an unknown path, then stops it. */
  async function expectGuideAnswers(topology: 'mono' | 'micro'): Promise<void> {
    const base = `http://127.0.0.1:${app.port}`;
    const server = await timed(`nx serve --topology=${topology}`, () =>
      startServe(root, app.name, [`--topology=${topology}`], { readyUrl: `${base}/hello/ready`, ready: (r) => r.status === 200 }),
    );
    servers.add(server);
    try {
      const answers = await Promise.all(['/hello/Ada', '/yo/Ada', '/yo/Grace%20Hopper', '/nope'].map((p) => getJson(`${base}${p}`)));
      expect(answers.map((a) => ({ status: a.status, body: a.status === 404 ? a.json && 'not found' : a.json }))).toEqual([
        { status: 200, body: { message: 'Hello, Ada!' } },
        { status: 200, body: { message: 'Yo, Ada!' } },
        { status: 200, body: { message: 'Yo, Grace Hopper!' } },
        { status: 404, body: 'not found' },
      ]);
    } finally {
      servers.delete(server);
      await server.stop();
    }
    expect(await isListening(app.port)).toBe(false);
  }
});

/** The guide's monolith in hello's endpoint module, and its spec testing both endpoints. */
function writeGuideMonolith(hello: ServiceSource): void {
  fs.writeFileSync(
    hello.endpointFile,
    `import { api } from '@topo/runtime';

/** What both greetings answer. */
export interface Response {
  message: string;
}

export const h1 = api(
  { expose: true, method: 'GET', path: '/hello/:name' },
  async ({ name }: { name: string }): Promise<Response> => ({ message: \`Hello, \${name}!\` }),
);

export const h2 = api(
  { expose: true, method: 'GET', path: '/yo/:name' },
  async ({ name }: { name: string }): Promise<Response> => ({ message: \`Yo, \${name}!\` }),
);
`,
  );
  const spec = hello.endpointFile.replace(/\.ts$/, '.spec.ts');
  const generated = fs.readFileSync(spec, 'utf8');
  const header = generated.slice(0, generated.indexOf('describe(')).replace(/import \{ hello \} from/, 'import { h1, h2 } from');
  fs.writeFileSync(
    spec,
    `${header}describe('hello', () => {
  it('greets with h1', async () => {
    await expect(h1({ name: 'Ada' })).resolves.toEqual({ message: 'Hello, Ada!' });
  });

  it('greets with h2', async () => {
    await expect(h2({ name: 'Ada' })).resolves.toEqual({ message: 'Yo, Ada!' });
  });
});
`,
  );
}
