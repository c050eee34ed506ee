import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildNodeBaseImage, type PodmanSandbox, podmanSandbox } from '../../../packages/nx/src/testing/podman';
import { pathWithout } from '../../../packages/nx/src/testing/hidden-command';
import {
  childEnv,
  describeFailure,
  findFreePort,
  freshTestWorkspace,
  getJson,
  type GuideLine,
  guideArgs,
  readGettingStarted,
  removeTestWorkspace,
  runNx,
  runNxOrThrow,
  runTsc,
  type ServeHandle,
  startServe,
  timed,
  waitForHttp,
  whenPrepared,
} from './setup';

/**
 * docs/getting-started.md, followed line by line in a new user's workspace: the global
 * setup ran its install lines (the release tarballs, `nx add @topo/nx`) and the first line of
 * its Services block in the workspace every spec copies; this spec runs every other line of
 * that block, in order, and adds the guide's TypeScript files. What each line's comment
 * promises is checked: a `curl` answers the JSON the guide prints, the micro serve answers it
 * through the gateway, the build writes its files with no container engine on the PATH, and
 * the images `nx run-many -t container` builds run and answer.
 *
 * Two things differ from a user's machine, and only these: the app's port in topo.json is
 * one the OS reports free (4000 may be taken where the suite runs; the guide's URLs are read
 * with that port), and podman runs with a storage of its own holding a base image built here
 * under the default base image's name, since no image can be pulled.
 */
