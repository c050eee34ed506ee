import { APIError, internalError, logUnexpectedError } from '../errors';
import { jsonCopy } from '../json-copy';
import type { LocalEndpoint } from '../registry';
import { checkRequestObject, Invalid } from '../validation';

/** A hosted endpoint with its result and error handlers made once, so a call allocates no closures. */
export interface InProcessTarget {
  readonly handler: (req: unknown) => unknown;
  readonly check: LocalEndpoint['check'];
  readonly onResult: (result: unknown) => unknown;
  readonly onError: (error: unknown) => never;
}

export function inProcessTarget(endpoint: LocalEndpoint): InProcessTarget {
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
export function callInProcess(target: InProcessTarget, request: unknown): Promise<unknown> {
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
  if (result instanceof Promise) return result.then(target.onResult, target.onError);
  if (isThenable(result)) return Promise.resolve(result).then(target.onResult, target.onError);
  // A handler that answered synchronously needs no extra tick for its copy.
  try {
    return Promise.resolve(target.onResult(result));
  } catch (error) {
    return Promise.reject(error);
  }
}

function isThenable(value: unknown): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
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
