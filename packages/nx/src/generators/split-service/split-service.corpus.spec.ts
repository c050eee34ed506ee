import { logger } from '@nx/devkit';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWorkspace } from '../../analysis';
import { findFreePorts } from '../../executors/serve/lib/ports';
import { SERVICE_TAG } from '../../plugins/plugin';
import { type CommandResult, copyFixtureWorkspace, removeWorkspace, runInWorkspace, runNx } from '../../testing/fixture-workspace';
import { type Answer, answersIn, type ServeRequest, type ServeTarget } from '../../testing/serve-replay';

/**
 * The proof corpus of split-service: small monolith workspaces of different shapes, each
 * split for real, through the Nx CLI, on disk. Before and after the split each workspace
 * must typecheck, pass its own tests and answer the same requests with the same status and
 * body in every topology its manifest lists (mono and micro at least).
 *
 * Each fixture folder holds a whole workspace and its `corpus.json` (see CorpusManifest).
 * Set TOPO_KEEP_FIXTURES=1 to keep the temporary workspaces.
 */

const CORPUS = join(__dirname, '__fixtures__', 'corpus');
const MANIFEST = 'corpus.json';

jest.setTimeout(180_000);

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

const fixtures = readdirSync(CORPUS)
  .filter((name) => existsSync(join(CORPUS, name, MANIFEST)))
  .sort();

