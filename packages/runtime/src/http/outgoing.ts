import http from 'node:http';
import https from 'node:https';

/**
 * Outgoing connections to other processes of the app: one keep-alive agent per protocol,
 * shared by clients, and the connect timeout that turns a black-holed address into a quick
 * "unavailable" instead of a hang.
 */

/** How long to wait for a TCP connection before calling the target unavailable. */
export const CONNECT_TIMEOUT_MS = 1000;

/** Connections per target: generous, since every call in flight holds one. */
const MAX_SOCKETS = 512;

/**
 * How long an idle kept-alive connection is kept: under node's default server keep-alive
 * timeout (5 s), so we drop a connection before the server does instead of sending a request
 * down a socket it is closing.
 */
const FREE_SOCKET_TIMEOUT_MS = 4000;

const AGENT_OPTIONS = { keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: 64, timeout: FREE_SOCKET_TIMEOUT_MS };

let httpAgent: http.Agent | undefined;
let httpsAgent: https.Agent | undefined;

/** The shared keep-alive agent for a protocol (`http:` or `https:`). */
export function keepAliveAgent(protocol: string): http.Agent {
  if (protocol === 'https:') return (httpsAgent ??= new https.Agent(AGENT_OPTIONS));
  return (httpAgent ??= new http.Agent(AGENT_OPTIONS));
}

/** A base URL taken apart once, for building request options without parsing per call. */
export interface Target {
  readonly baseUrl: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port: number;
  /** The base URL's own path, without trailing slash ('' for most). */
  readonly pathPrefix: string;
}

const targets = new Map<string, Target>();

export function parseTarget(baseUrl: string): Target {
  let target = targets.get(baseUrl);
  if (target === undefined) {
    const url = new URL(baseUrl);
    target = {
      baseUrl,
      protocol: url.protocol,
      // URL keeps the brackets of an IPv6 host; http.request wants it bare.
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
      pathPrefix: url.pathname.replace(/\/+$/, ''),
    };
    targets.set(baseUrl, target);
  }
  return target;
}

/**
 * Destroys a request that has not connected within {@link CONNECT_TIMEOUT_MS}. A reused
 * keep-alive socket is already connected and gets no timer. Works whether or not the request
 * has its socket yet (http-proxy reports requests from inside their 'socket' event).
 */
export function limitConnectTime(request: http.ClientRequest, timeoutMs = CONNECT_TIMEOUT_MS): void {
  if (request.socket) watchConnect(request, request.socket, timeoutMs);
  else request.once('socket', (socket) => watchConnect(request, socket, timeoutMs));
}

function watchConnect(request: http.ClientRequest, socket: import('node:net').Socket, timeoutMs: number): void {
  if (!socket.connecting) return;
  const timer = setTimeout(() => {
    const error = new Error(`connect timed out after ${timeoutMs} ms`) as NodeJS.ErrnoException;
    error.code = 'ETIMEDOUT';
    request.destroy(error);
  }, timeoutMs);
  const clear = (): void => clearTimeout(timer);
  socket.once('connect', clear);
  request.once('close', clear);
}
