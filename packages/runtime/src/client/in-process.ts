import { currentDeadline, deadlineExceeded, runWithDeadline } from '../deadline';
import { APIError, internalError, logUnexpectedError } from '../errors';
import { jsonCopy } from '../json-copy';
import type { LocalEndpoint } from '../registry';
import { checkRequestObject, Invalid } from '../validation';

/** A hosted endpoint with its result and error handlers made once, so a call allocates no closures. */
export interface InProcessTarget {
  readonly handler: (req: unknown) => unknown;
  readonly check: LocalEndpoint['check'];
  readonly timeout: number;
  /** `<service>.<name>`, for the deadline's error. */
  readonly what: string;
  readonly onResult: (result: unknown) => unknown;
  readonly onError: (error: unknown) => never;
}

export function inProcessTarget(endpoint: LocalEndpoint): InProcessTarget {
  return {
    handler: endpoint.handler,
    check: endpoint.check,
    timeout: endpoint.timeout,
    what: `${endpoint.service}.${endpoint.name}`,
    onResult: (result) => copyResult(endpoint, result),
    onError: (error) => {
      throw copyError(endpoint, error);
    },
  };
}

/**
 * An in-process call: copy in, validate, run, copy out, as over HTTP. Made while serving a
 * request, it has the same deadline as over HTTP: the callee's timeout, or what is left of
 * the caller's deadline when sooner; the callee runs inside it (its own calls get what is
 * left), and a call still running at the deadline rejects with `deadline_exceeded`.
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
  const now = Date.now();
  const current = currentDeadline();
  if (current !== undefined && current <= now) return Promise.reject(deadlineExceeded(target.what));
  // Within a request, the sooner of the caller's deadline and the callee's own timeout; the
  // callee enters a deadline context only when its own comes first. Outside any request (a
  // job, start-up code), an in-process call is a function call with copies: no context
  // (AsyncLocalStorage would put hooks on every promise of the process) and no deadline, the
  // caller deciding how long to wait.
  const until = current === undefined ? Infinity : Math.min(current, now + target.timeout);
  let result: unknown;
  try {
    result = until < (current ?? Infinity) ? runWithDeadline(until, target.handler, input) : target.handler(input);
  } catch (error) {
    return Promise.reject(catchSync(target, error));
  }
  if (until === Infinity) {
    if (result instanceof Promise) return result.then(target.onResult, target.onError);
    if (isThenable(result)) return Promise.resolve(result).then(target.onResult, target.onError);
  } else if (isThenable(result)) {
    return withinDeadline(target, result as PromiseLike<unknown>, until);
  }
  // A handler that answered synchronously needs no extra tick for its copy.
  try {
    return Promise.resolve(target.onResult(result));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** An in-process call still running, and when it runs out of time. */
interface PendingCall {
  readonly until: number;
  readonly what: string;
  readonly reject: (error: unknown) => void;
}

/**
 * The calls still running. One sweep every {@link SWEEP_MS} rejects those past their deadline:
 * a timer per call would cost more than the rest of the call (about a microsecond against a
 * quarter of one), and a deadline is a matter of seconds.
 */
const pending = new Set<PendingCall>();
const SWEEP_MS = 25;
let sweeper: NodeJS.Timeout | undefined;

function sweep(): void {
  const now = Date.now();
  for (const call of pending) {
    if (call.until > now) continue;
    pending.delete(call);
    call.reject(deadlineExceeded(call.what));
  }
  if (pending.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** The handler's promise, copied out, or `deadline_exceeded` when it is still pending at `until`. */
function withinDeadline(target: InProcessTarget, result: PromiseLike<unknown>, until: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const call: PendingCall = { until, what: target.what, reject };
    pending.add(call);
    // Kept only while calls run, and never keeping the process alive by itself.
    if (sweeper === undefined) (sweeper = setInterval(sweep, SWEEP_MS)).unref();
    result.then(
      (value) => {
        if (!pending.delete(call)) return;
        try {
          resolve(target.onResult(value));
        } catch (error) {
          reject(error);
        }
      },
      (error: unknown) => {
        if (!pending.delete(call)) return;
        try {
          target.onError(error);
        } catch (copied) {
          reject(copied);
        }
      },
    );
  });
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
