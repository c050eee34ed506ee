import http from 'node:http';
import net from 'node:net';
import { closedPort, request } from '../__fixtures__/http';
import { helloService } from '../__fixtures__/services';
import { api } from '../api';
import { AUTH_HEADER, CALLER_HEADER, Credentials } from '../credential';
import { createHost, type Host } from '../host/host';
import type { HostedService } from '../host/plan';
import { Service } from '../service';
import { createGateway, type Gateway, type GatewayRoute } from './gateway';

const SECRET = 'gateway-spec-secret-long-enough-0123456789';
const credentials = new Credentials(SECRET);

function headersService(): HostedService {
  return {
    service: new Service('mirror'),
    endpoints: [
      {
        name: 'headers',
        endpoint: api.raw({ expose: true, method: 'GET', path: '/mirror/headers' }, (req, res) => {
          res.json(req.headers);
        }),
      },
      {
        name: 'upload',
        endpoint: api({ expose: true, method: 'POST', path: '/mirror/upload' }, async (req: { data: string }) => ({ size: req.data.length })),
      },
    ],
  };
}

/** The public routes of hosted services, as the executors list them for the gateway. */
function publicRoutes(...services: HostedService[]): GatewayRoute[] {
  const routes: GatewayRoute[] = [];
  for (const { service, endpoints } of services) {
    for (const { endpoint } of endpoints) {
      const info = (endpoint as unknown as Record<symbol, { kind: string; expose: boolean; methods: string[] | '*'; path: string; bodyLimit: number }>)[
        Symbol.for('@topo/runtime.endpoint')
      ];
      if (!info.expose) continue;
      const limit = info.kind === 'typed' ? { bodyLimit: info.bodyLimit } : {};
      for (const method of info.methods === '*' ? ['*'] : info.methods) routes.push({ method, path: info.path, service: service.name, ...limit });
    }
  }
  return routes;
}

async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const original = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await run();
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
}

