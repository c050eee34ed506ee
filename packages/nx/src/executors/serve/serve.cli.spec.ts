import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkNodeModules, removeWorkspace } from '../../testing/fixture-workspace';
import { findFreePorts } from './lib/ports';

const REPO_ROOT = join(__dirname, '../../../../..');
/**
 * What `nx serve demo` reads of this repository: its Nx and npm configuration and the demo
 * app. The tests serve a copy of them, with a node_modules of links to this repository's
 * (see linkNodeModules), so that the bundles serve keeps in node_modules/.cache are the
 * copy's own: another test file serves the repository's demo, maybe at the same time.
 */
const WORKSPACE_FILES = ['nx.json', '.nxignore', '.gitignore', 'package.json', 'tsconfig.base.json', 'packages/demo'];
/**
 * Nx without the daemon, the TUI or colours, loading its plugins in its own process rather
 * than in a worker each, as the fixture workspaces' commands do (see runInWorkspace in
 * src/testing/fixture-workspace.ts); the e2e suite runs Nx with plugin workers.
 */
const NX_ENV = { NX_DAEMON: 'false', NX_ISOLATE_PLUGINS: 'false', NX_TUI: 'false', FORCE_COLOR: '0' };

let root: string;
/** The workspace's Nx CLI, as `npx nx` finds it, run by this Node without npm's own start-up. */
const nx = () => [join(root, 'node_modules', '.bin', 'nx')];

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'topo-serve-cli-')));
  for (const file of WORKSPACE_FILES) {
    cpSync(join(REPO_ROOT, file), join(root, file), { recursive: true, filter: (source) => !/[\\/](node_modules|dist|\.nx)$/.test(source) });
  }
  linkNodeModules(root);
});

afterAll(() => removeWorkspace(root));

jest.setTimeout(120_000);

function get(port: number, path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    })
      .on('error', reject)
      .end();
  });
}

/** Starts `nx serve demo` in its own process group, as a terminal would, and waits for its table. */
async function startNxServe(args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [...nx(), 'serve', 'demo', ...args], {
    cwd: root,
    detached: true,
    env: { ...process.env, ...NX_ENV, NX_NO_CLOUD: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 90_000;
  while (!/listening on[\s\S]*http:\/\/127\.0\.0\.1:\d+\s*$/m.test(output) || !output.includes('Topo app demo')) {
    if (child.exitCode !== null) throw new Error(`nx serve exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`nx serve did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output };
}

/** Runs `nx serve demo` to its end (a refusal ends it): its exit code and what it printed. */
function runNxServe(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [...nx(), 'serve', 'demo', ...args], {
    cwd: root,
    env: { ...process.env, ...NX_ENV, NX_NO_CLOUD: 'true' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

function processesInGroup(pgid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '-g', String(pgid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
  } catch {
    return [];
  }
}

/** Sends SIGINT to the whole group, as Ctrl-C does, and waits until every process in it is gone. */
async function interrupt(child: ChildProcess): Promise<number[]> {
  process.kill(-child.pid!, 'SIGINT');
  const deadline = Date.now() + 20_000;
  while (processesInGroup(child.pid!).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return processesInGroup(child.pid!);
}

describe("nx serve demo, through the Nx CLI, in a copy of this repository's workspace", () => {
  it.each(['mono', 'micro'])('serves the demo in %s and Ctrl-C leaves no process behind', async (topology) => {
    const [port] = await findFreePorts(1, '127.0.0.1');
    const { child, output } = await startNxServe([`--topology=${topology}`, `--port=${port}`]);
    try {
      expect(await get(port, '/hello/Ada')).toEqual({ status: 200, body: { message: 'Hello, Ada!' } });
      expect(await get(port, '/yo/Ada')).toEqual({ status: 200, body: { message: 'Yo, Ada!' } });
      // yo asks hello's private endpoint through its client: in micro, from process to process.
      expect(await get(port, '/both/Ada')).toEqual({ status: 200, body: { message: 'Yo, Ada! Good day, Ada.' } });
      expect(await get(port, '/formal/Ada')).toEqual({ status: 404, body: { code: 'not_found', message: 'no endpoint for GET /formal/Ada' } });
      expect(output()).toContain(`topology ${topology}`);
      // The table the README shows: the demo's two services in one process, or each in its own behind the gateway.
      const address = `http://127\\.0\\.0\\.1:${port}$`;
      const table = topology === 'mono' ? [`mono\\s+hello, yo\\s+${address}`] : ['hello\\s+hello\\s', 'yo\\s+yo\\s', `gateway\\s.*${address}`];
      for (const row of table) expect(output()).toMatch(new RegExp(`^\\s+${row}`, 'm'));
    } finally {
      const left = await interrupt(child);
      if (left.length > 0) process.kill(-child.pid!, 'SIGKILL');
      expect(left).toEqual([]);
    }
    await expect(get(port, '/hello/Ada')).rejects.toThrow(/ECONNREFUSED/);
  });

  it.each([
    ['an unknown topology', ['--topology=nope'], /Topology "nope" is not defined in packages\/demo\/topo\.json\.\s+Use one of: mono, micro/],
    ['a port that is not a number', ['--port=abc'], /Property 'port' does not match the schema\. 'abc' should be a 'number'/],
    ['a port out of range', ['--port=70000'], /--port must be a whole number from 1 to 65535 \(got 70000\)/],
    ['--topology together with --env', ['--topology=mono', '--env=prod'], /Give --topology or --env, not both \(got --topology=mono --env=prod\)/],
    ['an unknown environment', ['--env=nope'], /Environment "nope" is not defined in packages\/demo\/topo\.json/],
    ['an option it does not have', ['--topolgy=micro'], /'topolgy' is not found in schema/],
  ])('refuses %s: prints why, and Nx reports the failure and exits non-zero', (_case, args, message) => {
    const result = runNxServe(args);
    expect(result.output).toMatch(message);
    expect(result.output).toContain('Running target serve for project demo failed');
    expect(result.output).not.toContain('Successfully ran target serve');
    expect(result.status).toBe(1);
  });

  it("refuses a port that is taken, naming it and the way out, and exits non-zero", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = runNxServe([`--port=${port}`]);
      expect(result.output).toContain(`Port ${port} on 127.0.0.1 is already in use. Stop what listens there, or pass --port=<another>`);
      expect(result.status).toBe(1);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
