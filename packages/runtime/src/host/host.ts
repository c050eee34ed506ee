import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INTERNAL_CALL_PREFIX, noSuchEndpoint } from '../internal-call';
import { AUTH_HEADER, CALLER_HEADER, Credentials, stripInternalHeaders } from '../credential';
import { DEADLINE_HEADER, deadlineOf, remainingFromHeader } from '../deadline';
import type { Discovery } from '../environment';
import { APIError, ErrCode, internalError, logUnexpectedError } from '../errors';
import { catalogOf, isCatalogPath, type CatalogPassThrough } from '../http/catalog';
import { hasBody, pathEncodingError, pathOf, readBodyBytes } from '../http/incoming';
import { drain, listen, type Drainable } from '../http/lifecycle';
import { answerClientError, answerConnect, sendError, sendJson, sendMethodNotAllowed, sendNotFound } from '../http/respond';
import { registerServices } from '../registry';
import { DEFAULT_BODY_LIMIT, RESERVED_PREFIX } from '../contract';
import { createExpressDispatch, type ExpressDispatch } from './express-apps';
import { planHost, type HostPlan, type HostedService, type TypedRoute } from './plan';
import { sendRequestError, serveInternalCall, serveTyped } from './serve-typed';

/**
 * Configuration of a host: what the generated entry module passes, plus what tests set.
 *
 * @example
 * ```ts
 * const config: HostConfig = { app: 'demo', process: 'mono', edge: true, services: [hosted], secret: 'test', register: true };
 * ```
 */
export interface HostConfig {
  /** The app's name, for health answers and messages. */
  app: string;
  /** This process group's name (`hello`, or `mono` for the monolith). */
  process: string;
  /**
   * Whether this process faces clients itself (the monolith): then a private endpoint
   * without a valid credential answers 404 as an unknown path does, as the gateway would.
   */
  edge: boolean;
  services: HostedService[];
  /** The app secret internal-call credentials derive from. Without it, private endpoints and internal calls are refused. */
  secret?: string;
  /** Where the services this process does not host listen. */
  discovery?: Record<string, string>;
  /**
   * Where the app's service catalog is served, when this process faces clients (nx serve
   * sets it): `/__topo/catalog` is passed on there. Default: the catalog is not served.
   */
  catalog?: string;
  /** A catalog folder written by `nx run <app>:catalog`, served at `/__topo/catalog` when this process faces clients. */
  catalogDir?: string;
  /**
   * Registers the hosted services for in-process client calls (what `runProcess` does).
   * Default false, so tests can run a host and call it over HTTP from the same process.
   */
  register?: boolean;
}

/**
 * A host: its server, started and stopped by the caller.
 *
 * @example
 * ```ts
 * const host: Host = createHost(config);
 * await host.listen(0, '127.0.0.1');
 * await host.close();
 * ```
 */
export interface Host {
  readonly server: http.Server;
  /** Starts listening (port 0: the system picks); resolves with the bound address. */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /**
   * Stops accepting connections, closes idle ones, lets requests in flight finish; after
   * `timeoutMs` cuts off what remains. Resolves true when nothing had to be cut off.
   */
  close(timeoutMs?: number): Promise<boolean>;
}

const HEALTH_PATH = '/__topo/health';
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Creates the HTTP host of a process without starting it: the routing table, checks and
 * express apps are built here, once. `runProcess` is this plus the environment, the log
 * line and signal handling.
 *
 * @example
 * ```ts
 * const host = createHost({ app: 'demo', process: 'hello', edge: true, services: [{ service, endpoints: [{ name: 'h1', endpoint: h1 }] }] });
 * const { port } = await host.listen(0, '127.0.0.1');
 * // ... requests to http://127.0.0.1:${port}
 * await host.close();
 * ```
 */
export function createHost(config: HostConfig): Host {
  const settings = normalizeHostConfig(config);
  const plan = planHost(settings.services);
  const dispatchExpress = createExpressDispatch(plan.expressServices, plan.rawRoutes);
  const credentials = settings.secret === undefined ? undefined : new Credentials(settings.secret);
  const health = JSON.stringify({ status: 'ok', app: settings.app, process: settings.process, services: plan.services.map((service) => service.name) });
  const state: Drainable = { server: http.createServer(), draining: false };

  const catalog = settings.edge ? catalogOf({ url: settings.catalog, dir: settings.catalogDir }) : undefined;
  const handleRequest = createRequestHandler({ plan, credentials, edge: settings.edge, health, dispatchExpress, state, catalog });
  state.server.on('request', handleRequest);
  state.server.on('clientError', answerClientError);
  state.server.on('connect', answerConnect);

  const unregister = settings.register
    ? registerServices(plan.local, { caller: callerName(settings.process, plan), credentials, discovery: settings.discovery })
    : undefined;

  return {
    server: state.server,
    listen: (port = 0, host = '127.0.0.1') => listen(state.server, port, host),
    close: async (timeoutMs = CLOSE_TIMEOUT_MS) => {
      unregister?.();
      // The catalog's live stream never ends by itself: it must not hold the drain.
      catalog?.close();
      return drain(state, timeoutMs);
    },
  };
}

