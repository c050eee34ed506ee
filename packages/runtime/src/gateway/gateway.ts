import http, { type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseLegacyUrl } from 'node:url';
import { createProxyMiddleware, type Plugin, type RequestHandler } from 'http-proxy-middleware';
import { stripInternalHeaders } from '../credential';
import { ConfigError, DEFAULT_GATEWAY_TIMEOUT_MS, type Discovery } from '../environment';
import { APIError, ErrCode, internalError, logUnexpectedError } from '../errors';
import { catalogOf, isCatalogPath } from '../http/catalog';
import { BodyTooLarge, pathEncodingError, pathOf, queryOf } from '../http/incoming';
import { drain, listen, type Drainable } from '../http/lifecycle';
import { CONNECT_TIMEOUT_MS, keepAliveAgent, limitConnectTime } from '../http/outgoing';
import { answerClientError, answerConnect, sendError, sendJson, sendMethodNotAllowed, sendNotFound } from '../http/respond';
import { RouteTable, type GatewayRoute } from '../contract';

export type { GatewayRoute };

/**
 * Configuration of a gateway.
 *
 * @example
 * ```ts
 * const config: GatewayConfig = { app: 'demo', routes: [route], discovery: { hello: 'http://127.0.0.1:4101' } };
 * ```
 */
export interface GatewayConfig {
  app: string;
  /** The public endpoints of every service, as the serve and build executors list them. */
  routes: GatewayRoute[];
  /** Where each service listens; every service of `routes` needs an entry. */
  discovery?: Record<string, string>;
  /** Where the app's service catalog is served (nx serve sets it): `/__topo/catalog` is passed on there. Default: not served. */
  catalog?: string;
  /** A catalog folder written by `nx run <app>:catalog`, served at `/__topo/catalog`. */
  catalogDir?: string;
  /**
   * How long a service may take to start answering, in ms: then the gateway answers 504
   * `deadline_exceeded` (a service that hangs, or is stopped, makes nobody wait forever).
   * Default 30 000.
   */
  timeoutMs?: number;
}

/**
 * A gateway: its server, started and stopped by the caller.
 *
 * @example
 * ```ts
 * const gateway: Gateway = createGateway(config);
 * await gateway.listen(0, '127.0.0.1');
 * await gateway.close();
 * ```
 */
export interface Gateway {
  readonly server: http.Server;
  listen(port?: number, host?: string): Promise<AddressInfo>;
  close(timeoutMs?: number): Promise<boolean>;
}

/** Where a route leads: the service, and the proxy to the process hosting it. */
interface Upstream {
  readonly service: string;
  readonly baseUrl: string;
  readonly proxy: RequestHandler;
}

/** Where a route goes, and the largest body its endpoint takes (when known). */
interface GatewayTarget {
  readonly upstream: Upstream;
  readonly bodyLimit: number | undefined;
}

/** The body limit of a request being proxied, for the proxy's events. */
const BODY_LIMIT = Symbol('topo.bodyLimit');

interface LimitedRequest extends IncomingMessage {
  [BODY_LIMIT]?: number;
}

const HEALTH_PATH = '/__topo/health';
/** The code of the error that ends a proxied request past its deadline. */
const DEADLINE_CODE = 'TOPO_DEADLINE';
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Creates the gateway without starting it: it routes each public path to the process hosting
 * its service, through http-proxy-middleware mounted straight on node:http (one proxy and
 * keep-alive agent per process), and answers like a monolith would for everything else:
 * 404 for unknown and private paths, 405 with `Allow`. A service that is down answers 503
 * `unavailable` within a second while the others keep serving.
 *
 * @example
 * ```ts
 * const gateway = createGateway({
 *   app: 'demo',
 *   routes: [{ method: 'GET', path: '/hello/:name', service: 'hello' }],
 *   discovery: { hello: 'http://127.0.0.1:4101' },
 * });
 * const { port } = await gateway.listen(0, '127.0.0.1');
 * await gateway.close();
 * ```
 */
