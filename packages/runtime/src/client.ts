import http from 'node:http';
import type { Endpoint } from './api';
import { Credentials, internalCallHeaders } from './credential';
import { ConfigError, parseDiscovery, type Discovery } from './environment';
import { APIError, ErrCode, internalError, logUnexpectedError } from './errors';
import { keepAliveAgent, limitConnectTime, parseTarget } from './http/outgoing';
import { jsonCopy } from './json-copy';
import { localService, registeredCallContext, registryGeneration, type CallContext, type LocalEndpoint } from './registry';
import { assertServiceName } from './service';
import { checkRequestObject, Invalid } from './validation';

/**
 * The typed client of a service: one function per typed endpoint exported by the module
 * type `M`. Raw endpoints and other exports are left out.
 */
export type Client<M> = {
  readonly [K in keyof M as M[K] extends Endpoint<any, any> ? K : never]: M[K] extends Endpoint<infer Req, infer Resp>
    ? (req: Req) => Promise<Resp>
    : never;
};

/** The path prefix of internal calls: `POST /__topo/call/<service>/<endpoint>`. */
export const INTERNAL_CALL_PREFIX = '/__topo/call/';

/**
 * The typed client of service `name`, for its `client.ts`. A call runs in-process when this
 * process hosts the service, and is an authenticated HTTP request to the process that hosts
 * it otherwise; either way arguments and results are copied as JSON would copy them, the
 * request is validated against the same schema, and errors arrive as the same `APIError`.
 *
 * @example
 * ```ts
 * // yo/client.ts
 * import { client } from '@topo/runtime';
 * import type * as endpoints from './yo';
 * export const yo = client<typeof endpoints>('yo');
 *
 * // elsewhere, in another service
 * const { message } = await yo.h2({ name: 'x' });
 * ```
 */
export function client<M>(name: string): Client<M> {
  assertServiceName(name);
  // Endpoint functions become own properties of the client the first time they are read, so
  // later reads are plain property loads: the Proxy below the client only sees the first.
  const calls = new Proxy(Object.create(null) as object, {
    get(_target, property, receiver: object) {
      if (typeof property !== 'string' || NOT_ENDPOINTS.has(property)) return (Object.prototype as Record<PropertyKey, unknown>)[property];
      const call = endpointCall(name, property);
      Object.defineProperty(receiver, property, { value: call, enumerable: true });
      return call;
    },
  });
  return Object.create(calls) as Client<M>;
}

/**
 * Names that inspection, promises and test frameworks probe on any object. A client must not
 * answer them with an endpoint call, or `await someClient` would call `then`.
 */
const NOT_ENDPOINTS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'then',
  'catch',
  'finally',
  'toJSON',
  'asymmetricMatch',
  '$$typeof',
  'nodeType',
  'tagName',
  '@@__IMMUTABLE_ITERABLE__@@',
  '@@__IMMUTABLE_RECORD__@@',
]);

/** Marks a service hosted here that has no such endpoint, so the lookup is cached too. */
const NO_SUCH_ENDPOINT = null;

function endpointCall(service: string, name: string): (request?: unknown) => Promise<unknown> {
  let generation = -1;
  let local: InProcessTarget | typeof NO_SUCH_ENDPOINT | undefined;
  return function callEndpoint(request?: unknown): Promise<unknown> {
    if (generation !== registryGeneration()) {
      local = findLocal(service, name);
      generation = registryGeneration();
    }
    if (local === undefined) return callOverHttp(service, name, request);
    if (local === NO_SUCH_ENDPOINT) return Promise.reject(noSuchEndpoint(service, name));
    return callInProcess(local, request);
  };
}

function findLocal(service: string, name: string): InProcessTarget | typeof NO_SUCH_ENDPOINT | undefined {
  const endpoints = localService(service);
  if (endpoints === undefined) return undefined;
  const endpoint = endpoints.get(name);
  return endpoint === undefined ? NO_SUCH_ENDPOINT : inProcessTarget(endpoint);
}

