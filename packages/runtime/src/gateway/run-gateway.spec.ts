import { connect } from 'node:net';
import { closedPort, delay, request } from '../__fixtures__/http';
import { buildRuntime, startFixture, stopFixtures } from '../__fixtures__/child';

/** `runGateway` as it runs in production: a separate node process, stopped with a real signal. */

const SECRET = 'a-process-secret-long-enough-0123456789';

/** Resolves once something accepts TCP connections on the port: polled every 5 ms, as an impatient client would. */
async function acceptsConnections(port: number, timeoutMs = 15_000): Promise<void> {
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
    await delay(5);
  }
  throw new Error(`nothing accepted connections on port ${port} within ${timeoutMs} ms`);
}

beforeAll(() => buildRuntime(), 120_000);
afterEach(() => stopFixtures());

describe('runGateway', () => {
  it('routes to the service process and, on SIGTERM, finishes the request in flight and exits 0', async () => {
    const service = startFixture('service-process', { TOPO_SECRET: SECRET });
    const servicePort = (await service.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/))[1];
    const gateway = startFixture('gateway-process', { TOPO_DISCOVERY: JSON.stringify({ slow: `http://127.0.0.1:${servicePort}` }) });
    const port = Number((await gateway.waitFor(/topo: gateway of fixture listening on http:\/\/127\.0\.0\.1:(\d+)/))[1]);

    expect(await request(port, 'GET', '/ping')).toMatchObject({ status: 200, json: { pong: true } });
    const inFlight = request(port, 'GET', '/wait?ms=300');
    await new Promise((resolve) => setTimeout(resolve, 100));
    gateway.child.kill('SIGTERM');

    expect(await inFlight).toMatchObject({ status: 200, json: { waited: 300 } });
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
  });

  it('listens only once the service process answers its health: its first request is answered by the service', async () => {
    const [servicePort, gatewayPort] = [await closedPort(), await closedPort()];
    const gateway = startFixture('gateway-process', { PORT: String(gatewayPort), TOPO_DISCOVERY: JSON.stringify({ slow: `http://127.0.0.1:${servicePort}` }) });
    const accepted = acceptsConnections(gatewayPort);
    // The service starts well after the gateway is up and probing.
    await delay(800);
    expect(gateway.stdout()).not.toContain('listening on');
    const service = startFixture('service-process', { PORT: String(servicePort), TOPO_SECRET: SECRET });

    await accepted;
    expect(await request(gatewayPort, 'GET', '/ping')).toMatchObject({ status: 200, json: { pong: true } });
    expect(service.stdout()).toContain(`listening on http://127.0.0.1:${servicePort}`);
    expect(gateway.stderr()).not.toContain('not ready');
  });

  it('listens anyway after TOPO_GATEWAY_STARTUP_TIMEOUT_MS, naming the processes not ready, whose routes answer 503', async () => {
    const servicePort = await closedPort();
    const started = Date.now();
    const gateway = startFixture('gateway-process', {
      TOPO_DISCOVERY: JSON.stringify({ slow: `http://127.0.0.1:${servicePort}` }),
      TOPO_GATEWAY_STARTUP_TIMEOUT_MS: '400',
    });
    const port = Number((await gateway.waitFor(/topo: gateway of fixture listening on http:\/\/127\.0\.0\.1:(\d+)/))[1]);

    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(gateway.stderr()).toContain(
      `topo: gateway of fixture: not ready after 400 ms (TOPO_GATEWAY_STARTUP_TIMEOUT_MS): http://127.0.0.1:${servicePort} (slow); listening anyway`,
    );
    expect(await request(port, 'GET', '/ping')).toMatchObject({ status: 503, json: { code: 'unavailable' } });
  });

  it('exits 1 when TOPO_GATEWAY_STARTUP_TIMEOUT_MS is not a number of milliseconds', async () => {
    const gateway = startFixture('gateway-process', { TOPO_DISCOVERY: JSON.stringify({ slow: 'http://127.0.0.1:1' }), TOPO_GATEWAY_STARTUP_TIMEOUT_MS: 'soon' });
    expect(await gateway.exited).toEqual({ code: 1, signal: null });
    expect(gateway.stderr()).toContain('topo: gateway cannot start: TOPO_GATEWAY_STARTUP_TIMEOUT_MS is "soon": set it to a whole number of milliseconds');
  });

  it('exits 1 naming the services TOPO_DISCOVERY lacks', async () => {
    const gateway = startFixture('gateway-process', {});
    expect(await gateway.exited).toEqual({ code: 1, signal: null });
    expect(gateway.stderr()).toContain('topo: gateway cannot start: the gateway has no address for service slow: set TOPO_DISCOVERY');
  });
});
