import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'node:http';
import { findFreePorts } from './ports';

/**
 * The supervisor of `nx serve`'s processes, for real: a Node process (standing in for nx)
 * supervises a runtime process built like a service's bundle. Killed with -9, it leaves no
 * process of the app behind; a process that exits 0 (told to stop) is not restarted, one
 * that crashes is.
 */

const REPO = join(__dirname, '..', '..', '..', '..', '..', '..');
const SUPERVISOR = join(REPO, 'packages', 'nx', 'dist', 'executors', 'serve', 'lib', 'supervisor.js');
const BUNDLE = join(REPO, 'packages', 'runtime', 'src', '__fixtures__', 'processes', 'service-process.js');
const SECRET = 'a-supervisor-spec-secret-long-enough-0123456789';

jest.setTimeout(60_000);

const parents: ChildProcess[] = [];
afterEach(() => {
  for (const parent of parents.splice(0)) parent.kill('SIGKILL');
});

/** Starts a stand-in for nx serve, supervising one process on `port`; resolves with the parent and a reader of its output. */
function supervise(port: number): { parent: ChildProcess; output: () => string } {
  const script = `
    const { SupervisedProcess } = require(${JSON.stringify(SUPERVISOR)});
    const supervised = new SupervisedProcess({ name: 'slow', bundleFile: ${JSON.stringify(BUNDLE)}, cwd: process.cwd(), env: { ...process.env, PORT: '${port}', TOPO_SECRET: '${SECRET}' } });
    supervised.start();
    setInterval(() => process.stdout.write('pid ' + supervised.pid + '\\n'), 100);
  `;
  const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  parents.push(parent);
  let output = '';
  parent.stdout!.on('data', (chunk) => (output += chunk));
  parent.stderr!.on('data', (chunk) => (output += chunk));
  return { parent, output: () => output };
}

function ping(port: number): Promise<number | string> {
  return new Promise((resolve) => {
    request({ host: '127.0.0.1', port, path: '/ping', agent: false }, (res) => (res.resume(), resolve(res.statusCode ?? 0)))
      .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
      .end();
  });
}

async function until<T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function childPid(output: () => string): number | undefined {
  const pids = [...output().matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
  return pids.at(-1);
}

it('killed with -9, leaves no process of the app behind: the process stops when its supervisor is gone', async () => {
  const [port] = await findFreePorts(1, '127.0.0.1');
  const { parent, output } = supervise(port);
  await until('the process answering', () => ping(port), (status) => status === 200);
  const pid = (await until('its pid', () => childPid(output), (p) => p !== undefined))!;
  parent.kill('SIGKILL');
  await until(`process ${pid} gone`, () => alive(pid), (running) => !running);
  expect(await ping(port)).toBe('ECONNREFUSED');
});

it('does not restart a process that exits 0 (told to stop), and restarts one that crashes', async () => {
  const [port] = await findFreePorts(1, '127.0.0.1');
  const { output } = supervise(port);
  await until('the process answering', () => ping(port), (status) => status === 200);
  const first = (await until('its pid', () => childPid(output), (p) => p !== undefined))!;
  process.kill(first, 'SIGKILL');
  await until('a new process after the crash', () => childPid(output), (p) => p !== undefined && p !== first);
  await until('the new process answering', () => ping(port), (status) => status === 200);
  const second = childPid(output)!;
  process.kill(second, 'SIGTERM');
  await until(`process ${second} gone`, () => alive(second), (running) => !running);
  await until('the supervisor saying so', () => output(), (text) => text.includes('stopped (code 0); it is not restarted'));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(await ping(port)).toBe('ECONNREFUSED');
});

it('says when the process listens, as the process reports it, and again after a crash', async () => {
  const { SupervisedProcess } = await import('./supervisor');
  const [port] = await findFreePorts(1, '127.0.0.1');
  const supervised = new SupervisedProcess({ name: 'slow', bundleFile: BUNDLE, cwd: process.cwd(), env: { ...process.env, PORT: String(port), TOPO_SECRET: SECRET } });
  const write = process.stdout.write;
  process.stdout.write = () => true;
  try {
    const first = supervised.listening();
    supervised.start();
    await first;
    // Said, not guessed: the port accepts at once.
    expect(await ping(port)).toBe(200);

    const again = supervised.listening();
    const pid = supervised.pid!;
    process.kill(pid, 'SIGKILL');
    await again;
    expect(supervised.pid).not.toBe(pid);
    expect(await ping(port)).toBe(200);
  } finally {
    await supervised.stop();
    process.stdout.write = write;
  }
});