export function createGateway(config: GatewayConfig): Gateway {
  const settings = normalizeGatewayConfig(config);
  const upstreams = createUpstreams(settings.discovery, settings.services, config.timeoutMs ?? DEFAULT_GATEWAY_TIMEOUT_MS);
  const routes = new RouteTable<GatewayTarget>();
  for (const route of settings.routes) {
    routes.add(route.method, route.path, { upstream: upstreams.get(route.service)!, bodyLimit: route.bodyLimit }, `${route.service} (${route.method} ${route.path})`);
  }
  const health = JSON.stringify({ status: 'ok', app: settings.app, process: 'gateway', services: settings.services });
  const state: Drainable = { server: http.createServer(), draining: false };
  const catalog = catalogOf({ url: config.catalog, dir: config.catalogDir });

  state.server.on('clientError', answerClientError);
  state.server.on('connect', answerConnect);
  state.server.on('request', function routeRequest(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    let path = '/';
    try {
      if (state.draining) res.setHeader('connection', 'close');
      path = pathOf(req.url ?? '/');
      const malformed = pathEncodingError(path);
      if (malformed !== undefined) return sendError(res, malformed);
      if (path === HEALTH_PATH && (method === 'GET' || method === 'HEAD')) return sendJson(res, 200, health);
      if (catalog && isCatalogPath(path)) return catalog.forward(req, res, method);
      const match = routes.lookup(path);
      if (match === undefined) return sendNotFound(res, method, path);
      const target = match.table.select(method);
      if (target === undefined) return sendMethodNotAllowed(res, method, path, match.table.allow);
      forward(target, req, res, path);
    } catch (error) {
      logUnexpectedError(`gateway request ${method} ${path}`, error);
      sendError(res, internalError());
    }
  });

  return {
    server: state.server,
    listen: (port = 0, host = '127.0.0.1') => listen(state.server, port, host),
    close: (timeoutMs = CLOSE_TIMEOUT_MS) => {
      catalog?.close();
      return drain(state, timeoutMs);
    },
  };
}

interface GatewaySettings {
  readonly app: string;
  readonly routes: readonly GatewayRoute[];
  readonly services: readonly string[];
  readonly discovery: Discovery;
}

function normalizeGatewayConfig(config: GatewayConfig): GatewaySettings {
  if (typeof config !== 'object' || config === null) throw new ConfigError('createGateway(config): config must be an object { app, routes }');
  if (typeof config.app !== 'string' || config.app === '') throw new ConfigError('gateway config: "app" must be a non-empty string');
  if (!Array.isArray(config.routes)) throw new ConfigError('gateway config: "routes" must be an array of { method, path, service }');
  config.routes.forEach((route, index) => {
    if (typeof route?.method !== 'string' || typeof route.path !== 'string' || typeof route.service !== 'string') {
      throw new ConfigError(`gateway config: routes[${index}] must be { method, path, service } strings, got ${JSON.stringify(route)}`);
    }
    if (route.bodyLimit !== undefined && !(Number.isInteger(route.bodyLimit) && route.bodyLimit >= 0)) {
      throw new ConfigError(`gateway config: routes[${index}].bodyLimit must be a whole number of bytes, got ${JSON.stringify(route.bodyLimit)}`);
    }
  });
  const services = [...new Set(config.routes.map((route) => route.service))];
  const discovery = config.discovery ?? {};
  const missing = services.filter((service) => discovery[service] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      `the gateway has no address for service${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: ` +
        `set TOPO_DISCOVERY to a JSON object from service name to base URL, e.g. {"${missing[0]}":"http://127.0.0.1:4101"}`,
    );
  }
  return { app: config.app, routes: config.routes, services, discovery };
}

/**
 * One proxy per service, so its errors can name the service without tagging each request;
 * services hosted by the same process share that process's keep-alive connections.
 */
function createUpstreams(discovery: Discovery, services: readonly string[], timeoutMs: number): Map<string, Upstream> {
  const failing = new Set<string>();
  const upstreams = new Map<string, Upstream>();
  for (const service of services) {
    const baseUrl = discovery[service];
    upstreams.set(service, { service, baseUrl, proxy: createProxy(service, baseUrl, failing, timeoutMs) });
  }
  return upstreams;
}

function createProxy(service: string, baseUrl: string, failing: Set<string>, timeoutMs: number): RequestHandler {
  const target = parseLegacyUrl(baseUrl);
  return createProxyMiddleware({
    // Parsed once here; http-proxy would otherwise parse the target string on every request.
    target,
    agent: keepAliveAgent(target.protocol ?? 'http:'),
    xfwd: true,
    // req.url is already the origin-form path (the gateway rewrites nothing), so http-proxy
    // can use it as is instead of parsing it again.
    toProxy: true,
    // The default plugins log through a URL built per request and answer errors in text; ours
    // answer in the JSON shape and add nothing to the hot path.
    ejectPlugins: true,
    plugins: [topoProxyPlugin(service, baseUrl, failing, timeoutMs)],
  });
}

/**
 * Forwards a request: drops internal headers a client may have forged, remembers the
 * service for error answers, hands over to the proxy.
 */
