import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Catalog } from '../../../catalog/model';

const EVENTS_PATH = '/__topo/catalog/events';
const HEARTBEAT_MS = 15_000;

/**
 * The service catalog of an `nx serve`: the page at `/__topo/catalog`, the model at
 * `/__topo/catalog.json`, and `/__topo/catalog/events`, a stream of server-sent events that
 * sends the model again after every change, so an open page follows edits and splits
 * without a reload. It listens on 127.0.0.1 beside the app's processes; the process that
 * faces clients (the monolith, or the gateway) passes those paths on to it
 * (TOPO_CATALOG_URL).
 */
export class CatalogServer {
  private readonly server = http.createServer((req, res) => this.answer(req, res));
  private readonly streams = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | undefined;
  private catalog: Catalog | undefined;
  private json = '';
  private page: Promise<string> | undefined;

  constructor(private readonly renderPage: (catalog: Catalog) => Promise<string>) {}

  /** Starts listening on a port of the system's choosing; resolves with the base URL. */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.heartbeat = setInterval(() => {
      for (const stream of this.streams) stream.write(': heartbeat\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The catalog now: served from here on, and sent to every open page. */
  update(catalog: Catalog): void {
    const json = JSON.stringify(catalog);
    if (json === this.json) return;
    this.catalog = catalog;
    this.json = json;
    this.page = undefined;
    for (const stream of this.streams) stream.write(event(json));
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const stream of this.streams) stream.end();
    this.streams.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (this.catalog === undefined) return json(res, 503, '{"code":"unavailable","message":"the catalog is being read; try again"}');
    if (path === '/__topo/catalog.json') return json(res, 200, this.json);
    if (path === EVENTS_PATH) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(event(this.json));
      this.streams.add(res);
      res.once('close', () => this.streams.delete(res));
      return;
    }
    if (path === '/__topo/catalog' || path === '/__topo/catalog/') {
      this.page ??= this.renderPage(this.catalog);
      this.page.then(
        (html) => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html),
        (error: Error) => json(res, 500, JSON.stringify({ code: 'internal', message: `the catalog page could not be made: ${error.message}` })),
      );
      return;
    }
    json(res, 404, JSON.stringify({ code: 'not_found', message: `no catalog path ${path}: try /__topo/catalog` }));
  }
}

function event(data: string): string {
  return `event: catalog\ndata: ${data}\n\n`;
}

function json(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}
