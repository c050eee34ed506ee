import { logger } from '@nx/devkit';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';
import { analyzeWorkspace } from '../../analysis';
import { findFreePorts } from '../../executors/serve/lib/ports';
import { SERVICE_TAG } from '../../plugins/plugin';
import { type CommandResult, copyFixtureWorkspace, linkNodeModules, removeWorkspace, runBin, runNx } from '../../testing/fixture-workspace';
import { runGenerators } from '../../testing/generate';
import { expectTreeRefused, workspaceTree } from '../../testing/refusal';
import { splitServiceGenerator } from './split-service';
import { type Answer, answersIn, type ServeRequest, type ServeTarget } from '../../testing/serve-replay';

/**
 * The proof corpus of split-service: small monolith workspaces of different shapes
 * (`__fixtures__/corpus`) and three real-shaped apps ported from Encore.ts's examples
 * (`__fixtures__/real`), each split for real, on disk, then merged back. Before the split,
 * after it and after the merge, each workspace must typecheck, pass its own tests and
 * answer the same requests, in order and with state, with the same status and body in
 * every topology its manifest lists (mono and micro at least). Before the split, the
 * splits its manifest lists as refusals must be refused, changing nothing.
 *
 * The workspaces of THROUGH_THE_CLI are split and merged by `nx g` and their project graph
 * read by `nx graph` after the merge too; the others run the same built generators on Nx's
 * own Tree over the disk, all in one Node process (runGenerators: an Nx boot less for
 * each), and are graphed by `nx graph` after the split.
 *
 * Each fixture folder holds a whole workspace and its `corpus.json` (see CorpusManifest).
 * The copies sit side by side in one temporary folder, and the tests go phase by phase
 * (before, split, after the split, merge, after the merge), so that one `tsc -b` typechecks
 * every workspace of a phase and one `jest` runs all their tests (each workspace a project
 * of it); what either reports is told apart by the workspace it names. Nx commands and
 * request replays run per workspace, a few workspaces at a time.
 * Set TOPO_KEEP_FIXTURES=1 to keep the temporary workspaces.
 */

const CORPORA = [join(__dirname, '__fixtures__', 'corpus'), join(__dirname, '__fixtures__', 'real')];
const MANIFEST = 'corpus.json';

/** The workspaces split and merged through the Nx CLI: the guide's and the three real-shaped apps. */
const THROUGH_THE_CLI = new Set(['guide', 'shortener', 'starter', 'uptime']);

/** Workspaces whose Nx commands, or whose serve sessions, run at the same time. */
const CONCURRENCY = 2;

jest.setTimeout(300_000);

/** A request of the replayed set: `json` is sent as JSON, `body` as written (malformed JSON, say). */
interface CorpusRequest {
  method: string;
  path: string;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  /** The status the monolith answers: the request set must exercise what it means to. */
  status: number;
}

interface CorpusManifest {
  /** What the fixture is an example of. */
  shape: string;
  /** The app: its Nx project name and folder. */
  app: { name: string; root: string };
  /** The options of `nx g @topo/nx:split-service`. */
  split: { from: string; endpoints: string[]; name: string };
  /** Topologies replayed before and after; the first is the reference. */
  topologies: string[];
  requests: CorpusRequest[];
  /** Splits of the same service that must be refused, changing nothing; the message holds every text of `mentions`. */
  refusals?: { endpoints: string[]; name: string; why: string; mentions: string[] }[];
  expect: {
    /** Every service after the split, with its endpoints' export names, as the analysis reads them. */
    services: Record<string, string[]>;
    exists?: string[];
    absent?: string[];
    contains?: Record<string, string[]>;
    notContains?: Record<string, string[]>;
    /** JSON files and their whole content after the split. */
    json?: Record<string, unknown>;
    /** Edges [source, target] the project graph must have after the split. */
    dependencies?: [string, string][];
    /** [source, target]: a path of edges from source to target, so that `nx affected` follows target's changes to source. */
    reaches?: [string, string][];
  };
}

