import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  e2eContext,
  findFreePort,
  getJson,
  isListening,
  listProcesses,
  makeTempDir,
  readWorkspaceJson,
  removeTempDir,
  resolveFromWorkspace,
  runNx,
  startProcessGroup,
  whenPrepared,
} from './setup';
import { writeFakeServer } from './support/fake-server';

/**
 * The harness itself, before any Topo feature: the release tarballs this run made, and the
 * workspace the global setup prepared for the specs, which came from create-nx-workspace and
 * installed those tarballs as docs/getting-started.md says. That workspace is only read
 * here: the specs copy it.
 */
describe('e2e harness', () => {
  const { released } = e2eContext();
  let root: string;

  beforeAll(async () => {
    root = (await whenPrepared('template')).root;
  });

  it('makes one release tarball per package, with its README, LICENSE and compiled code and no spec', () => {
    expect(Object.keys(released.tarballs).sort()).toEqual(['@topo/nx', '@topo/runtime']);
    for (const [name, tarball] of Object.entries(released.tarballs)) {
      const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
      expect({ name, has: ['package/package.json', 'package/README.md', 'package/LICENSE', 'package/dist/index.js'].filter((f) => files.includes(f)).length }).toEqual({ name, has: 4 });
      // The service generator's template of a spec (`__fileName__.spec.ts__tmpl__`) ships; no spec of ours does.
      expect(files.filter((file) => /\.spec\.(ts|js|d\.ts)$/.test(file))).toEqual([]);
    }
  });

  it('creates the workspace from the registry npm is configured with, as a new user does', () => {
    expect(readWorkspaceJson(root, 'package.json')).toMatchObject({ devDependencies: { nx: '23.2.1' } });
    expect(fs.existsSync(path.join(root, '.npmrc'))).toBe(false);
  });

  it('installs the release tarballs into the workspace', () => {
    // `npm install -D …/topo-runtime-<version>.tgz`, then `nx add @topo/nx@file:…/topo-nx-<version>.tgz` (see startTopo).
    const manifest = readWorkspaceJson<{ dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>(root, 'package.json');
    const saved = { ...manifest.dependencies, ...manifest.devDependencies };
    for (const [name, tarball] of Object.entries(released.tarballs)) {
      expect({ name, saved: saved[name] }).toEqual({ name, saved: expect.stringMatching(new RegExp(`^file:.*${path.basename(tarball).replace(/\./g, '\\.')}$`)) });
      const installed = readWorkspaceJson<{ version: string }>(root, `node_modules/${name}/package.json`);
      expect(installed.version).toBe(released.version);
    }
    expect(resolveFromWorkspace(root, '@topo/runtime')).toBe(
      fs.realpathSync(path.join(root, 'node_modules/@topo/runtime/dist/index.js')),
    );
    expect(resolveFromWorkspace(root, '@topo/nx')).toBe(
      fs.realpathSync(path.join(root, 'node_modules/@topo/nx/dist/index.js')),
    );
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
