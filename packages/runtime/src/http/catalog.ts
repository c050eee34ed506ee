import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { APIError, ErrCode } from '../errors';
import { sendError, sendJson } from './respond';

/** Where the service catalog lives below Topo's own paths: the page, its model, its event stream. */
export const CATALOG_PREFIX = '/__topo/catalog';

/** Whether a request path is the catalog's. */
export function isCatalogPath(path: string): boolean {
  return path === CATALOG_PREFIX || path.startsWith(`${CATALOG_PREFIX}/`) || path === `${CATALOG_PREFIX}.json`;
}

/**
 * Passes the catalog's paths on to where it is served (`nx serve` runs it beside the app's
 * processes and sets TOPO_CATALOG_URL for the process that faces clients), streams included.
 * Not configured, the catalog is not served: it lists private endpoints, so a built bundle
 * serves it only when the operator asks for it.
 */
export interface CatalogPassThrough {
  forward(req: IncomingMessage, res: ServerResponse, method: string): void;
  /** Ends the streams in flight (the page's live updates), so a process can drain. */
  close(): void;
}

/**
 * @example
 * ```ts
 * const catalog = catalogPassThrough('http://127.0.0.1:43125');
 * if (isCatalogPath(path)) return catalog.forward(req, res, method);
 * ```
 */
export function catalogPassThrough(baseUrl: string): CatalogPassThrough {
  const target = new URL(baseUrl);
  const open = new Set<ServerResponse>();
  return {
    forward(req, res, method) {
      if (method !== 'GET' && method !== 'HEAD') {
        return sendError(res, new APIError(ErrCode.Unimplemented, `the catalog answers GET, not ${method}`));
      }
      open.add(res);
      res.once('close', () => open.delete(res));
      const upstream = http.request(
        { hostname: target.hostname, port: target.port, method, path: req.url, headers: { accept: req.headers.accept ?? '*/*' } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) sendError(res, new APIError(ErrCode.Unavailable, 'the catalog is unavailable: is nx serve still running?'));
        else res.destroy();
      });
      res.once('close', () => upstream.destroy());
      upstream.end();
    },
    close() {
      for (const res of open) res.destroy();
      open.clear();
    },
  };
}

/**
 * Serves a catalog written by `nx run <app>:catalog` (its folder: `index.html` and
 * `catalog.json`) from the process that faces clients: how a built bundle or an image serves
 * the catalog when its operator asks for it (TOPO_CATALOG_DIR). The files are read once, at
 * start: a missing one is a configuration error then, not a 500 later.
 *
 * @example
 * ```ts
 * const catalog = catalogFiles('/app/catalog');
 * if (isCatalogPath(path)) return catalog.forward(req, res, method);
 * ```
 */
export function catalogFiles(dir: string): CatalogPassThrough {
  const read = (file: string) => {
    try {
      return readFileSync(join(dir, file));
    } catch {
      throw new Error(`TOPO_CATALOG_DIR is ${JSON.stringify(dir)}, which holds no ${file}: write the catalog there with \`nx run <app>:catalog\` (dist/<app>/catalog), or unset it`);
    }
  };
  const page = read('index.html');
  const model = read('catalog.json').toString('utf8');
  return {
    forward(req, res, method) {
      if (method !== 'GET' && method !== 'HEAD') return sendError(res, new APIError(ErrCode.Unimplemented, `the catalog answers GET, not ${method}`));
      const path = (req.url ?? '/').split('?')[0];
      if (path === `${CATALOG_PREFIX}.json`) return sendJson(res, 200, model);
      if (path === CATALOG_PREFIX || path === `${CATALOG_PREFIX}/`) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length });
        res.end(method === 'HEAD' ? undefined : page);
        return;
      }
      sendError(res, new APIError(ErrCode.NotFound, `no catalog path ${path}: the catalog of a built app is at ${CATALOG_PREFIX} and ${CATALOG_PREFIX}.json`));
    },
    close() {
      // Nothing streams: a built app's catalog does not change.
    },
  };
}

/** The catalog a process that faces clients serves: passed on to nx serve's, read from a folder, or none. */
export function catalogOf(where: { url?: string; dir?: string }): CatalogPassThrough | undefined {
  if (where.url) return catalogPassThrough(where.url);
  if (where.dir) return catalogFiles(where.dir);
  return undefined;
}
