import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { APIError, ErrCode, httpStatusOf, internalError, logUnexpectedError } from '../errors';

/**
 * Writing answers. Every answer of the host and the gateway is JSON with a content-length;
 * errors share one body shape, `{ "code", "message", "details"? }`.
 */

const JSON_TYPE = 'application/json';

/** Sends a JSON text with its status. */
export function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Sends an endpoint's result: JSON, or 204 when there is nothing to send. */
export function sendResult(res: ServerResponse, body: string | undefined): void {
  if (body === undefined) {
    res.writeHead(204);
    res.end();
  } else {
    sendJson(res, 200, body);
  }
}

/**
 * Sends an error. The status comes from the code's mapping unless the protocol calls for
 * its own (405, 413). Does nothing more than end the response if the headers are gone.
 */
export function sendError(res: ServerResponse, error: APIError, status = httpStatusOf(error.code), headers?: Record<string, string>): void {
  if (res.headersSent) {
    // Too late for a status: cut the answer short so the client sees it failed.
    res.destroy();
    return;
  }
  let body: string;
  try {
    body = JSON.stringify(error);
  } catch (failure) {
    // Details JSON cannot carry (a BigInt, a cycle) are a bug of whoever threw: 500.
    logUnexpectedError(`sending the error "${error.message}" (its details are not JSON)`, failure);
    sendJson(res, 500, JSON.stringify(internalError()));
    return;
  }
  if (headers !== undefined) for (const name of Object.keys(headers)) res.setHeader(name, headers[name]);
  sendJson(res, status, body);
}

/** The answer for a path no route serves, identical in a process and in the gateway. */
export function sendNotFound(res: ServerResponse, method: string, path: string): void {
  sendError(res, notFoundError(method, path));
}

export function notFoundError(method: string, path: string): APIError {
  const shown = path.length > 200 ? `${path.slice(0, 200)}...` : path;
  return new APIError(ErrCode.NotFound, `no endpoint for ${method} ${shown}`);
}

/** 405, with the methods the path does answer. */
export function sendMethodNotAllowed(res: ServerResponse, method: string, path: string, allow: string): void {
  sendError(res, new APIError(ErrCode.Unimplemented, `${path} does not answer ${method}; it answers ${allow}`), 405, { allow });
}

/**
 * A request node could not even parse (or that took too long to arrive): answer in our JSON
 * shape rather than node's bare status line. The host and the gateway answer alike.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason, code] = clientErrorStatus(error.code);
  const body = JSON.stringify(new APIError(code, `malformed HTTP request (${error.code ?? 'parse error'})`));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * A CONNECT request (a client taking the server for a proxy): node hands it over as a bare
 * socket and, with nobody listening, closes it without a word. Answer 405 in our JSON shape
 * instead, and close. The host and the gateway answer alike.
 */
export function answerConnect(req: IncomingMessage, socket: Duplex): void {
  const target = (req.url ?? '').slice(0, 200);
  const body = JSON.stringify(new APIError(ErrCode.Unimplemented, `CONNECT ${target} is not answered: this server is not a proxy`));
  socket.on('error', () => socket.destroy());
  socket.end(
    `HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function clientErrorStatus(code: string | undefined): [number, string, ErrCode] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'Request Header Fields Too Large', ErrCode.InvalidArgument];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'Request Timeout', ErrCode.DeadlineExceeded];
  return [400, 'Bad Request', ErrCode.InvalidArgument];
}
