import { AsyncLocalStorage } from 'node:async_hooks';
import { DEFAULT_TIMEOUT_MS } from './contract';
import { APIError, ErrCode } from './errors';

/**
 * Deadlines: every request a process serves has one, the endpoint's `timeout` from when it
 * arrived, or sooner when the caller's own deadline comes first. The handler runs inside it,
 * so the calls it makes (in-process or over HTTP) get what is left, and their callee runs
 * inside that in turn: a deadline propagates down a chain of calls. Past it, the request
 * answers 504 `deadline_exceeded`, and a call raises the same `APIError`.
 */

/**
 * Header of an internal call: the milliseconds the caller has left, so the callee stops when
 * the caller does. Relative, so that the clocks of two hosts need not agree; only trusted on
 * a credentialed call (clients' `x-topo-*` headers are dropped).
 */
export const DEADLINE_HEADER = 'x-topo-deadline';

interface DeadlineState {
  readonly storage: AsyncLocalStorage<number>;
}

// One store for every copy of the runtime in the process, like the registry.
const STATE_KEY = Symbol.for('@topo/runtime.deadline');
const state: DeadlineState = ((globalThis as { [STATE_KEY]?: DeadlineState })[STATE_KEY] ??= { storage: new AsyncLocalStorage<number>() });

/**
 * Runs `work` with `deadline` (a `Date.now()` time) as the current deadline: what the calls it
 * makes, synchronously or after any await, see with {@link currentDeadline}.
 */
export function runWithDeadline<A extends unknown[], T>(deadline: number, work: (...args: A) => T, ...args: A): T {
  return state.storage.run(deadline, work, ...args);
}

/** The deadline of the request being served here, if any. */
export function currentDeadline(): number | undefined {
  return state.storage.getStore();
}

/**
 * The deadline of a request that arrives now for an endpoint with `timeout`: its timeout, or
 * the caller's `remaining` milliseconds (from {@link DEADLINE_HEADER}) when sooner.
 */
export function deadlineOf(timeout: number, now: number, remaining?: number): number {
  return remaining !== undefined && remaining < timeout ? now + remaining : now + timeout;
}

/** The milliseconds a call made now may take: what is left of the current deadline, else the default timeout. */
export function timeLeftForCall(now = Date.now()): number {
  const deadline = currentDeadline();
  return deadline === undefined ? DEFAULT_TIMEOUT_MS : deadline - now;
}

/**
 * Reads {@link DEADLINE_HEADER}: whole milliseconds, 0 or more; anything else counts as absent.
 *
 * @example
 * ```ts
 * remainingFromHeader('2500'); // 2500
 * ```
 */
export function remainingFromHeader(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value)) return undefined;
  return Number(value);
}

/** The error of a request or call past its deadline, the same in-process and over HTTP. */
export function deadlineExceeded(what: string): APIError {
  return new APIError(ErrCode.DeadlineExceeded, `${what} did not finish within its deadline`);
}
