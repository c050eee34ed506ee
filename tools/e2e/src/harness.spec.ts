import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  e2eContext,
  findFreePort,
  getJson,
  httpRequest,
  isListening,
  listProcesses,
  makeTempDir,
  readWorkspaceJson,
  removeTempDir,
  resolveFromWorkspace,
  runNx,
  startLocalRegistry,
  startProcessGroup,
  whenPrepared,
} from './setup';
import { writeFakeServer } from './support/fake-server';

/**
 * The harness itself, before any Topo feature: the registry serves what the global setup
 * published, and the workspace the global setup prepared for the specs came from
 * create-nx-workspace through it and installed this run's packages from it. That workspace
 * is only read here: the specs copy it.
 */
describe('e2e harness', () => {
  const { registryUrl, published } = e2eContext();
  let root: string;

  beforeAll(async () => {
    root = (await whenPrepared('template')).root;
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

  it('installs the published packages into the workspace', () => {
    // `npm install -D @topo/nx@<this run's version>`, then `nx g @topo/nx:init`, which adds
    // @topo/runtime and installs it (see startTopo).
    const manifest = readWorkspaceJson<{ dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(root, 'package.json');
    const saved = { ...manifest.dependencies, ...manifest.devDependencies };
    for (const [name, version] of Object.entries(published.packages)) {
      // npm saves a range (`^0.1.0-e2e.…`); the installed copy must be this run's build.
      expect(saved[name]).toContain(version);
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
    // `nx --version` writes nothing: the workspace the specs copy stays as it was.
    const result = await runNx(root, ['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('23.2.1');
  });

  // The same handle stops every `nx serve` of the flows (startServe), which fail when it
  // reports a process left behind, and check that the processes that answered are gone.
  it('stops a server and every process it started with Ctrl-C, and says when one is left behind', async () => {
    const dir = makeTempDir('fake-server');
    try {
      const port = await findFreePort();
      const script = writeFakeServer(dir, 'well-behaved', port, false);
      const server = await startProcessGroup(process.execPath, [script], { cwd: dir, label: 'node well-behaved.cjs', readyUrl: `http://127.0.0.1:${port}/` });
      const pids = (await getJson<{ server: number; child: number }>(`http://127.0.0.1:${port}/`)).json!;
      const running = new Set(listProcesses().map((p) => p.pid));
      expect(running.has(pids.server) && running.has(pids.child)).toBe(true);
      expect(server.processes().map((p) => p.pid)).toEqual(expect.arrayContaining([server.pid, pids.server, pids.child]));

      await server.stop();
      const after = new Set(listProcesses().map((p) => p.pid));
      expect([after.has(server.pid), after.has(pids.server), after.has(pids.child)]).toEqual([false, false, false]);
      expect(await isListening(port)).toBe(false);

      const stubbornPort = await findFreePort();
      const stubbornScript = writeFakeServer(dir, 'leaves-a-child', stubbornPort, true);
      const stubborn = await startProcessGroup(process.execPath, [stubbornScript], {
        cwd: dir,
        label: 'node leaves-a-child.cjs',
        readyUrl: `http://127.0.0.1:${stubbornPort}/`,
      });
      const stubbornPids = (await getJson<{ server: number; child: number }>(`http://127.0.0.1:${stubbornPort}/`)).json!;
      await expect(stubborn.stop(3_000)).rejects.toThrow(new RegExp(`left processes running[\\s\\S]*pid ${stubbornPids.child}\\b`));
      // The handle kills what was left, so that nothing outlives the test either way.
      expect(listProcesses().some((p) => p.pid === stubbornPids.child)).toBe(false);
    } finally {
      removeTempDir(dir);
    }
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