describe('docs/getting-started.md, line by line', () => {
  const guide = readGettingStarted();
  const DEFAULT_BASE_IMAGE = 'docker.io/library/node:20-slim';
  let root: string;
  let port: number;
  let server: ServeHandle | undefined;
  let sandbox: PodmanSandbox | undefined;

  beforeAll(async () => {
    root = (await freshTestWorkspace('guide-walk')).root;
    const topoJson = path.join(root, 'packages', 'api', 'topo.json');
    port = await findFreePort();
    fs.writeFileSync(topoJson, `${JSON.stringify({ ...JSON.parse(fs.readFileSync(topoJson, 'utf8')), port }, null, 2)}\n`);
  });

  afterAll(async () => {
    await server?.stop().catch(() => undefined);
    sandbox?.dispose();
    if (root) removeTestWorkspace(root);
  });

  it('the prepared workspace was made by the install block and the first line of the Services block', async () => {
    const template = await whenPrepared('template');
    expect(template.guideLines).toEqual([...guide.fromTarballs, guide.services[0]].map((line) => line.command));
  });

  // Each line a test, in the guide's order; a serve stays up for the curl lines after it.
  const lines = guide.services.slice(1);
  it.each(lines.map((line, i) => [line.command, i] as const))('%s', async (_command, i) => {
    const line = lines[i];
    if (line.command.startsWith('curl ')) return curl(line);
    const [, , verb, ...rest] = guideArgs(line, '');
    await stopServer();
    if (!line.command.startsWith('npx nx ')) throw new Error(`The guide's Services block runs npx nx and curl lines; this suite does not know how to run "${line.command}".`);
    if (verb === 'serve') return serve(rest[0], rest.slice(1), line);
    if (verb === 'test') return nxTest(rest[0]);
    if (verb === 'build') return buildWithoutEngine(rest);
    if (verb === 'run-many' && rest.join(' ') === '-t container') return containers();
    await timed(line.command, () => runNxOrThrow(root, guideArgs(line, '').slice(2)));
  });

  it("the guide's TypeScript files compile beside the generated code, and yo's greet calls hello", async () => {
    await stopServer();
    const written = guide.files.filter((file) => !fs.existsSync(path.join(root, file.path)));
    // The generated files the guide shows are there already (service.spec.ts checks they match); the others are the user's to add.
    expect(written.map((file) => file.path)).toEqual(['packages/api/services/yo/greet.ts']);
    for (const file of written) fs.writeFileSync(path.join(root, file.path), file.text);
    const tsc = await timed('tsc -b', () => runTsc(root, ['-b']));
    expect(tsc.code === 0 ? 'typechecks' : describeFailure(tsc)).toBe('typechecks');

    server = await timed('nx serve api (greet)', () => startServe(root, 'api', [], { readyUrl: `http://127.0.0.1:${port}/__topo/health` }));
    const greet = await getJson(`http://127.0.0.1:${port}/yo/greet/Ada`);
    expect({ status: greet.status, body: greet.json }).toEqual({ status: 200, body: { message: 'HELLO, ADA, FROM HELLO!' } });
  });

  /** The curl lines run so far, replayed through the micro gateway. */
  const curls: GuideLine[] = [];

  async function curl(line: GuideLine): Promise<void> {
    if (!server) throw new Error(`"${line.command}" needs the app served by a line above it.`);
    curls.push(line);
    await expectCurl(line);
  }

  async function expectCurl(line: GuideLine): Promise<void> {
    const url = line.command.split(/\s+/)[1].replace('127.0.0.1:4000', `127.0.0.1:${port}`);
    const answer = await getJson(url);
    expect({ url, status: answer.status, body: answer.json }).toEqual({ url, status: 200, body: JSON.parse(line.comment ?? 'null') });
  }

  async function serve(app: string, args: string[], line: GuideLine): Promise<void> {
    server = await timed(line.command, () => startServe(root, app, args, { readyUrl: `http://127.0.0.1:${port}/__topo/health` }));
    // The guide says micro serves the same on the same port, behind a gateway.
    if (args.includes('--topology=micro')) {
      expect(server.output()).toMatch(/gateway/);
      for (const earlier of curls) await expectCurl(earlier);
    }
  }

  async function stopServer(): Promise<void> {
    if (!server) return;
    const stopping = server;
    server = undefined;
    await stopping.stop();
  }

  async function nxTest(project: string): Promise<void> {
    const result = await timed(`nx test ${project}`, () => runNx(root, ['test', project, '--output-style=static']));
    expect(result.code === 0 ? 'passes' : describeFailure(result)).toBe('passes');
    // eslint-disable-next-line no-control-regex -- jest colours its summary even through a pipe
    expect((result.stdout + result.stderr).replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/Tests:\s+\d+ passed/);
  }

  /** `nx build` needs no container engine: run here with podman (and docker) off the PATH. */
  async function buildWithoutEngine(args: string[]): Promise<void> {
    const hidden = [pathWithout('podman')];
    hidden.push(pathWithout('docker', hidden[0].path));
    try {
      const result = await timed(`nx build ${args.join(' ')} (no engine on the PATH)`, () =>
        runNx(root, ['build', ...args, '--output-style=static'], { env: childEnv({ PATH: hidden[1].path }) }),
      );
      expect(result.code === 0 ? 'built' : describeFailure(result)).toBe('built');
      const dist = path.join(root, 'dist', args[0], 'micro');
      const record = JSON.parse(fs.readFileSync(path.join(dist, 'build.json'), 'utf8')) as { processes: { name: string; context: string }[] };
      expect(record.processes.map((p) => p.name).sort()).toEqual(['gateway', 'hello', 'yo']);
      for (const p of record.processes) {
        expect({ process: p.name, files: ['Dockerfile', 'main.js'].filter((f) => fs.existsSync(path.join(root, p.context, f))) }).toEqual({ process: p.name, files: ['Dockerfile', 'main.js'] });
      }
      expect(fs.existsSync(path.join(dist, 'docker-compose.yml'))).toBe(true);
      expect(fs.readdirSync(path.join(dist, 'k8s'))).toEqual(expect.arrayContaining(['kustomization.yaml']));
    } finally {
      hidden.forEach((h) => h.dispose());
    }
  }

  /** `nx run-many -t container` with podman, then the mono image run and asked the guide's curl. */
  async function containers(): Promise<void> {
    sandbox = podmanSandbox();
    await timed('a local base image', async () => buildNodeBaseImage(sandbox!, DEFAULT_BASE_IMAGE));
    const result = await timed('nx run-many -t container', () => runNx(root, ['run-many', '-t', 'container', '--output-style=static']));
    expect(result.code === 0 ? 'built' : describeFailure(result)).toBe('built');
    const images = ['mono', 'services/hello', 'services/yo'].map((dir) => {
      const file = path.join(root, 'dist', 'api', dir, 'image.json');
      expect({ dir, built: fs.existsSync(file) }).toEqual({ dir, built: true });
      return JSON.parse(fs.readFileSync(file, 'utf8')) as { image: string };
    });
    expect(images.map((i) => i.image).filter((image) => image.endsWith(':latest'))).toEqual([]);

    const imagePort = await findFreePort();
    const name = `topo-e2e-guide-${Date.now()}`;
    sandbox.podman(['run', '--detach', '--name', name, '--network', 'host', '--env', `PORT=${imagePort}`, '--env', 'HOST=127.0.0.1', images[0].image]);
    await waitForHttp(`http://127.0.0.1:${imagePort}/__topo/health`, { timeoutMs: 30_000 }).catch((error: Error) => {
      throw new Error(`${error.message}\n${sandbox!.podman(['logs', name])}`);
    });
    for (const line of curls) {
      const answer = await getJson(line.command.split(/\s+/)[1].replace('127.0.0.1:4000', `127.0.0.1:${imagePort}`));
      expect({ status: answer.status, body: answer.json }).toEqual({ status: 200, body: JSON.parse(line.comment ?? 'null') });
    }
  }
});
