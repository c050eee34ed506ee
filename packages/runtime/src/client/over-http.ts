import http from 'node:http';
import https from 'node:https';
import { AUTH_HEADER, CALLER_HEADER, Credentials } from '../credential';
import { DEADLINE_HEADER, deadlineExceeded, timeLeftForCall } from '../deadline';
import { ConfigError, parseDiscovery, type Discovery } from '../environment';
import { APIError, ErrCode } from '../errors';
import { keepAliveAgent, limitConnectTime, parseTarget } from '../http/outgoing';
import { internalCallPath } from '../internal-call';
import { jsonCopy, jsonNestsDeeperThan, tooDeepError } from '../json-copy';
import { registeredCallContext, type CallContext } from '../registry';
import { checkRequestObject, type Invalid } from '../validation';

interface ResolvedCall {
  readonly context: CallContext;
  readonly baseUrl: string;
  readonly credentials: Credentials;
}

/**
 * A call to a service hosted elsewhere: `POST <discovery[service]>/__topo/call/<service>/<name>`
 * with a JSON body and the internal-call credential, on a keep-alive connection.
 */
export function callOverHttp(service: string, name: string, request: unknown): Promise<unknown> {
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
  const path = `${target.pathPrefix}${internalCallPath(service, name)}`;
  const transport = target.protocol === 'https:' ? https : http;
  // What is left of the current request's deadline (else the default timeout): the callee
  // learns it, and the call gives up when it runs out.
  const left = timeLeftForCall();
  if (left <= 0) return Promise.reject(deadlineExceeded(`${service}.${name}`));
  const caller = call.context.caller;
  return new Promise<unknown>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      request.destroy();
      reject(deadlineExceeded(`${service}.${name}`));
    }, left);
    const settle = {
      resolve: (value: unknown) => {
        clearTimeout(timer);
        resolve(value);
      },
      reject: (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    };
    const request = transport.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: 'POST',
      path,
      agent: keepAliveAgent(target.protocol),
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        [CALLER_HEADER]: caller,
        // A credential for this request only: a retry below signs again.
        [AUTH_HEADER]: call.credentials.sign({ method: 'POST', target: path, caller, body }),
        [DEADLINE_HEADER]: String(left),
      },
    });
    limitConnectTime(request);
    request.on('response', (response) => readAnswer(response, service, name, call.baseUrl, settle.resolve, settle.reject));
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (timedOut) return;
      // A keep-alive socket the server closed while we picked it: the request never reached the
      // handler, so sending it again on a fresh connection is safe (Node's documented pattern).
      if (mayRetry && request.reusedSocket && error.code === 'ECONNRESET') {
        sendCall(call, service, name, body, false).then(settle.resolve, settle.reject);
        return;
      }
      settle.reject(unavailable(service, call.baseUrl, error));
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
    // A result nested deeper than in-process calls copy is refused the same way here.
    if (jsonNestsDeeperThan(text)) {
      reject(tooDeepError());
      return;
    }
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

/**
 * What the caller (and, if it lets the error through, its client) learns when a service
 * cannot be reached: that it is unavailable, with no address, port or socket error in it.
 * The operator reads those on stderr, one line per outage of an address every ten seconds.
 */
function unavailable(service: string, baseUrl: string, error: Error, now = Date.now()): APIError {
  const last = lastLogged.get(baseUrl);
  if (last === undefined || now - last >= LOG_EVERY_MS) {
    lastLogged.set(baseUrl, now);
    process.stderr.write(`topo: call to service "${service}" at ${baseUrl} failed (${(error as NodeJS.ErrnoException).code ?? error.message}); it answers unavailable until it is back\n`);
  }
  return new APIError(ErrCode.Unavailable, `service "${service}" is unavailable; try again later`);
}

const LOG_EVERY_MS = 10_000;
const lastLogged = new Map<string, number>();

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