/** The message of the 404 for an unknown endpoint of a known service, in-process and over HTTP. */
export function noSuchEndpoint(service: string, name: string): APIError {
  return new APIError(ErrCode.NotFound, `service "${service}" has no typed endpoint "${name}"`);
}

// ---------------------------------------------------------------------------------------
// In-process

/** A hosted endpoint with its result and error handlers made once, so a call allocates no closures. */
interface InProcessTarget {
  readonly handler: (req: unknown) => unknown;
  readonly check: LocalEndpoint['check'];
  readonly onResult: (result: unknown) => unknown;
  readonly onError: (error: unknown) => never;
}

function inProcessTarget(endpoint: LocalEndpoint): InProcessTarget {
  return {
    handler: endpoint.handler,
    check: endpoint.check,
    onResult: (result) => copyResult(endpoint, result),
    onError: (error) => {
      throw copyError(endpoint, error);
    },
  };
}

/**
 * An in-process call: copy in, validate, run, copy out. The copy of the result rides on one
 * `then` of the handler's own promise: each extra async frame would cost the caller another
 * microtask tick.
 */
function callInProcess(target: InProcessTarget, request: unknown): Promise<unknown> {
  let input: unknown;
  try {
    input = copyRequest(request, target.check === null);
    if (target.check !== null) {
      input = target.check(input);
      if (input instanceof Invalid) return Promise.reject(input.toAPIError());
    }
  } catch (error) {
    return Promise.reject(error);
  }
  let result: unknown;
  try {
    result = target.handler(input);
  } catch (error) {
    return Promise.reject(catchSync(target, error));
  }
  return Promise.resolve(result).then(target.onResult, target.onError);
}

function catchSync(target: InProcessTarget, error: unknown): unknown {
  try {
    return target.onError(error);
  } catch (copied) {
    return copied;
  }
}

/**
 * The request as the receiving side would parse it from JSON; nothing counts as `{}`. A
 * compiled check refuses non-objects itself, with the same message.
 */
function copyRequest(request: unknown, checkShape: boolean): unknown {
  if (request === undefined) return {};
  const copy = jsonCopy(request);
  if (checkShape) {
    const invalid = checkRequestObject(copy);
    if (invalid !== undefined) throw invalid.toAPIError();
  }
  return copy;
}

function copyResult(endpoint: LocalEndpoint, result: unknown): unknown {
  try {
    return jsonCopy(result);
  } catch (error) {
    // A result JSON cannot carry is the handler's fault, as it is over HTTP: 500.
    logUnexpectedError(`endpoint ${endpoint.service}.${endpoint.name} (its result)`, error);
    throw internalError();
  }
}

/** The error as a remote caller would see it: a fresh `APIError`, or `internal`. */
function copyError(endpoint: LocalEndpoint, error: unknown): APIError {
  if (error instanceof APIError) {
    try {
      return new APIError(error.code, error.message, jsonCopy(error.details));
    } catch (copyFailure) {
      logUnexpectedError(`endpoint ${endpoint.service}.${endpoint.name} (its error details)`, copyFailure);
      return internalError();
    }
  }
  logUnexpectedError(`endpoint ${endpoint.service}.${endpoint.name}`, error);
  return internalError();
}

// ---------------------------------------------------------------------------------------
// Over HTTP

interface ResolvedCall {
  readonly context: CallContext;
  readonly baseUrl: string;
  readonly credentials: Credentials;
}

/**
 * A call to a service hosted elsewhere: `POST <discovery[service]>/__topo/call/<service>/<name>`
 * with a JSON body and the internal-call credential, on a keep-alive connection.
 */
function callOverHttp(service: string, name: string, request: unknown): Promise<unknown> {
  let resolved: ResolvedCall;
  let body: string;
  try {
    resolved = resolveCall(service, name);
    body = serializeRequest(request);
  } catch (error) {
    return Promise.reject(error);
  }
  return sendCall(resolved, service, name, body, true);
}