describe('gateway', () => {
  let hello: Host;
  let mirror: Host;
  let mono: Host;
  let gateway: Gateway;
  let helloPort: number;
  let gatewayPort: number;
  let monoPort: number;

  beforeAll(async () => {
    hello = createHost({ app: 'demo', process: 'hello', edge: false, secret: SECRET, services: [helloService()] });
    mirror = createHost({ app: 'demo', process: 'mirror', edge: false, secret: SECRET, services: [headersService()] });
    mono = createHost({ app: 'demo', process: 'mono', edge: true, secret: SECRET, services: [helloService(), headersService()] });
    helloPort = (await hello.listen(0, '127.0.0.1')).port;
    const mirrorPort = (await mirror.listen(0, '127.0.0.1')).port;
    monoPort = (await mono.listen(0, '127.0.0.1')).port;
    gateway = createGateway({
      app: 'demo',
      routes: publicRoutes(helloService(), headersService()),
      discovery: { hello: `http://127.0.0.1:${helloPort}`, mirror: `http://127.0.0.1:${mirrorPort}` },
    });
    gatewayPort = (await gateway.listen(0, '127.0.0.1')).port;
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all([hello.close(), mirror.close(), mono.close()]);
  });

  it('routes public paths to their service, unchanged', async () => {
    expect(await request(gatewayPort, 'GET', '/hello/ada')).toMatchObject({ status: 200, json: { message: 'Hello, ada!' } });
    expect(await request(gatewayPort, 'GET', '/search?q=x&limit=2')).toMatchObject({ status: 200, json: { q: 'x', limit: 2 } });
    expect(await request(gatewayPort, 'POST', '/items/3', { body: { count: 1 } })).toMatchObject({ status: 200, json: { id: 3, count: 1 } });
    expect(await request(gatewayPort, 'POST', '/mirror/upload', { body: { data: 'abc' } })).toMatchObject({ status: 200, json: { size: 3 } });
  });

  it("answers a body over the endpoint's limit with 413 as the monolith does, declared or streamed, and keeps serving", async () => {
    const declared = { body: { text: 'x'.repeat(100) } };
    const streamed = { chunks: ['{"text":"', 'y'.repeat(50), 'y'.repeat(50), '"}'] };
    for (const [how, options] of [['declared', declared], ['streamed', streamed]] as const) {
      const viaGateway = await request(gatewayPort, 'POST', '/small', options);
      const viaMono = await request(monoPort, 'POST', '/small', options);
      expect({ how, status: viaGateway.status, json: viaGateway.json }).toEqual({ how, status: 413, json: viaMono.json });
      expect(viaMono.status).toBe(413);
    }
    // Megabytes streamed past the default 1 MiB limit: the service stops reading at the limit.
    const big = { chunks: ['{"data":"', ...Array.from({ length: 160 }, () => 'z'.repeat(64 * 1024)), '"}'] };
    expect(await request(gatewayPort, 'POST', '/mirror/upload', big)).toMatchObject({
      status: 413,
      json: { code: 'resource_exhausted', message: 'request body is larger than the limit of 1048576 bytes; send less, or raise the endpoint\'s bodyLimit' },
    });
    expect(await request(gatewayPort, 'POST', '/small', { chunks: ['{"text":', '"short"}'] })).toMatchObject({ status: 200, json: { length: 5 } });
    expect((await request(gatewayPort, 'GET', '/ping')).status).toBe(200);
  });

  it('refuses a body limit that is not a whole number of bytes in its routes', () => {
    expect(() => createGateway({ app: 'demo', routes: [{ method: 'POST', path: '/a', service: 'hello', bodyLimit: -1 }], discovery: { hello: 'http://127.0.0.1:1' } })).toThrow(
      'gateway config: routes[0].bodyLimit must be a whole number of bytes, got -1',
    );
  });

  it('passes the service errors through', async () => {
    expect(await request(gatewayPort, 'GET', '/users/1')).toMatchObject({ status: 404, json: { code: 'not_found', message: 'no such user' } });
    expect(await request(gatewayPort, 'GET', '/age?age=x')).toMatchObject({ status: 400, json: { code: 'invalid_argument' } });
  });

  it('answers exactly as the monolith for unknown paths, private paths and wrong methods', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/secret'],
      ['POST', '/whisper'],
      ['DELETE', '/hello/ada'],
      ['POST', '/mixed'],
    ]) {
      const viaGateway = await request(gatewayPort, method, path, { body: method === 'GET' ? undefined : {} });
      const viaMono = await request(monoPort, method, path, { body: method === 'GET' ? undefined : {} });
      expect({ path, status: viaGateway.status, json: viaGateway.json, allow: viaGateway.headers.allow }).toEqual({
        path,
        status: viaMono.status,
        json: viaMono.json,
        allow: viaMono.headers.allow,
      });
    }
    expect((await request(gatewayPort, 'GET', '/secret')).json).toEqual({ code: 'not_found', message: 'no endpoint for GET /secret' });
  });

  it('does not route internal calls: they go from service to service, never through the gateway', async () => {
    expect(await request(gatewayPort, 'POST', '/__topo/call/hello/whisper', { body: { words: 'x' } })).toMatchObject({
      status: 404,
      json: { code: 'not_found', message: 'no endpoint for POST /__topo/call/hello/whisper' },
    });
  });

  it('does not open private paths to a client that forges a credential', async () => {
    const forged = { [AUTH_HEADER]: credentials.sign({ method: 'GET', target: '/secret', caller: 'hello' }), [CALLER_HEADER]: 'hello' };
    expect((await request(gatewayPort, 'GET', '/secret', { headers: forged })).status).toBe(404);
  });

  it('drops every x-topo-* header a client sends, and adds x-forwarded-*', async () => {
    const answer = await request(gatewayPort, 'GET', '/mirror/headers', {
      headers: { [AUTH_HEADER]: credentials.sign({ method: 'GET', target: '/mirror/headers', caller: 'evil' }), [CALLER_HEADER]: 'evil', 'X-Topo-Anything': '1', 'x-kept': 'yes' },
    });
    expect(answer.status).toBe(200);
    const forwarded = answer.json as Record<string, string>;
    expect(Object.keys(forwarded).filter((name) => name.startsWith('x-topo-'))).toEqual([]);
    expect(forwarded['x-kept']).toBe('yes');
    expect(forwarded['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('answers requests node cannot parse with JSON, as the monolith does: a bad method, a NUL in the URL, a lying content-length, huge headers, CONNECT', async () => {
    const raw = (port: number, text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
        let answer = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => (answer += chunk));
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
      });
    const shapes = [
      'FOO BAR BAZ\r\n\r\n',
      'GET /hello/a\u0000b HTTP/1.1\r\nhost: x\r\n\r\n',
      'POST /hello/ada HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nabcde',
      `GET /hello/ada HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
      'CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n',
    ];
    for (const shape of shapes) {
      const [gatewayAnswer, monoAnswer] = [await raw(gatewayPort, shape), await raw(monoPort, shape)];
      const statusOf = (answer: string) => answer.split('\r\n')[0];
      const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      expect({ shape: shape.slice(0, 40), status: statusOf(gatewayAnswer), body: bodyOf(gatewayAnswer) }).toEqual({
        shape: shape.slice(0, 40),
        status: statusOf(monoAnswer),
        body: bodyOf(monoAnswer),
      });
      expect(gatewayAnswer).toMatch(/content-type: application\/json/i);
    }
    const connect = await raw(gatewayPort, shapes[4]);
    expect(connect.split('\r\n')[0]).toBe('HTTP/1.1 405 Method Not Allowed');
    expect(JSON.parse(connect.slice(connect.indexOf('\r\n\r\n') + 4))).toEqual({ code: 'unimplemented', message: 'CONNECT example.com:443 is not answered: this server is not a proxy' });
    expect((await request(gatewayPort, 'GET', '/hello/ada')).status).toBe(200);
  });

  it('serves /__topo/health itself', async () => {
    expect(await request(gatewayPort, 'GET', '/__topo/health')).toMatchObject({
      status: 200,
      json: { status: 'ok', app: 'demo', process: 'gateway', services: ['hello', 'mirror'] },
    });
  });

  it('answers 503 within a second while a service is down, keeps serving the others, and recovers', async () => {
    await hello.close();
    const started = Date.now();
    const down = await quietly(() => request(gatewayPort, 'GET', '/hello/ada'));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(down.status).toBe(503);
    expect(down.json).toEqual({ code: 'unavailable', message: 'service hello is unavailable' });
    expect((await request(gatewayPort, 'POST', '/mirror/upload', { body: { data: 'x' } })).status).toBe(200);

    hello = createHost({ app: 'demo', process: 'hello', edge: false, secret: SECRET, services: [helloService()] });
    await hello.listen(helloPort, '127.0.0.1');
    expect(await quietly(() => request(gatewayPort, 'GET', '/hello/back'))).toMatchObject({ status: 200, json: { message: 'Hello, back!' } });
  });
});

describe('gateway and malformed percent-encoding in the path', () => {
  /** Paths whose escapes are malformed or are not UTF-8: one on a parameter, a wildcard, a static route, a reserved path, no route. */
  const MALFORMED = ['/hello/%ZZ', '/hello/%E0%A4%A', '/hello/%', '/files/a/%C3', '/ping%ZZ', '/__topo/health%ZZ', '/nowhere/%ZZ'];

  it('answers 400 invalid_argument itself, sends nothing on to the service, and keeps serving', async () => {
    const received: string[] = [];
    const upstream = http.createServer((req, res) => {
      received.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"upstream":true}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const gateway = createGateway({
      app: 'demo',
      routes: publicRoutes(helloService()),
      discovery: { hello: `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}` },
    });
    const { port } = await gateway.listen(0, '127.0.0.1');
    try {
      for (const path of MALFORMED) {
        expect({ path, ...(await request(port, 'GET', path)) }).toMatchObject({
          path,
          status: 400,
          json: { code: 'invalid_argument', message: `malformed percent-encoding in the path ${path}: each "%" must start an escape of UTF-8 bytes such as %C3%A9; send a literal "%" as %25` },
        });
      }
      expect(received).toEqual([]);
      expect(await request(port, 'GET', '/hello/J%C3%BCrgen%25')).toMatchObject({ status: 200, json: { upstream: true } });
      expect(received).toEqual(['/hello/J%C3%BCrgen%25']);
    } finally {
      await gateway.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});

describe('gateway deadline', () => {
  it('answers 504 deadline_exceeded when a service does not start answering in time (hung or stopped), and keeps serving', async () => {
    // A process that accepts connections and never answers, as one stopped with SIGSTOP.
    const hung = net.createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const hungPort = (hung.address() as net.AddressInfo).port;
    const hello = createHost({ app: 'demo', process: 'hello', edge: false, secret: SECRET, services: [helloService()] });
    const helloPort = (await hello.listen(0, '127.0.0.1')).port;
    const gateway = createGateway({
      app: 'demo',
      routes: [...publicRoutes(helloService()), { method: 'GET', path: '/stuck', service: 'stuck' }],
      discovery: { hello: `http://127.0.0.1:${helloPort}`, stuck: `http://127.0.0.1:${hungPort}` },
      timeoutMs: 300,
    });
    const port = (await gateway.listen(0, '127.0.0.1')).port;
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const answer = await request(port, 'GET', '/stuck');
      expect({ status: answer.status, json: answer.json }).toEqual({ status: 504, json: { code: 'deadline_exceeded', message: 'service stuck did not answer in time' } });
      expect(stderr.mock.calls.join('')).toContain('topo: gateway: service stuck did not answer within 300 ms; answered 504');
      expect((await request(port, 'GET', '/hello/ada')).status).toBe(200);
    } finally {
      stderr.mockRestore();
      await gateway.close();
      await hello.close();
      hung.close();
    }
  });
});

