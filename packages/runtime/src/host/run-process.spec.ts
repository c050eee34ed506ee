import http from 'node:http';
import { request } from '../__fixtures__/http';
import { buildRuntime, startFixture, stopFixtures } from '../__fixtures__/child';

/**
 * `runProcess` as it runs in production: a separate node process on the built runtime,
 * stopped with real signals.
 */

const LISTENING = /topo: process slow \(slow\) listening on http:\/\/127\.0\.0\.1:(\d+)/;

beforeAll(() => buildRuntime(), 120_000);
afterEach(() => stopFixtures());

describe('runProcess', () => {
  it('prints where it listens and does not load express when no service needs it', async () => {
    const fixture = startFixture('service-process', { TOPO_SECRET: 'a-process-secret-long-enough-0123456789' });
    const [, port] = await fixture.waitFor(LISTENING);
    await fixture.waitFor(/express loaded: (true|false)/);
    expect(fixture.stdout()).toContain('express loaded: false');
    expect(await request(Number(port), 'GET', '/ping')).toMatchObject({ status: 200, json: { pong: true } });
  });

  it('logs a promise rejection nobody handled and keeps serving', async () => {
    const fixture = startFixture('service-process', { TOPO_SECRET: 'a-process-secret-long-enough-0123456789' });
    const port = Number((await fixture.waitFor(LISTENING))[1]);
    expect(await request(port, 'GET', '/careless')).toMatchObject({ status: 200, json: { ok: true } });
    await fixture.waitFor(/a promise nobody awaited failed: Error: nobody awaits me/);
    expect(await request(port, 'GET', '/ping')).toMatchObject({ status: 200, json: { pong: true } });
  });

  it('on SIGTERM finishes the request in flight, closes idle keep-alive connections, and exits 0', async () => {
    const fixture = startFixture('service-process', { TOPO_SECRET: 'a-process-secret-long-enough-0123456789' });
    const port = Number((await fixture.waitFor(LISTENING))[1]);

    // An idle keep-alive connection must not hold the process open.
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/ping', agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });

    const inFlight = request(port, 'GET', '/wait?ms=300');
    await new Promise((resolve) => setTimeout(resolve, 100));
    fixture.child.kill('SIGTERM');

    const answer = await inFlight;
    expect(answer).toMatchObject({ status: 200, json: { waited: 300 } });
    expect(answer.headers.connection).toBe('close');
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    expect(fixture.stdout()).toContain('received SIGTERM, finishing requests in flight');
    agent.destroy();
    await expect(request(port, 'GET', '/ping')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('on SIGTERM under keep-alive load resets no request: each connection gets its answers, the last with connection: close', async () => {
    const fixture = startFixture('service-process', { TOPO_SECRET: 'a-process-secret-long-enough-0123456789' });
    const port = Number((await fixture.waitFor(LISTENING))[1]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    const outcomes = { answered: 0, refused: 0, reset: [] as string[] };
    let stopped = false;
    const get = () =>
      new Promise<void>((resolve) => {
        http
          .get({ host: '127.0.0.1', port, path: '/ping', agent }, (res) => res.resume().on('end', () => (outcomes.answered++, resolve())))
          .on('error', (error: NodeJS.ErrnoException) => {
            // A refused connection is a process that has stopped accepting: a balancer sends it
            // elsewhere. A reset is a request lost.
            if (error.code === 'ECONNREFUSED') outcomes.refused++;
            else outcomes.reset.push(error.code ?? error.message);
            resolve();
          });
      });
    const client = async () => {
      while (!stopped) await get();
    };
    const clients = Array.from({ length: 20 }, client);
    await new Promise((resolve) => setTimeout(resolve, 300));
    fixture.child.kill('SIGTERM');
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    // Until the clients find the port closed.
    while (outcomes.refused < 20) await get();
    stopped = true;
    await Promise.all(clients);
    agent.destroy();
    expect(outcomes.answered).toBeGreaterThan(100);
    expect(outcomes.reset).toEqual([]);
  });

  it('exits on SIGINT too', async () => {
    const fixture = startFixture('service-process', { TOPO_SECRET: 'a-process-secret-long-enough-0123456789' });
    await fixture.waitFor(LISTENING);
    fixture.child.kill('SIGINT');
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
  });

  it('cuts off requests still running after TOPO_SHUTDOWN_TIMEOUT_MS and exits 1, saying so', async () => {
    const fixture = startFixture('service-process', { TOPO_SECRET: 'a-process-secret-long-enough-0123456789', TOPO_SHUTDOWN_TIMEOUT_MS: '100' });
    const port = Number((await fixture.waitFor(LISTENING))[1]);
    const inFlight = request(port, 'GET', '/wait?ms=5000').catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    fixture.child.kill('SIGTERM');
    expect(await fixture.exited).toEqual({ code: 1, signal: null });
    // Cut off: the client sees the connection drop, not an answer.
    expect(String(await inFlight)).toMatch(/socket hang up|ECONNRESET/);
    expect(fixture.stderr()).toContain('requests still running after 100 ms (TOPO_SHUTDOWN_TIMEOUT_MS) were cut off');
  });

  it('exits 1 with a clear message for a malformed TOPO_DISCOVERY', async () => {
    const fixture = startFixture('service-process', { TOPO_DISCOVERY: '{"yo": ' });
    expect(await fixture.exited).toEqual({ code: 1, signal: null });
    expect(fixture.stderr()).toMatch(/topo: process slow cannot start: TOPO_DISCOVERY is not valid JSON .*set it to a JSON object from service name to base URL/);
  });

  it('exits 1 at start with the reason for a TOPO_SECRET shorter than 32 bytes', async () => {
    const fixture = startFixture('service-process', { TOPO_SECRET: 'short' });
    expect(await fixture.exited).toEqual({ code: 1, signal: null });
    expect(fixture.stderr()).toMatch(/topo: process slow cannot start: the internal-call secret is 5 bytes long, and it must be at least 32.*openssl rand -hex 32/);
  });

  it('exits 1 with a clear message when the port is taken', async () => {
    const first = startFixture('service-process', {});
    const port = (await first.waitFor(LISTENING))[1];
    const second = startFixture('service-process', { PORT: port });
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.stderr()).toContain(`port ${port} on 127.0.0.1 is already in use: stop what is using it or set PORT to a free port`);
  });
});