interface HostSettings {
  readonly app: string;
  readonly process: string;
  readonly edge: boolean;
  readonly services: readonly HostedService[];
  readonly secret: string | undefined;
  readonly discovery: Discovery;
  readonly register: boolean;
  readonly catalog: string | undefined;
  readonly catalogDir: string | undefined;
}

function normalizeHostConfig(config: HostConfig): HostSettings {
  if (typeof config !== 'object' || config === null) throw new Error('createHost(config): config must be an object { app, process, edge, services }');
  for (const key of ['app', 'process'] as const) {
    if (typeof config[key] !== 'string' || config[key] === '') throw new Error(`host config: "${key}" must be a non-empty string`);
  }
  if (typeof config.edge !== 'boolean') throw new Error('host config: "edge" must be true (the process faces clients) or false (behind a gateway)');
  return {
    app: config.app,
    process: config.process,
    edge: config.edge,
    services: config.services,
    secret: config.secret === '' ? undefined : config.secret,
    discovery: Object.freeze({ ...(config.discovery ?? {}) }),
    register: config.register ?? false,
    catalog: config.catalog,
    catalogDir: config.catalogDir,
  };
}

/** `x-topo-caller` of calls from this process: its service, or the process name when it hosts several. */
function callerName(processName: string, plan: HostPlan): string {
  return plan.services.length === 1 ? plan.services[0].name : processName;
}

interface RequestContext {
  readonly plan: HostPlan;
  readonly credentials: Credentials | undefined;
  readonly edge: boolean;
  readonly health: string;
  readonly catalog?: CatalogPassThrough;
  readonly dispatchExpress: ExpressDispatch | undefined;
  readonly state: Drainable;
}