function resolveCall(service: string, name: string): ResolvedCall {
  const context = callContext();
  const baseUrl = context.discovery[service];
  if (baseUrl === undefined) {
    throw new APIError(
      ErrCode.Unavailable,
      `cannot call ${service}.${name}: service "${service}" is not hosted in this process and has no address; ` +
        `set TOPO_DISCOVERY to a JSON object from service name to base URL, e.g. {"${service}":"http://127.0.0.1:4101"}`,
    );
  }
  if (context.credentials === undefined) {
    throw new APIError(
      ErrCode.Unauthenticated,
      `cannot call ${service}.${name}: this process has no internal-call secret; set TOPO_SECRET to the app's shared secret in every process`,
    );
  }
  return { context, baseUrl, credentials: context.credentials };
}

function serializeRequest(request: unknown): string {
  if (request === undefined) return '{}';
  let body: string | undefined;
  try {
    body = JSON.stringify(request);
  } catch {
    // Same message as in-process: the copy throws the APIError describing the problem.
    jsonCopy(request);
  }
  // JSON text is an object exactly when it starts with "{"; parse only to describe a refusal.
  if (body === undefined || body.charCodeAt(0) !== 123) {
    throw (checkRequestObject(body === undefined ? undefined : JSON.parse(body)) as Invalid).toAPIError();
  }
  return body;
}

function sendCall(call: ResolvedCall, service: string, name: string, body: string, mayRetry: boolean): Promise<unknown> {
  const target = parseTarget(call.baseUrl);
  const path = `${target.pathPrefix}${INTERNAL_CALL_PREFIX}${service}/${name}`;
  return new Promise<unknown>((resolve, reject) => {
    const request = http.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: 'POST',
      path,
      agent: keepAliveAgent(target.protocol),
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...internalCallHeaders(call.credentials, call.context.caller, 'POST', path),
      },
    });
    limitConnectTime(request);
    request.on('response', (response) => readAnswer(response, service, name, call.baseUrl, resolve, reject));
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A keep-alive socket the server closed while we picked it: the request never reached the
      // handler, so sending it again on a fresh connection is safe (Node's documented pattern).
      if (mayRetry && request.reusedSocket && error.code === 'ECONNRESET') {
        sendCall(call, service, name, body, false).then(resolve, reject);
        return;
      }
      reject(unavailable(service, call.baseUrl, error));
    });
    request.end(body);
  });
}

function readAnswer(
  response: http.IncomingMessage,
  service: string,
  name: string,
  baseUrl: string,
  resolve: (value: unknown) => void,
  reject: (error: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('error', (error) => reject(unavailable(service, baseUrl, error)));
  response.on('end', () => {
    const status = response.statusCode ?? 500;
    const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      if (status < 300) {
        reject(new APIError(ErrCode.Internal, `service "${service}" answered ${name} with a body that is not JSON`));
        return;
      }
    }
    if (status >= 200 && status < 300) resolve(status === 204 ? undefined : parsed);
    else reject(APIError.fromResponse(status, parsed));
  });
}

function unavailable(service: string, baseUrl: string, error: Error): APIError {
  return new APIError(ErrCode.Unavailable, `service "${service}" at ${baseUrl} is unavailable: ${error.message}`);
}

// ---------------------------------------------------------------------------------------
// Outside runProcess (scripts, tests), the environment says where services are.

let environmentContext: { secret: string | undefined; discovery: string | undefined; context: CallContext } | undefined;

function callContext(): CallContext {
  const registered = registeredCallContext();
  if (registered !== undefined) return registered;
  const secret = process.env.TOPO_SECRET || undefined;
  const discovery = process.env.TOPO_DISCOVERY || undefined;
  if (environmentContext === undefined || environmentContext.secret !== secret || environmentContext.discovery !== discovery) {
    const context: CallContext = { caller: 'script', credentials: secret ? new Credentials(secret) : undefined, discovery: readDiscovery(discovery) };
    environmentContext = { secret, discovery, context };
  }
  return environmentContext.context;
}

function readDiscovery(raw: string | undefined): Discovery {
  if (raw === undefined) return {};
  try {
    return parseDiscovery(raw);
  } catch (error) {
    if (error instanceof ConfigError) throw new APIError(ErrCode.Unavailable, error.message);
    throw error;
  }
}