function readManifest(fixture: string): CorpusManifest {
  return JSON.parse(readFileSync(join(CORPUS, fixture, MANIFEST), 'utf8'));
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

/** How a command ended: `exit 0`, or the exit code with what it printed, so that a failure shows why. */
function exitOf(result: CommandResult): string {
  if (result.status === 0) return 'exit 0';
  const output = result.output
    .split('\n')
    .filter((line) => !line.startsWith('npm warn'))
    .join('\n');
  return `exit ${result.status}\n${output}`;
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

const typecheck = (root: string) => runInWorkspace(root, 'npx', ['tsc', '--noEmit', '-p', '.']);
const runTests = (root: string) => runInWorkspace(root, 'npx', ['jest', '--ci']);

it('the corpus has at least six fixture workspaces', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(6);
});

describe.each(fixtures)('corpus fixture %s', (fixture) => {
  const manifest = readManifest(fixture);
  const requests = manifest.requests.map(toServeRequest);
  const before = new Map<string, Answer[]>();
  let root: string;
  let target: ServeTarget;
  let split: CommandResult | undefined;
  let merge: CommandResult | undefined;
  let servicesBefore: Record<string, string[]> = {};

  /** Replays the request set in each topology: every answer as before the split. */
  async function expectSameAnswersAsBefore(): Promise<void> {
    for (const topology of manifest.topologies) {
      const after = await answersIn(target, topology, requests);
      expect({ topology, answers: labelled(manifest.requests, after) }).toEqual({
        topology,
        answers: labelled(manifest.requests, before.get(topology) ?? []),
      });
    }
  }

  /** The steps after merge-service check the workspace it left. */
  function mergedWorkspace(): string {
    if (merge?.status !== 0) throw new Error(`the merge did not run: ${merge ? merge.output : 'no merge yet'}`);
    return root;
  }

  /** The later steps check the workspace the split left; without one they say so instead of failing obscurely. */
  function splitWorkspace(): string {
    if (split?.status !== 0) throw new Error(`the split did not run: ${split ? split.output : 'no split yet'}`);
    return root;
  }

  beforeAll(async () => {
    root = copyFixtureWorkspace(join(CORPUS, fixture), { prefix: `topo-corpus-${fixture}-`, exclude: [MANIFEST] });
    const [port] = await findFreePorts(1, '127.0.0.1');
    target = { workspaceRoot: root, appName: manifest.app.name, appRoot: manifest.app.root, port };
    // The serve sessions print their process tables through the Nx logger.
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterAll(() => {
    jest.restoreAllMocks();
    removeWorkspace(root);
  });

  it('typechecks and passes its own tests before the split', async () => {
    servicesBefore = servicesIn(root);
    expect(exitOf(await typecheck(root))).toBe('exit 0');
    expect(exitOf(await runTests(root))).toBe('exit 0');
  });

  it(`answers the request set before the split, the same in ${manifest.topologies.join(' and ')}`, async () => {
    for (const topology of manifest.topologies) before.set(topology, await answersIn(target, topology, requests));
    const reference = before.get(manifest.topologies[0])!;
    expect(labelled(manifest.requests, reference).map(({ request, status }) => ({ request, status }))).toEqual(
      manifest.requests.map((r) => ({ request: `${r.method} ${r.path}`, status: r.status })),
    );
    for (const topology of manifest.topologies.slice(1)) {
      expect({ topology, answers: labelled(manifest.requests, before.get(topology)!) }).toEqual({
        topology,
        answers: labelled(manifest.requests, reference),
      });
    }
  });

  it(`splits through the Nx CLI: nx ${splitArgs(manifest).join(' ')}`, async () => {
    split = await runNx(root, splitArgs(manifest));
    expect(exitOf(split)).toBe('exit 0');
  });

  it('typechecks after the split (tsc --noEmit -p .)', async () => {
    expect(exitOf(await typecheck(splitWorkspace()))).toBe('exit 0');
  });

  it("passes the workspace's tests after the split (jest)", async () => {
    expect(exitOf(await runTests(splitWorkspace()))).toBe('exit 0');
  });

  it(`answers every request after the split exactly as before, in ${manifest.topologies.join(' and ')}`, async () => {
    splitWorkspace();
    await expectSameAnswersAsBefore();
  });

  it('leaves the services and endpoints the manifest lists, and the files it expects', () => {
    const workspace = splitWorkspace();
    const analysis = analyzeWorkspace(workspace);
    expect(analysis.errors).toEqual([]);
    const services = Object.fromEntries(analysis.services.map((s) => [s.name, s.endpoints.map((e) => e.exportName).sort()]));
    const expected = Object.fromEntries(Object.entries(manifest.expect.services).map(([name, endpoints]) => [name, [...endpoints].sort()]));
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

  it(`shows "${manifest.split.name}" in the project graph (nx graph --file), tagged ${SERVICE_TAG}, with its edges`, async () => {
    const workspace = splitWorkspace();
    const file = join(workspace, '.nx', 'corpus-graph.json');
    const result = await runNx(workspace, ['graph', `--file=${file}`]);
    expect(exitOf(result)).toBe('exit 0');
    const { graph } = JSON.parse(readFileSync(file, 'utf8')) as ProjectGraphJson;
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
        for (const d of graph.dependencies[queue.pop()!] ?? []) if (!seen.has(d.target)) seen.add(d.target), queue.push(d.target);
      }
      return seen.has(to);
    };
    for (const [from, to] of manifest.expect.reaches ?? []) {
      expect({ from, to, edges, reaches: reaches(from, to) }).toEqual({ from, to, edges, reaches: true });
    }
  });

  describe(`then merged back: nx g @topo/nx:merge-service --from=${manifest.split.name} --into=${manifest.split.from}`, () => {
    it('merges through the Nx CLI', async () => {
      splitWorkspace();
      merge = await runNx(root, mergeArgs(manifest));
      expect(exitOf(merge)).toBe('exit 0');
    });

    it('gives back the services and endpoints of before the split', () => {
      const workspace = mergedWorkspace();
      expect(analyzeWorkspace(workspace).errors).toEqual([]);
      expect(servicesIn(workspace)).toEqual(servicesBefore);
      expect(existsSync(join(workspace, manifest.expect.exists?.find((file) => file.endsWith('/service.ts')) ?? 'none'))).toBe(false);
    });

    it('typechecks and passes its tests after the merge', async () => {
      const workspace = mergedWorkspace();
      expect(exitOf(await typecheck(workspace))).toBe('exit 0');
      expect(exitOf(await runTests(workspace))).toBe('exit 0');
    });

    it(`answers every request after the merge exactly as before the split, in ${manifest.topologies.join(' and ')}`, async () => {
      mergedWorkspace();
      await expectSameAnswersAsBefore();
    });

    it(`no longer shows "${manifest.split.name}" in the project graph`, async () => {
      const workspace = mergedWorkspace();
      const file = join(workspace, '.nx', 'corpus-graph-merged.json');
      const result = await runNx(workspace, ['graph', `--file=${file}`]);
      expect(exitOf(result)).toBe('exit 0');
      const { graph } = JSON.parse(readFileSync(file, 'utf8')) as ProjectGraphJson;
      expect(Object.keys(graph.nodes)).not.toContain(manifest.split.name);
      expect(Object.keys(graph.nodes)).toContain(manifest.split.from);
    });
  });
});