interface ProjectGraphJson {
  graph: {
    nodes: Record<string, { name: string; type: string; data: { root: string; tags?: string[] } }>;
    dependencies: Record<string, { source: string; target: string; type: string }[]>;
  };
}

/** The states a workspace goes through; the checks of each run once for every workspace in it. */
type Phase = 'before the split' | 'after the split' | 'after the merge';

/** One fixture workspace of the corpus, its copy and what the steps found. */
interface Fixture {
  name: string;
  /** The fixture folder. */
  source: string;
  manifest: CorpusManifest;
  requests: ServeRequest[];
  /** The copy, set up before the first test. */
  root: string;
  /** The app to serve; each session gets a port of its own. */
  target: ServeTarget;
  /** The answers before the split, by topology: what every later replay must give. */
  before: Map<string, Answer[]>;
  servicesBefore: Record<string, string[]>;
  split?: CommandResult;
  /** The new service's folder after the split, as the analysis reads it. */
  newServiceRoot?: string;
  merge?: CommandResult;
}

const fixtures: Fixture[] = CORPORA.flatMap((corpus) =>
  readdirSync(corpus)
    .filter((name) => existsSync(join(corpus, name, MANIFEST)))
    .map((name) => join(corpus, name)),
)
  .sort((a, b) => a.localeCompare(b))
  .map((source) => {
    const manifest = JSON.parse(readFileSync(join(source, MANIFEST), 'utf8')) as CorpusManifest;
    return {
      name: source.split(sep).pop()!,
      source,
      manifest,
      requests: manifest.requests.map(toServeRequest),
      root: '',
      target: { workspaceRoot: '', appName: manifest.app.name, appRoot: manifest.app.root, port: 0 },
      before: new Map(),
      servicesBefore: {},
    };
  });

function fixture(name: string): Fixture {
  return fixtures.find((f) => f.name === name)!;
}

function toServeRequest(request: CorpusRequest): ServeRequest {
  return {
    method: request.method,
    path: request.path,
    body: request.json !== undefined ? JSON.stringify(request.json) : request.body,
    headers: request.headers,
  };
}

/** Answers labelled with their request, so that a difference names the request. */
function labelled(requests: readonly CorpusRequest[], answers: readonly Answer[]): { request: string; status: number; body: unknown }[] {
  return answers.map((answer, i) => ({ request: `${requests[i].method} ${requests[i].path}`, ...answer }));
}

/** What a command printed, without npm's warnings. */
function printed(result: CommandResult): string {
  return result.output
    .split('\n')
    .filter((line) => !line.startsWith('npm warn'))
    .join('\n');
}

/** How a command ended: `exit 0`, or the exit code with what it printed, so that a failure shows why. */
function exitOf(result: CommandResult): string {
  return result.status === 0 ? 'exit 0' : `exit ${result.status}\n${printed(result)}`;
}

function splitArgs(manifest: CorpusManifest): string[] {
  const { from, endpoints, name } = manifest.split;
  return ['g', '@topo/nx:split-service', `--from=${from}`, `--endpoints=${endpoints.join(',')}`, `--name=${name}`, '--no-interactive'];
}

function mergeArgs(manifest: CorpusManifest): string[] {
  return ['g', '@topo/nx:merge-service', `--from=${manifest.split.name}`, `--into=${manifest.split.from}`, '--no-interactive'];
}

/** Every service with its endpoints' export names, sorted, as the analysis reads them. */
function servicesIn(root: string): Record<string, string[]> {
  return Object.fromEntries(analyzeWorkspace(root).services.map((s) => [s.name, s.endpoints.map((e) => e.exportName).sort()]));
}

/** Runs `work` for each item, at most `limit` at a time; the results in the items' order. */
async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The folder all copies sit in: it links node_modules too, for the commands that span them. */
let corpusRoot = '';

/** The fixture whose copy holds `file` (absolute, or relative to the corpus folder), if any. */
function fixtureOfPath(file: string): Fixture | undefined {
  const [folder] = relative(corpusRoot, resolve(corpusRoot, file)).split(sep);
  return fixtures.find((f) => f.root === join(corpusRoot, folder));
}

