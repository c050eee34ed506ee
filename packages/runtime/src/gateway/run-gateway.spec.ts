import { request } from '../__fixtures__/http';
import { buildRuntime, startFixture, stopFixtures } from '../__fixtures__/child';

/** `runGateway` as it runs in production: a separate node process, stopped with a real signal. */

beforeAll(() => buildRuntime(), 120_000);
afterEach(() => stopFixtures());

describe('runGateway', () => {
  it('routes to the service process and, on SIGTERM, finishes the request in flight and exits 0', async () => {
    const service = startFixture('service-process', { TOPO_SECRET: 'a-process-secret-long-enough-0123456789' });
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

  it('exits 1 naming the services TOPO_DISCOVERY lacks', async () => {
    const gateway = startFixture('gateway-process', {});
    expect(await gateway.exited).toEqual({ code: 1, signal: null });
    expect(gateway.stderr()).toContain('topo: gateway cannot start: the gateway has no address for service slow: set TOPO_DISCOVERY');
  });
});
