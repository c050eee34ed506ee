import { logger } from '@nx/devkit';
import { connect } from 'node:net';
import { join } from 'node:path';
import { loadApp } from '../../app/load-app';
import { copyFixtureWorkspace, removeWorkspace } from '../../testing/fixture-workspace';
import { call, serveOptions } from '../../testing/serve-replay';
import { findFreePorts } from './lib/ports';
import { ServeSession } from './lib/serve-session';

/**
 * nx serve's start in micro, on an app whose `sluggish` service takes 1.5 s to load while
 * the gateway's process starts in a fraction of that (__fixtures__/slow-start): the gateway
 * listens only once every process answers its health, so a client that reaches the app's
 * port the moment it accepts connections gets the service's answer, and the process table
 * comes after that.
 */

const FIXTURE = join(__dirname, '__fixtures__/slow-start');
jest.setTimeout(60_000);

/** Resolves once the port accepts a TCP connection: tried every 5 ms, as an impatient client would. */
async function acceptsConnections(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`nothing accepted connections on port ${port} within ${timeoutMs} ms`);
}

describe('nx serve (ServeSession) in micro, while a service is slow to start', () => {
  let workspaceRoot: string;
  let session: ServeSession | undefined;
  /** What the session and its processes printed, in order. */
  const printed: string[] = [];

  beforeAll(() => {
    workspaceRoot = copyFixtureWorkspace(FIXTURE, { prefix: 'topo-serve-ready-' });
    jest.spyOn(logger, 'info').mockImplementation((message) => void printed.push(String(message)));
    const write = process.stdout.write.bind(process.stdout);
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return write(chunk);
    });
  });

  afterAll(async () => {
    await session?.stop();
    jest.restoreAllMocks();
    removeWorkspace(workspaceRoot);
  });

  it("answers the first request, sent the moment the app's port accepts connections, from the service; then prints the table", async () => {
    const [port] = await findFreePorts(1, '127.0.0.1');
    const options = serveOptions({ workspaceRoot, appName: 'slow', appRoot: 'apps/slow', port }, 'micro');
    session = new ServeSession(options, () => loadApp(options));
    const started = session.start();
    started.catch(() => undefined);

    await acceptsConnections(port, 30_000);
    const first = await call(port, { method: 'GET', path: '/sluggish' });
    expect(first).toEqual({ status: 200, body: { sluggish: true } });
    expect(await call(port, { method: 'GET', path: '/quick' })).toEqual({ status: 200, body: { quick: true } });

    await started;
    const table = printed.findIndex((line) => line.startsWith('Topo app slow, topology micro:'));
    const listening = (pattern: RegExp) => printed.findIndex((line) => pattern.test(line));
    expect(table).toBeGreaterThan(-1);
    expect(printed[table]).toMatch(/gateway\s+\(routes 2 public endpoints\)\s+http:\/\/127\.0\.0\.1:\d+/);
    for (const line of [/^\[sluggish\] topo: process sluggish \(sluggish\) listening on/, /^\[quick\] topo: process quick \(quick\) listening on/, /^\[gateway\] topo: gateway of slow listening on/]) {
      expect(listening(line)).toBeGreaterThan(-1);
      expect(listening(line)).toBeLessThan(table);
    }
    // The gateway listened after the slow service, which it waited for.
    expect(listening(/^\[gateway\] topo: gateway of slow listening on/)).toBeGreaterThan(listening(/^\[sluggish\] topo: process sluggish/));
    expect(printed.join('')).not.toContain('not ready');
  });
});