/** The workspaces in a phase: after a split or a merge, those where it ran. */
function workspacesIn(phase: Phase): Fixture[] {
  if (phase === 'after the split') return fixtures.filter((f) => f.split?.status === 0);
  if (phase === 'after the merge') return fixtures.filter((f) => f.merge?.status === 0);
  return fixtures;
}

/** Memoises one run per phase: the first test of a phase starts it, the others wait for it. */
function perPhase<R>(run: (phase: Phase, workspaces: Fixture[]) => Promise<R>): (phase: Phase) => Promise<R> {
  const runs = new Map<Phase, Promise<R>>();
  return (phase) => {
    if (!runs.has(phase)) runs.set(phase, run(phase, workspacesIn(phase)));
    return runs.get(phase)!;
  };
}

/** Whether the workspace's tsconfig.json has project references, which a tsconfig that extends it would not carry. */
function hasReferences(f: Fixture): boolean {
  const { config } = ts.readConfigFile(join(f.root, 'tsconfig.json'), ts.sys.readFile);
  return Array.isArray(config?.references) && config.references.length > 0;
}

/**
 * `tsc -b --force` over every workspace of the phase: each typechecked with its own
 * tsconfig.json as `tsc --noEmit -p .` does, in one compiler process. The build info that
 * `tsc -b` keeps goes to `.nx/typecheck`, beside Nx's own cache, through a tsconfig there
 * that extends the workspace's and changes nothing else. A workspace whose tsconfig.json
 * has project references (not inherited through `extends`) runs `tsc --noEmit -p .` itself.
 */
