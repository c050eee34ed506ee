import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { request } from '../__fixtures__/http';
import { helloService } from '../__fixtures__/services';
import { createGateway } from '../gateway/gateway';
import { createHost, type Host } from '../host/host';

/** A stand-in for what nx serve runs: the page, the model, and a stream that never ends by itself. */
function catalogServer(): Promise<{ server: http.Server; url: string; streams: number }> {
  const state = { streams: 0 };
  const server = http.createServer((req, res) => {
    if (req.url === '/__topo/catalog.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":1}');
    if (req.url === '/__topo/catalog/events') {
      state.streams++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: catalog\ndata: {"version":1}\n\n');
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ server, url, get streams() { return state.streams; } });
    }),
  );
}

describe('the service catalog through the process that faces clients', () => {
  let catalog: Awaited<ReturnType<typeof catalogServer>>;

  beforeAll(async () => (catalog = await catalogServer()));
  afterAll(() => new Promise((resolve) => catalog.server.close(resolve)));

  async function edgeHost(catalogUrl?: string): Promise<{ host: Host; port: number }> {
    const host = createHost({ app: 'demo', process: 'mono', edge: true, services: [helloService()], catalog: catalogUrl });
    const { port } = await host.listen(0, '127.0.0.1');
    return { host, port };
  }

  it('passes /__topo/catalog.json on to where nx serve serves it, and refuses other methods', async () => {
    const { host, port } = await edgeHost(catalog.url);
    try {
      const answer = await request(port, 'GET', '/__topo/catalog.json');
      expect([answer.status, answer.json]).toEqual([200, { version: 1 }]);
      expect((await request(port, 'POST', '/__topo/catalog.json', { body: {} })).json).toEqual({ code: 'unimplemented', message: 'the catalog answers GET, not POST' });
    } finally {
      await host.close();
    }
  });

  it('does not serve the catalog unless told where it is: it lists private endpoints', async () => {
    const { host, port } = await edgeHost(undefined);
    try {
      expect((await request(port, 'GET', '/__topo/catalog.json')).status).toBe(404);
    } finally {
      await host.close();
    }
  });

  it('streams the live updates, and ends the stream when the process drains', async () => {
    const { host, port } = await edgeHost(catalog.url);
    const firstEvent = await new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/__topo/catalog/events', agent: false }, (res) => {
        res.setEncoding('utf8').once('data', (chunk: string) => resolve(chunk));
      }).on('error', reject);
    });
    expect(firstEvent).toBe('event: catalog\ndata: {"version":1}\n\n');
    // Nothing was cut off but the stream: close() answers true within its deadline.
    expect(await host.close(2000)).toBe(true);
  });

  it('answers 503 JSON when the catalog is gone, and through a gateway too', async () => {
    const { host, port } = await edgeHost('http://127.0.0.1:1');
    try {
      expect((await request(port, 'GET', '/__topo/catalog')).json).toEqual({ code: 'unavailable', message: 'the catalog is unavailable: is nx serve still running?' });
    } finally {
      await host.close();
    }
    const gateway = createGateway({ app: 'demo', routes: [], catalog: catalog.url });
    const { port: gatewayPort } = await gateway.listen(0, '127.0.0.1');
    try {
      expect((await request(gatewayPort, 'GET', '/__topo/catalog.json')).json).toEqual({ version: 1 });
    } finally {
      await gateway.close();
    }
  });

  it('serves a catalog folder written by nx run <app>:catalog when the operator asks for it (TOPO_CATALOG_DIR)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topo-catalog-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>catalog</title>');
    writeFileSync(join(dir, 'catalog.json'), '{"version":1}');
    const host = createHost({ app: 'demo', process: 'mono', edge: true, services: [helloService()], catalogDir: dir });
    const { port } = await host.listen(0, '127.0.0.1');
    try {
      expect((await request(port, 'GET', '/__topo/catalog')).text).toBe('<!doctype html><title>catalog</title>');
      expect((await request(port, 'GET', '/__topo/catalog.json')).json).toEqual({ version: 1 });
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => createHost({ app: 'demo', process: 'mono', edge: true, services: [helloService()], catalogDir: dir })).toThrow(
      /TOPO_CATALOG_DIR is ".*", which holds no index.html: write the catalog there with `nx run <app>:catalog`/,
    );
  });
});
