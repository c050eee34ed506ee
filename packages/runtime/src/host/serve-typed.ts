import type { IncomingMessage, ServerResponse } from 'node:http';
import { QUERY_METHODS } from '../api';
import { APIError, internalError, logUnexpectedError } from '../errors';
import { BodyTooLarge, hasBody, parseJsonBody, parseQuery, queryOf, readBody } from '../http/incoming';
import { sendError, sendResult } from '../http/respond';
import { checkRequestObject, Invalid, type Check } from '../validation';
import { deadlineExceeded, runWithDeadline } from '../deadline';
import type { TypedRoute } from './plan';

/**
 * The typed-endpoint pipeline: request fields from the path and the query string or JSON
 * body, the compiled check, the handler, the JSON answer. Shared by the fast path, the
 * express path (for services with middleware) and internal calls.
 */

/** Serves a request matched to a typed endpoint's public path. */
export function serveTyped(route: TypedRoute, req: IncomingMessage, res: ServerResponse, method: string, params: readonly string[]): void {
  if (QUERY_METHODS.has(method)) {
    const fields = queryFields(req.url ?? '', route.paramNames, params);
    runHandler(route, route.queryCheck, fields, res);
    return;
  }
  // A body a middleware already parsed (express.json(), say) is used as is.
  const parsed = (req as { body?: unknown }).body;
  if (parsed !== undefined) {
    runWithBody(route, route.bodyCheck, parsed, route.paramNames, params, res);
    return;
  }
  if (!hasBody(req)) {
    runHandler(route, route.bodyCheck, pathFields(route.paramNames, params, {}), res);
    return;
  }
  readBody(req, route.bodyLimit).then(
    (text) => runWithText(route, route.bodyCheck, text, route.paramNames, params, res),
    (error: unknown) => sendRequestError(res, error),
  );
}

/** Serves an internal call: the whole request is the JSON body, checked strictly. */
export function serveInternalCall(route: TypedRoute, body: string, res: ServerResponse, deadline: number): void {
  if (body === '') runHandler(route, route.strictCheck, {}, res, deadline);
  else runWithText(route, route.strictCheck, body, NO_PARAMS, NO_PARAMS, res, deadline);
}

const NO_PARAMS: readonly string[] = [];

function runWithText(
  route: TypedRoute,
  check: Check | null,
  text: string,
  names: readonly string[],
  params: readonly string[],
  res: ServerResponse,
  deadline?: number,
): void {
  let body: unknown;
  try {
    body = parseJsonBody(text);
  } catch (error) {
    sendRequestError(res, error);
    return;
  }
  runWithBody(route, check, body, names, params, res, deadline);
}

function runWithBody(
  route: TypedRoute,
  check: Check | null,
  body: unknown,
  names: readonly string[],
  params: readonly string[],
  res: ServerResponse,
  deadline?: number,
): void {
  const invalid = checkRequestObject(body);
  if (invalid !== undefined) {
    sendError(res, invalid.toAPIError());
    return;
  }
  runHandler(route, check, pathFields(names, params, body as Record<string, unknown>), res, deadline);
}

/** Query fields, then path parameters over them: the path is the more specific source. */
function queryFields(url: string, names: readonly string[], params: readonly string[]): Record<string, unknown> {
  const query = queryOf(url);
  const fields: Record<string, unknown> = {};
  if (query !== '') parseQuery(query, fields);
  return pathFields(names, params, fields);
}

function pathFields(names: readonly string[], params: readonly string[], into: Record<string, unknown>): Record<string, unknown> {
  for (let i = 0; i < names.length; i++) into[names[i]] = params[i];
  return into;
}

/**
 * Checks the request, runs the handler within its deadline (the endpoint's timeout from now,
 * unless the caller's came with the request) and answers; nothing here may throw past it. A
 * handler still running at the deadline gets 504 `deadline_exceeded` answered for it, and
 * what it settles with later is dropped.
 */
function runHandler(route: TypedRoute, check: Check | null, fields: Record<string, unknown>, res: ServerResponse, deadline?: number): void {
  let request: unknown = fields;
  if (check !== null) {
    request = check(fields);
    if (request instanceof Invalid) {
      sendError(res, request.toAPIError());
      return;
    }
  }
  const now = Date.now();
  const until = deadline ?? now + route.timeout;
  let result: unknown;
  try {
    result = runWithDeadline(until, route.handler, request);
  } catch (error) {
    sendHandlerError(route, res, error);
    return;
  }
  if (!isThenable(result)) {
    sendHandlerResult(route, res, result);
    return;
  }
  let settled = false;
  const timer = setTimeout(() => {
    settled = true;
    sendError(res, deadlineExceeded(`${route.service}.${route.name}`));
  }, Math.max(0, until - now));
  result.then(
    (value: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sendHandlerResult(route, res, value);
    },
    (error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sendHandlerError(route, res, error);
    },
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

function sendHandlerResult(route: TypedRoute, res: ServerResponse, value: unknown): void {
  let body: string | undefined;
  try {
    body = JSON.stringify(value);
  } catch (error) {
    logUnexpectedError(`endpoint ${route.service}.${route.name} (serialising its result)`, error);
    sendError(res, internalError());
    return;
  }
  sendResult(res, body);
}

/** An `APIError` reaches the client as thrown; anything else is logged and answered 500. */
export function sendHandlerError(route: { service: string; name: string }, res: ServerResponse, error: unknown): void {
  if (error instanceof APIError) {
    sendError(res, error);
    return;
  }
  logUnexpectedError(`endpoint ${route.service}.${route.name}`, error);
  sendError(res, internalError());
}

/** A request that could not be read: 413 for an oversized body (closing the connection), else its error. */
export function sendRequestError(res: ServerResponse, error: unknown): void {
  if (error instanceof BodyTooLarge) {
    res.setHeader('connection', 'close');
    sendError(res, error, 413);
  } else if (error instanceof APIError) {
    sendError(res, error);
  } else {
    // The connection failed while reading: there is nobody left to answer.
    res.destroy();
  }
}
