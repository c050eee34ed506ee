import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  freshTestWorkspace,
  e2eContext,
  httpRequest,
  isListening,
  npmInstall,
  readWorkspaceJson,
  removeTestWorkspace,
  resolveFromWorkspace,
  runNx,
  startLocalRegistry,
  startServe,
  findFreePort,
  getJson,
  listProcesses,
} from './setup';
import { addFakeServerProject } from './support/fake-server';

/**
 * The harness itself, before any Topo feature: the registry serves what the global setup
 * published, and a fresh workspace installs it from there.
 */
describe('e2e harness', () => {
  const { registryUrl, published } = e2eContext();
  let root: string;

  beforeAll(async () => {
    root = await freshTestWorkspace('harness');
  });

  afterAll(() => {
    if (root) removeTestWorkspace(root);
  });

  it('publishes every Topo package to the local registry under this run’s version', async () => {
    for (const [name, version] of Object.entries(published.packages)) {
      const response = await httpRequest<{ 'dist-tags': Record<string, string>; versions: Record<string, unknown> }>(
        `${registryUrl}${name.replace('/', '%2f')}`,
      );
      expect(response.status).toBe(200);
      expect(response.json?.['dist-tags'].latest).toBe(version);
      expect(Object.keys(response.json?.versions ?? {})).toEqual([version]);
    }
  });

  it('creates a workspace that uses the local registry', () => {
    expect(readWorkspaceJson(root, 'package.json')).toMatchObject({ devDependencies: { nx: '23.2.1' } });
    expect(fs.readFileSync(path.join(root, '.npmrc'), 'utf8')).toContain(`registry=${registryUrl}`);
  });

  it('installs the published packages into the workspace', async () => {
    const specs = Object.entries(published.packages).map(([name, version]) => `${name}@${version}`);
    await npmInstall(root, ['-D', ...specs], registryUrl);

    const manifest = readWorkspaceJson<{ devDependencies: Record<string, string> }>(root, 'package.json');
    for (const [name, version] of Object.entries(published.packages)) {
      // npm saves a range (`^0.1.0-e2e.…`); the installed copy must be this run's build.
      expect(manifest.devDependencies[name]).toContain(version);
      const installed = readWorkspaceJson<{ version: string }>(root, `node_modules/${name}/package.json`);
      expect(installed.version).toBe(version);
    }
    expect(resolveFromWorkspace(root, '@topo/runtime')).toBe(
      fs.realpathSync(path.join(root, 'node_modules/@topo/runtime/dist/index.js')),
    );
    expect(resolveFromWorkspace(root, '@topo/nx')).toBe(
      fs.realpathSync(path.join(root, 'node_modules/@topo/nx/dist/index.js')),
    );
  });

  it('stops a local registry completely', async () => {
    const registry = await startLocalRegistry();
    const port = Number(new URL(registry.url).port);
    expect(await isListening(port)).toBe(true);
    expect(await answersPing(registry.url)).toBe(true);
    await registry.stop();
    // Other tests run in parallel and may be handed the freed port, so what must be gone is
    // the registry itself: nothing answers its ping any more.
    expect(await answersPing(registry.url)).toBe(false);
  });

  it('runs nx in the workspace without the daemon', async () => {
    const result = await runNx(root, ['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('23.2.1');
  });

  it('stops a server and every process it started with Ctrl-C, and says when one is left behind', async () => {
    const port = await findFreePort();
    addFakeServerProject(root, 'well-behaved', port, false);
    const server = await startServe(root, 'well-behaved', [], { readyUrl: `http://127.0.0.1:${port}/` });
    const pids = (await getJson<{ server: number; child: number }>(`http://127.0.0.1:${port}/`)).json!;
    const running = new Set(listProcesses().map((p) => p.pid));
    expect(running.has(pids.server) && running.has(pids.child)).toBe(true);

    await server.stop();
    const after = new Set(listProcesses().map((p) => p.pid));
    expect([after.has(server.pid), after.has(pids.server), after.has(pids.child)]).toEqual([false, false, false]);
    expect(await isListening(port)).toBe(false);

    const stubbornPort = await findFreePort();
    addFakeServerProject(root, 'leaves-a-child', stubbornPort, true);
    const stubborn = await startServe(root, 'leaves-a-child', [], { readyUrl: `http://127.0.0.1:${stubbornPort}/` });
    const stubbornPids = (await getJson<{ server: number; child: number }>(`http://127.0.0.1:${stubbornPort}/`)).json!;
    await expect(stubborn.stop(3_000)).rejects.toThrow(new RegExp(`left processes running[\\s\\S]*pid ${stubbornPids.child}\\b`));
    // The handle kills what was left, so that nothing outlives the test either way.
    expect(listProcesses().some((p) => p.pid === stubbornPids.child)).toBe(false);
  });
});

/** Whether a verdaccio answers its ping at `url`. */
async function answersPing(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('-/ping', url), { signal: AbortSignal.timeout(2_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}
