import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type CommandResult,
  freshTestWorkspace,
  dependenciesOf,
  describeFailure,
  findFreePort,
  getJson,
  isListening,
  type ProjectGraph,
  projectAt,
  readProjectGraph,
  removeTestWorkspace,
  runTsc,
  runNx,
  ServeHandle,
  startServe,
  timed,
} from './setup';
import { readServiceSource, type ServiceSource } from './support/service-source';

/**
 * The guide's walk-through, as a new user runs it: one service `hello` with `h1`
 * (`GET /hello/:name`) and `h2` (`GET /yo/:name`), then `nx g @topo/nx:split-service
 * --from=hello --endpoints=h2 --name=yo`: the workspace stays in sync and typechecks, both
 * topologies answer as the monolith's code says, and the graph shows `yo`. Then
 * `merge-service` takes it back.
 *
 * The workspace starts as the global setup prepared it for every spec: Topo installed, the
 * app and service hello made by the generators (see startTopo; `topo.spec.ts` checks what
 * they made). The steps share one workspace and run in order.
 *
 * The corpus spec of split-service splits and merges the guide's workspace too, through
 * the Nx CLI on a fixture, and compares its answers before the split, after it and after
 * the merge in mono and micro; here the same happens in a new user's workspace, with the
 * released packages and `nx serve`.
 */
describe("the guide's walk-through: split h2 out of hello into yo, and merge it back", () => {
  let root: string;
  let app: { name: string; root: string; port: number };
  let step: 'none' | 'monolith' | 'split' | 'merged' = 'none';
  const servers = new Set<ServeHandle>();

  beforeAll(async () => {
    const workspace = await freshTestWorkspace('guide');
    root = workspace.root;
    const [topoJsonFile] = workspace.topoJsonFiles;
    const appRoot = path.dirname(topoJsonFile);
    const name = projectAt(workspace, appRoot);
    if (!name || !workspace.projectRoots.hello) throw new Error(`The prepared workspace has no app at ${appRoot}, or no service hello.`);
    const port = await findFreePort();
    fs.writeFileSync(topoJsonFile, `${JSON.stringify({ ...JSON.parse(fs.readFileSync(topoJsonFile, 'utf8')), port }, null, 2)}\n`);
    app = { name, root: appRoot, port };
    writeGuideMonolith(readServiceSource('hello', workspace.projectRoots.hello));
  });

  afterAll(async () => {
    for (const server of servers) await server.stop().catch(() => undefined);
    if (root) removeTestWorkspace(root);
  });

  it('starts as the monolith: service hello with h1 and h2, typechecking', async () => {
    // Served only once split: the answers the monolith's code gives are the ones expected.
    const tsc = await timed('tsc -b', () => runTsc(root, ['-b']));
    expect(tsc.code === 0 ? 'typechecks' : describeFailure(tsc)).toBe('typechecks');
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

  describe('after the split', () => {
    let checks: WorkspaceChecks;

    beforeAll(async () => {
      if (step === 'split') checks = await checkWorkspace();
    });

    it('leaves the workspace in sync (nx sync:check) and typechecking', () => {
      needs('split');
      expectInSyncAndTypechecked(checks);
    });

    it('shows yo in the graph: a project tagged topo:service that the app depends on', () => {
      needs('split');
      expect(checks.graph.nodes.yo?.data.tags).toContain('topo:service');
      expect(dependenciesOf(checks.graph, app.name)).toEqual(expect.arrayContaining(['hello', 'yo']));
    });

    it('answers as the monolith in mono, and in micro where yo runs in a process of its own', async () => {
      needs('split');
      await expectGuideAnswers('mono');
      await expectGuideAnswers('micro');
    });
  });

  it('nx g @topo/nx:merge-service --from=yo --into=hello takes it back: in sync, typechecking, no yo, the same answers in micro', async () => {
    needs('split');
    const merge = await timed('nx g @topo/nx:merge-service', () =>
      runNx(root, ['g', '@topo/nx:merge-service', '--from=yo', '--into=hello', '--no-interactive']),
    );
    expect(merge.code === 0 ? 'merged' : describeFailure(merge)).toBe('merged');
    step = 'merged';
    const checks = await checkWorkspace();
    expectInSyncAndTypechecked(checks);
    expect(Object.keys(checks.graph.nodes)).not.toContain('yo');
    expect(checks.graph.nodes.hello?.data.tags).toContain('topo:service');
    // Served in micro, the stricter of the two for one service: hello alone in its process,
    // behind a gateway whose routes come from the merged code's analysis.
    await expectGuideAnswers('micro');
  });

  function needs(wanted: 'monolith' | 'split'): void {
    const order = ['none', 'monolith', 'split', 'merged'];
    if (order.indexOf(step) < order.indexOf(wanted)) throw new Error(`Not run: the step that makes the ${wanted} failed above.`);
  }

  interface WorkspaceChecks {
    sync: CommandResult;
    tsc: CommandResult;
    graph: ProjectGraph;
  }

  /**
   * `nx sync:check`, `tsc -b` over the root tsconfig's references (what the workspace's one
   * typecheck target runs: topo.spec.ts checks that), and the project graph, side by side:
   * none of them changes what the others read.
   */
  async function checkWorkspace(): Promise<WorkspaceChecks> {
    const [sync, tsc, graph] = await Promise.all([
      timed('nx sync:check', () => runNx(root, ['sync:check'])),
      timed('tsc -b', () => runTsc(root, ['-b'])),
      timed('nx graph', () => readProjectGraph(root)),
    ]);
    return { sync, tsc, graph };
  }

  function expectInSyncAndTypechecked({ sync, tsc }: WorkspaceChecks): void {
    expect(sync.code === 0 ? 'in sync' : describeFailure(sync)).toBe('in sync');
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