function forward({ upstream, bodyLimit }: GatewayTarget, req: IncomingMessage, res: ServerResponse, path: string): void {
  stripInternalHeaders(req.headers);
  // An absolute-form request target would be sent on as is (toProxy): send its path instead.
  if (req.url !== undefined && req.url.charCodeAt(0) !== 47 /* / */) {
    const query = queryOf(req.url);
    req.url = query === '' ? path : `${path}?${query}`;
  }
  if (bodyLimit !== undefined) {
    // The endpoint's body limit, held here as the service holds it: a declared length over it
    // is refused before anything is sent on; a streamed body is counted as it passes (proxyReq).
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > bodyLimit) return refuseTooLarge(res, bodyLimit);
    (req as LimitedRequest)[BODY_LIMIT] = bodyLimit;
  }
  upstream.proxy(req, res, (error?: unknown) => {
    logUnexpectedError(`gateway proxy to ${upstream.service}`, error);
    sendError(res, internalError());
  });
}

/**
 * The gateway's handling of http-proxy events for one service: a connect deadline, a 503
 * naming the service when its process cannot be reached, and clean-up when the client goes
 * away mid-answer. `failing` holds the addresses currently failing, so a dead process is
 * logged once, not once per request.
 */
const topoProxyPlugin =
  (service: string, baseUrl: string, failing: Set<string>, timeoutMs: number): Plugin =>
  (proxyServer) => {
    proxyServer.on('proxyReq', (proxyReq, req, res) => {
      limitConnectTime(proxyReq, CONNECT_TIMEOUT_MS);
      const bodyLimit = (req as LimitedRequest)[BODY_LIMIT];
      if (bodyLimit !== undefined && req.headers['content-length'] === undefined) limitStreamedBody(req, res, proxyReq, bodyLimit);
      // The deadline for the service's answer to begin: a hung or stopped process gives 504.
      const deadline = setTimeout(() => {
        const error = new Error(`service ${service} did not answer within ${timeoutMs} ms`) as NodeJS.ErrnoException;
        error.code = DEADLINE_CODE;
        proxyReq.destroy(error);
      }, timeoutMs);
      proxyReq.once('response', () => clearTimeout(deadline));
      proxyReq.once('close', () => clearTimeout(deadline));
    });
    proxyServer.on('proxyRes', (proxyRes, _req, res) => {
      if (failing.size > 0 && failing.delete(baseUrl)) {
        process.stdout.write(`topo: gateway: service ${service} at ${baseUrl} is reachable again\n`);
      }
      // A client that leaves before the answer is complete: stop reading the service's answer,
      // so its connection goes back to the pool.
      res.once('close', () => {
        if (!res.writableEnded) proxyRes.destroy();
      });
    });
    proxyServer.on('error', (error: NodeJS.ErrnoException, _req, res) => {
      // Answered by the gateway already (a body over the limit), which then dropped the request.
      if (isResponse(res) && res.writableEnded) return;
      if (error.code === DEADLINE_CODE) {
        process.stderr.write(`topo: gateway: ${error.message}; answered 504\n`);
        if (isResponse(res)) sendError(res, new APIError(ErrCode.DeadlineExceeded, `service ${service} did not answer in time`));
        else res.destroy();
        return;
      }
      if (!failing.has(baseUrl)) {
        failing.add(baseUrl);
        process.stderr.write(`topo: gateway: service ${service} at ${baseUrl} is unavailable (${error.code ?? error.message})\n`);
      }
      if (!isResponse(res)) {
        res.destroy();
        return;
      }
      sendError(res, new APIError(ErrCode.Unavailable, `service ${service} is unavailable`));
    });
    proxyServer.on('econnreset', (_error, _req, res) => {
      // The client went away: nobody is left to answer.
      if (isResponse(res)) res.destroy();
    });
  };

/**
 * Counts a streamed (chunked) body as it is sent on; the moment it passes `limit`, stops
 * sending it, drops the request to the service and answers 413, closing the connection, as
 * the service itself would.
 */
function limitStreamedBody(req: IncomingMessage, res: ServerResponse, proxyReq: ClientRequest, limit: number): void {
  let size = 0;
  const count = (chunk: Buffer): void => {
    size += chunk.length;
    if (size <= limit) return;
    req.removeListener('data', count);
    req.unpipe(proxyReq);
    refuseTooLarge(res, limit);
    proxyReq.destroy();
  };
  req.on('data', count);
}

/** 413, and the connection closed after it: the rest of the body is not worth receiving. */
function refuseTooLarge(res: ServerResponse, limit: number): void {
  sendError(res, new BodyTooLarge(limit), 413, { connection: 'close' });
}

function isResponse(res: unknown): res is ServerResponse {
  return typeof (res as ServerResponse | undefined)?.writeHead === 'function';
}