describe('createGateway refuses a bad configuration, naming the fix', () => {
  it('needs an address for every routed service', () => {
    expect(() => createGateway({ app: 'demo', routes: [{ method: 'GET', path: '/a', service: 'yo' }], discovery: {} })).toThrow(
      /no address for service yo: set TOPO_DISCOVERY to a JSON object from service name to base URL/,
    );
  });

  it('refuses conflicting routes', () => {
    expect(() =>
      createGateway({
        app: 'demo',
        routes: [
          { method: 'GET', path: '/a/:x', service: 'one' },
          { method: 'GET', path: '/a/:y', service: 'two' },
        ],
        discovery: { one: 'http://127.0.0.1:1', two: 'http://127.0.0.1:2' },
      }),
    ).toThrow(/route conflict/);
  });

  it('answers 503 for a service whose address nothing listens on', async () => {
    const port = await closedPort();
    const gateway = createGateway({ app: 'demo', routes: [{ method: 'GET', path: '/a', service: 'yo' }], discovery: { yo: `http://127.0.0.1:${port}` } });
    const { port: gatewayPort } = await gateway.listen(0, '127.0.0.1');
    try {
      expect(await quietly(() => request(gatewayPort, 'GET', '/a'))).toMatchObject({ status: 503, json: { code: 'unavailable', message: 'service yo is unavailable' } });
    } finally {
      await gateway.close();
    }
  });
});