/** The request listener: Topo's own paths, then the route table; never throws. */
function createRequestHandler(context: RequestContext): (req: IncomingMessage, res: ServerResponse) => void {
  const { plan, credentials, edge, state } = context;

  /**
   * Whether a request for a route by its path carries a genuine credential for itself, which
   * is then spent: call it once per request. Such a request is credentialed only without a
   * body (the credential covers the empty body); a body reaches a private endpoint as an
   * internal call, whose credential covers it.
   */
  function hasValidCredential(req: IncomingMessage, method: string): boolean {
    if (credentials === undefined || hasBody(req)) return false;
    return credentials.verify(req.headers[AUTH_HEADER], { method, target: req.url ?? '/', caller: callerOf(req) });
  }

  function serveRoute(req: IncomingMessage, res: ServerResponse, method: string, path: string): void {
    // An edge process shows clients only public routes, exactly as the gateway does; a caller
    // holding a credential sees them all.
    const trusted = edge && req.headers[AUTH_HEADER] !== undefined && hasValidCredential(req, method);
    // Only services mint `x-topo-*` headers: from a client they are forgeries, dropped here as
    // the gateway drops them, so that no code reads a caller the client chose.
    if (edge && !trusted) stripInternalHeaders(req.headers);
    const routes = edge && !trusted ? plan.publicRoutes : plan.routes;
    const match = routes.lookup(path);
    if (match === undefined) return sendNotFound(res, method, path);
    const route = match.table.select(method);
    if (route === undefined) return sendMethodNotAllowed(res, method, path, match.table.allow);
    if (!route.expose && !edge && !hasValidCredential(req, method)) return refusePrivate(res, credentials, req);
    if (route.viaExpress) return context.dispatchExpress!(req, res, route, method, match.params);
    serveTyped(route as TypedRoute, req, res, method, match.params);
  }

  function serveTopo(req: IncomingMessage, res: ServerResponse, method: string, path: string): void {
    if (path === HEALTH_PATH && (method === 'GET' || method === 'HEAD')) return sendJson(res, 200, context.health);
    if (path.startsWith(INTERNAL_CALL_PREFIX)) return serveCall(req, res, method, path);
    if (context.catalog && isCatalogPath(path)) return context.catalog.forward(req, res, method);
    sendNotFound(res, method, path);
  }

  /**
   * An internal call. Its credential covers the body: a credential that cannot be current is
   * refused at once, the body is read (within the endpoint's limit), then the credential is
   * checked against the whole request before anything else is told.
   */
  function serveCall(req: IncomingMessage, res: ServerResponse, method: string, path: string): void {
    const arrived = Date.now();
    const auth = req.headers[AUTH_HEADER];
    if (credentials === undefined || !credentials.isCurrent(auth)) return refuseInternalCall(res, credentials);
    const [service, name, extra] = path.slice(INTERNAL_CALL_PREFIX.length).split('/');
    const endpoints = name === undefined || extra !== undefined ? undefined : plan.callable.get(service);
    const route = endpoints?.get(name);
    readRequestBody(req, route?.bodyLimit ?? DEFAULT_BODY_LIMIT).then(
      (body) => {
        // The credential covers the bytes as sent: checked before they are decoded, once.
        if (!credentials.verify(auth, { method, target: req.url ?? path, caller: callerOf(req), body })) return refuseInternalCall(res, credentials);
        if (method !== 'POST') return sendMethodNotAllowed(res, method, path, 'POST');
        if (endpoints === undefined) {
          return sendError(res, new APIError(ErrCode.NotFound, `service "${service}" is not hosted by this process; check TOPO_DISCOVERY of the caller`));
        }
        if (route === undefined) {
          if (plan.rawNames.get(service)?.has(name)) {
            return sendError(res, new APIError(ErrCode.NotFound, `${service}.${name} is a raw endpoint: clients cannot call it; send it an HTTP request`));
          }
          return sendError(res, noSuchEndpoint(service, name));
        }
        // The caller's deadline, when sooner than the endpoint's own timeout.
        serveInternalCall(route, body.toString('utf8'), res, deadlineOf(route.timeout, arrived, remainingFromHeader(req.headers[DEADLINE_HEADER])));
      },
      (error: unknown) => sendRequestError(res, error),
    );
  }

  return function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    let path = '/';
    try {
      if (state.draining) res.setHeader('connection', 'close');
      path = pathOf(req.url ?? '/');
      const malformed = pathEncodingError(path);
      if (malformed !== undefined) return sendError(res, malformed);
      if (path.startsWith(RESERVED_PREFIX)) serveTopo(req, res, method, path);
      else serveRoute(req, res, method, path);
    } catch (error) {
      // A bug of ours or a handler that threw synchronously where we did not expect it: the
      // process keeps serving.
      logUnexpectedError(`request ${method} ${path}`, error);
      sendError(res, internalError());
    }
  };
}

/** The calling service a request names (`x-topo-caller`), as its credential was signed for. */
function callerOf(req: IncomingMessage): string {
  const caller = req.headers[CALLER_HEADER];
  return typeof caller === 'string' ? caller : '';
}

const NO_BODY = Buffer.alloc(0);

/** The whole body of a request as bytes, none when it declares none. */
function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return hasBody(req) ? readBodyBytes(req, limit) : Promise.resolve(NO_BODY);
}

function refusePrivate(res: ServerResponse, credentials: Credentials | undefined, req: IncomingMessage): void {
  let message = 'private endpoint: a valid internal-call credential is required';
  if (credentials === undefined) {
    message = 'private endpoint: this process has no TOPO_SECRET to check internal-call credentials with; set TOPO_SECRET to the app secret';
  } else if (req.headers[AUTH_HEADER] !== undefined && hasBody(req)) {
    message =
      "private endpoint: a request with a body reaches it only as an internal call (POST /__topo/call/<service>/<endpoint>, as the service's client sends it), whose credential covers the body";
  } else if (req.headers[AUTH_HEADER] !== undefined) {
    message = 'private endpoint: a valid internal-call credential for this request is required (each credential is good for one request, once)';
  }
  sendError(res, new APIError(ErrCode.Unauthenticated, message));
}

function refuseInternalCall(res: ServerResponse, credentials: Credentials | undefined): void {
  const message =
    credentials === undefined
      ? 'internal call refused: this process has no TOPO_SECRET to check credentials with; set TOPO_SECRET to the same app secret in every process'
      : 'internal call refused: a valid internal-call credential for this request is required (x-topo-auth, signed with the app secret for this method, target, caller and body, within 30 seconds, used once)';
  sendError(res, new APIError(ErrCode.Unauthenticated, message));
}