const typecheckRun = perPhase(async (_phase, workspaces) => {
  const alone = workspaces.filter(hasReferences);
  const configs = workspaces
    .filter((f) => !alone.includes(f))
    .map((f) => {
      const dir = join(f.root, '.nx', 'typecheck');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { tsBuildInfoFile: './tsconfig.tsbuildinfo' } }, null, 2)}\n`);
      return relative(corpusRoot, join(dir, 'tsconfig.json'));
    });
  const [shared, ...own] = await Promise.all([
    configs.length ? runBin(corpusRoot, 'tsc', ['-b', '--force', '--pretty', 'false', ...configs]) : undefined,
    ...alone.map((f) => runBin(f.root, 'tsc', ['--noEmit', '-p', '.'])),
  ]);
  return { shared, alone: new Map(alone.map((f, i) => [f, own[i]!])) };
});

/**
 * What the typecheck said about one workspace: `typechecks`, or its diagnostics, with
 * whatever the shared `tsc -b` said that names no workspace (which fails them all).
 */
function typecheckOf(run: { shared?: CommandResult; alone: Map<Fixture, CommandResult> }, f: Fixture): string {
  const own = run.alone.get(f);
  if (own) return own.status === 0 ? 'typechecks' : `tsc --noEmit -p . exited with ${own.status}:\n${printed(own)}`;
  const result = run.shared!;
  const owned = new Map<Fixture | undefined, string[]>();
  let owner: Fixture | undefined;
  for (const line of result.output.split('\n')) {
    if (!line.trim()) continue;
    // A diagnostic starts with its file, relative to the corpus folder; its details follow, indented.
    if (!/^\s/.test(line)) owner = fixtureOfPath(line.replace(/\(\d+,\d+\):.*$/, ''));
    owned.set(owner, [...(owned.get(owner) ?? []), line]);
  }
  const mine = owned.get(f) ?? [];
  const unnamed = owned.get(undefined) ?? [];
  const anyNamed = [...owned.keys()].some((key) => key !== undefined);
  if (mine.length === 0 && (result.status === 0 || (unnamed.length === 0 && anyNamed))) return 'typechecks';
  return `tsc -b exited with ${result.status}:\n${[...mine, ...unnamed].join('\n') || printed(result)}`;
}

interface JestJsonResult {
  success: boolean;
  testResults: { name: string; status: string; message: string }[];
}

/**
 * One `jest --ci` over every workspace of the phase, each a project with its own
 * jest.config.js; the JSON report says which test file of which workspace passed.
 */
const testRun = perPhase(async (phase, workspaces) => {
  const slug = phase.replace(/ /g, '-');
  const config = join(corpusRoot, `jest.${slug}.config.js`);
  const report = join(corpusRoot, `jest.${slug}.json`);
  writeFileSync(config, `module.exports = ${JSON.stringify({ projects: workspaces.map((f) => f.root) }, null, 2)};\n`);
  const result = await runBin(corpusRoot, 'jest', ['--ci', `--config=${config}`, '--json', `--outputFile=${report}`]);
  const json = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as JestJsonResult) : undefined;
  return { result, json };
});

/**
 * What the shared `jest` said about one workspace: `passes` when at least one of its test
 * files ran and every one passed (and the run failed for no other reason), else why not.
 */
function testsOf(run: { result: CommandResult; json?: JestJsonResult }, f: Fixture): string {
  const files = (run.json?.testResults ?? []).filter((file) => fixtureOfPath(file.name) === f);
  const failed = files.filter((file) => file.status !== 'passed');
  if (files.length > 0 && failed.length === 0) {
    const othersFailed = (run.json?.testResults ?? []).some((file) => file.status !== 'passed');
    if (run.result.status === 0 || othersFailed) return 'passes';
  }
  const why = failed.length ? failed.map((file) => `${relative(f.root, file.name)}: ${file.message}`).join('\n') : files.length ? printed(run.result) : `no test file ran\n${printed(run.result)}`;
  return `jest exited with ${run.result.status}:\n${why}`;
}

/** Each workspace's answers in each topology its manifest lists, serving a few workspaces at a time. */
const replayRun = perPhase(async (_phase, workspaces) => {
  const answers = await inParallel(workspaces, CONCURRENCY, async (f) => {
    const byTopology = new Map<string, Answer[] | Error>();
    // One topology at a time: a workspace's sessions share its bundle folder.
    for (const topology of f.manifest.topologies) {
      // A port the OS hands out now rather than one found long before: other tests run meanwhile.
      const [port] = await findFreePorts(1, '127.0.0.1');
      byTopology.set(topology, await answersIn({ ...f.target, port }, topology, f.requests).catch((error: Error) => error));
    }
    return [f.name, byTopology] as const;
  });
  return new Map(answers);
});

async function answersOf(phase: Phase, f: Fixture, topology: string): Promise<Answer[]> {
  const answers = (await replayRun(phase)).get(f.name)?.get(topology);
  if (!answers) throw new Error(`${f.name} was not served ${phase} in ${topology}`);
  if (answers instanceof Error) throw answers;
  return answers;
}

/** `nx graph --file` in each workspace of the phase (after the merge, those of THROUGH_THE_CLI), a few at a time. */
const graphRun = perPhase(async (phase, workspaces) => {
  const graphed = phase === 'after the merge' ? workspaces.filter((f) => THROUGH_THE_CLI.has(f.name)) : workspaces;
  const graphs = await inParallel(graphed, CONCURRENCY, async (f) => {
    const file = join(f.root, '.nx', `corpus-graph-${phase.replace(/ /g, '-')}.json`);
    const result = await runNx(f.root, ['graph', `--file=${file}`]);
    return [f.name, { result, graph: result.status === 0 ? (JSON.parse(readFileSync(file, 'utf8')) as ProjectGraphJson).graph : undefined }] as const;
  });
  return new Map(graphs);
});

async function graphOf(phase: Phase, f: Fixture): Promise<ProjectGraphJson['graph']> {
  const run = (await graphRun(phase)).get(f.name);
  if (!run) throw new Error(`nx graph did not run in ${f.name} ${phase}`);
  expect(exitOf(run.result)).toBe('exit 0');
  return run.graph!;
}

/** Memoises a run that happens once: the first test that needs it starts it. */
function once<R>(run: () => Promise<R>): () => Promise<R> {
  let started: Promise<R> | undefined;
  return () => (started ??= run());
}

/** How a workspace's split or merge runs (`args`, as for `nx`): the command a user types, or the generator in one Node process. */
function how(f: Fixture, args: string[]): string {
  return THROUGH_THE_CLI.has(f.name) ? `nx ${args.join(' ')}` : `the generator: ${args.slice(2, -1).join(' ')}`;
}

/** The split of every workspace, a few at a time through the CLI, the others in this process one by one. */
const splitRun = once(async () => {
  await Promise.all([
    inParallel(
      fixtures.filter((f) => THROUGH_THE_CLI.has(f.name)),
      CONCURRENCY,
      async (f) => void (f.split = await runNx(f.root, splitArgs(f.manifest))),
    ),
    (async () => {
      const inProcess = fixtures.filter((f) => !THROUGH_THE_CLI.has(f.name));
      const results = await runGenerators(
        inProcess.map((f) => {
          const { from, endpoints, name } = f.manifest.split;
          return { root: f.root, generator: 'split-service', options: { from, endpoints: endpoints.join(','), name } };
        }),
      );
      inProcess.forEach((f, i) => (f.split = results[i]));
    })(),
  ]);
});

/** The merge back of every workspace where the split ran, as the split ran. */
const mergeRun = once(async () => {
  const split = workspacesIn('after the split');
  await Promise.all([
    inParallel(
      split.filter((f) => THROUGH_THE_CLI.has(f.name)),
      CONCURRENCY,
      async (f) => void (f.merge = await runNx(f.root, mergeArgs(f.manifest))),
    ),
    (async () => {
      const inProcess = split.filter((f) => !THROUGH_THE_CLI.has(f.name));
      const results = await runGenerators(
        inProcess.map((f) => ({ root: f.root, generator: 'merge-service', options: { from: f.manifest.split.name, into: f.manifest.split.from } })),
      );
      inProcess.forEach((f, i) => (f.merge = results[i]));
    })(),
  ]);
});

/** The later steps check the workspace the split left; without one they say so instead of failing obscurely. */
function splitWorkspace(f: Fixture): string {
  if (f.split?.status !== 0) throw new Error(`the split did not run: ${f.split ? f.split.output : 'no split yet'}`);
  return f.root;
}

/** The steps after merge-service check the workspace it left. */
function mergedWorkspace(f: Fixture): string {
  if (f.merge?.status !== 0) throw new Error(`the merge did not run: ${f.merge ? f.merge.output : 'no merge yet'}`);
  return f.root;
}

/** Replays the request set in each topology: every answer as before the split. */
async function expectSameAnswersAsBefore(phase: Phase, f: Fixture): Promise<void> {
  for (const topology of f.manifest.topologies) {
    const after = await answersOf(phase, f, topology);
    expect({ topology, answers: labelled(f.manifest.requests, after) }).toEqual({
      topology,
      answers: labelled(f.manifest.requests, f.before.get(topology) ?? []),
    });
  }
}

const names = fixtures.map((f) => f.name);
const topologiesOf = (name: string) => fixture(name).manifest.topologies.join(' and ');

beforeAll(async () => {
  corpusRoot = realpathSync(mkdtempSync(join(tmpdir(), 'topo-corpus-')));
  linkNodeModules(corpusRoot);
  for (const f of fixtures) {
    f.root = copyFixtureWorkspace(f.source, { prefix: `${f.name}-`, exclude: [MANIFEST], parent: corpusRoot });
    f.target = { ...f.target, workspaceRoot: f.root };
  }
  // The serve sessions print their process tables through the Nx logger.
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
});

afterAll(() => {
  jest.restoreAllMocks();
  removeWorkspace(corpusRoot);
});

it('the corpus has at least six small fixture workspaces and the three real-shaped ones', () => {
  expect(fixtures.filter((f) => f.source.startsWith(CORPORA[0])).length).toBeGreaterThanOrEqual(6);
  expect(fixtures.filter((f) => f.source.startsWith(CORPORA[1])).map((f) => f.name)).toEqual(['shortener', 'starter', 'uptime']);
});

describe('refused before the split, changing nothing', () => {
  const refusals = fixtures.flatMap((f) =>
    (f.manifest.refusals ?? []).map((refusal) => [f.name, `--from=${f.manifest.split.from} --endpoints=${refusal.endpoints.join(',')}`, refusal.why, refusal] as const),
  );

  it.each(refusals)('%s: %s (%s)', async (name, _options, _why, refusal) => {
    const f = fixture(name);
    const tree = workspaceTree(f.root);
    const options = { from: f.manifest.split.from, endpoints: refusal.endpoints.join(','), name: refusal.name };
    await expectTreeRefused(tree, () => splitServiceGenerator(tree, options), ['Cannot split safely; nothing was changed.', ...refusal.mentions]);
  });
});

describe('before the split', () => {
  const phase = 'before the split';

  it.each(names)('%s typechecks (tsc) and passes its own tests (jest)', async (name) => {
    const f = fixture(name);
    f.servicesBefore = servicesIn(f.root);
    expect(typecheckOf(await typecheckRun(phase), f)).toBe('typechecks');
    expect(testsOf(await testRun(phase), f)).toBe('passes');
  });

  it.each(names.map((name) => [name, topologiesOf(name)]))('%s answers the request set, the same in %s', async (name) => {
    const f = fixture(name);
    for (const topology of f.manifest.topologies) f.before.set(topology, await answersOf(phase, f, topology));
    const reference = f.before.get(f.manifest.topologies[0])!;
    expect(labelled(f.manifest.requests, reference).map(({ request, status }) => ({ request, status }))).toEqual(
      f.manifest.requests.map((r) => ({ request: `${r.method} ${r.path}`, status: r.status })),
    );
    for (const topology of f.manifest.topologies.slice(1)) {
      expect({ topology, answers: labelled(f.manifest.requests, f.before.get(topology)!) }).toEqual({
        topology,
        answers: labelled(f.manifest.requests, reference),
      });
    }
  });
});

describe('split', () => {
  it.each(names.map((name) => [name, how(fixture(name), splitArgs(fixture(name).manifest))]))('%s: %s', async (name) => {
    await splitRun();
    expect(exitOf(fixture(name).split!)).toBe('exit 0');
  });
});

describe('after the split', () => {
  const phase = 'after the split';

  it.each(names)('%s typechecks (tsc)', async (name) => {
    const f = fixture(name);
    splitWorkspace(f);
    expect(typecheckOf(await typecheckRun(phase), f)).toBe('typechecks');
  });

  it.each(names)("%s passes the workspace's tests (jest)", async (name) => {
    const f = fixture(name);
    splitWorkspace(f);
    expect(testsOf(await testRun(phase), f)).toBe('passes');
  });

  it.each(names.map((name) => [name, topologiesOf(name)]))('%s answers every request exactly as before, in %s', async (name) => {
    const f = fixture(name);
    splitWorkspace(f);
    await expectSameAnswersAsBefore(phase, f);
  });

  it.each(names)('%s has the services and endpoints the manifest lists, and the files it expects', (name) => {
    const f = fixture(name);
    const { manifest } = f;
    const workspace = splitWorkspace(f);
    const analysis = analyzeWorkspace(workspace);
    expect(analysis.errors).toEqual([]);
    const services = Object.fromEntries(analysis.services.map((s) => [s.name, s.endpoints.map((e) => e.exportName).sort()]));
    f.newServiceRoot = analysis.services.find((s) => s.name === manifest.split.name)?.root;
    const expected = Object.fromEntries(Object.entries(manifest.expect.services).map(([service, endpoints]) => [service, [...endpoints].sort()]));
    expect(services).toEqual(expected);

    const read = (file: string) =>
      existsSync(join(workspace, file)) ? readFileSync(join(workspace, file), 'utf8') : `<${file} does not exist>`;
    const { exists = [], absent = [], contains = {}, notContains = {}, json = {} } = manifest.expect;
    expect(exists.filter((file) => !existsSync(join(workspace, file)))).toEqual([]);
    expect(absent.filter((file) => existsSync(join(workspace, file)))).toEqual([]);
    for (const [file, texts] of Object.entries(contains)) {
      expect({ file, missing: texts.filter((text) => !read(file).includes(text)) }).toEqual({ file, missing: [] });
    }
    for (const [file, texts] of Object.entries(notContains)) {
      expect({ file, present: texts.filter((text) => read(file).includes(text)) }).toEqual({ file, present: [] });
    }
    for (const [file, content] of Object.entries(json)) expect({ file, content: JSON.parse(read(file)) }).toEqual({ file, content });
  });

  it.each(names.map((name) => [name, fixture(name).manifest.split.name]))(
    `%s shows "%s" in the project graph (nx graph --file), tagged ${SERVICE_TAG}, with its edges`,
    async (name) => {
      const f = fixture(name);
      const { manifest } = f;
      splitWorkspace(f);
      const graph = await graphOf(phase, f);
      for (const service of Object.keys(manifest.expect.services)) {
        expect({ service, tags: graph.nodes[service]?.data.tags }).toEqual({ service, tags: expect.arrayContaining([SERVICE_TAG]) });
      }
      const edges = Object.values(graph.dependencies)
        .flat()
        .map((d) => [d.source, d.target]);
      expect(edges).toEqual(expect.arrayContaining(manifest.expect.dependencies ?? []));
      expect(edges).toContainEqual([manifest.app.name, manifest.split.name]);
      const reaches = (from: string, to: string) => {
        const seen = new Set([from]);
        for (const queue = [from]; queue.length; ) {
          for (const d of graph.dependencies[queue.pop()!] ?? []) {
            if (!seen.has(d.target)) {
              seen.add(d.target);
              queue.push(d.target);
            }
          }
        }
        return seen.has(to);
      };
      for (const [from, to] of manifest.expect.reaches ?? []) {
        expect({ from, to, edges, reaches: reaches(from, to) }).toEqual({ from, to, edges, reaches: true });
      }
    },
  );
});

describe('merged back', () => {
  it.each(names.map((name) => [name, how(fixture(name), mergeArgs(fixture(name).manifest))]))('%s: %s', async (name) => {
    const f = fixture(name);
    splitWorkspace(f);
    await mergeRun();
    expect(exitOf(f.merge!)).toBe('exit 0');
  });
});

describe('after the merge', () => {
  const phase = 'after the merge';

  it.each(names)('%s has the services and endpoints of before the split', (name) => {
    const f = fixture(name);
    const workspace = mergedWorkspace(f);
    expect(analyzeWorkspace(workspace).errors).toEqual([]);
    expect(servicesIn(workspace)).toEqual(f.servicesBefore);
    // The new service's folder is gone, project files and all: Nx has no project there.
    const folder = f.newServiceRoot;
    expect({ folder, left: folder !== undefined && existsSync(join(workspace, folder)) }).toEqual({ folder: expect.any(String), left: false });
  });

  it.each(names)('%s typechecks (tsc) and passes its tests (jest)', async (name) => {
    const f = fixture(name);
    mergedWorkspace(f);
    expect(typecheckOf(await typecheckRun(phase), f)).toBe('typechecks');
    expect(testsOf(await testRun(phase), f)).toBe('passes');
  });

  it.each(names.map((name) => [name, topologiesOf(name)]))('%s answers every request exactly as before the split, in %s', async (name) => {
    const f = fixture(name);
    mergedWorkspace(f);
    await expectSameAnswersAsBefore(phase, f);
  });

  const graphed = names.filter((name) => THROUGH_THE_CLI.has(name));
  it.each(graphed.map((name) => [name, fixture(name).manifest.split.name]))('%s no longer shows "%s" in the project graph', async (name) => {
    const f = fixture(name);
    mergedWorkspace(f);
    const graph = await graphOf(phase, f);
    expect(Object.keys(graph.nodes)).not.toContain(f.manifest.split.name);
    expect(Object.keys(graph.nodes)).toContain(f.manifest.split.from);
  });
});
