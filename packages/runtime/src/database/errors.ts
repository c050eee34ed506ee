import { APIError, ErrCode } from '../errors';

/**
 * What a failed query becomes. A database that cannot be reached is the caller's business
 * (503 `unavailable`, so a client may retry), told without the address, port or driver text;
 * an error of the statement itself (syntax, a constraint) is a bug of the code that sent it:
 * it stays the driver's error (its `code`, `constraint`, `detail` for the code to inspect),
 * which the host logs and answers 500 `internal` without its text.
 */

/** SQLSTATE classes and codes that mean "the server is not there for us", not "your SQL is wrong". */
const UNAVAILABLE_SQLSTATE = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '53300', // too_many_connections
  '3D000', // invalid_catalog_name: the database in the connection string does not exist
  '28P01', // invalid_password
  '28000', // invalid_authorization_specification
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);

/** Messages node-postgres gives its own connection failures, which carry no code. */
const DRIVER_CONNECTION_MESSAGES = [/^Connection terminated/, /^timeout expired/i, /timeout exceeded when trying to connect/i, /^Client has encountered a connection error/, /^Connection ended/];

/** Whether an error says the database could not be reached, rather than that a statement failed. */
export function isUnavailableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.has(code) || code.startsWith('08')) return true;
  }
  if (typeof message === 'string' && DRIVER_CONNECTION_MESSAGES.some((pattern) => pattern.test(message))) return true;
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined && cause !== error) return isUnavailableError(cause);
  // Several addresses tried at once (localhost: ::1 and 127.0.0.1) fail as one AggregateError
  // (maybe from another realm: looked at, not tested with instanceof).
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) return errors.some(isUnavailableError);
  return false;
}

/**
 * An error's message, also for errors made in another realm (Node's own `net` errors seen
 * from a Jest sandbox are not `instanceof Error` there); its code when the message is empty
 * (an AggregateError of every address tried).
 */
export function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { message, code } = error as { message?: unknown; code?: unknown };
    if (typeof message === 'string' && message !== '') return message;
    if (typeof code === 'string') return code;
  }
  return String(error);
}

/** The error an endpoint answers with when its database is down: no address, port or driver text. */
export function unavailableError(database: string): APIError {
  return new APIError(ErrCode.Unavailable, `database "${database}" is unavailable; try again later`);
}

/** How often one database's outage is logged: one line per outage, not one per request. */
const LOG_EVERY_MS = 10_000;
const lastLogged = new Map<string, number>();

/** Tells the operator why, where clients only learn that the database is unavailable. */
export function logUnavailable(database: string, error: unknown, now = Date.now()): void {
  const last = lastLogged.get(database);
  if (last !== undefined && now - last < LOG_EVERY_MS) return;
  lastLogged.set(database, now);
  process.stderr.write(`topo: database "${database}" is unavailable (${messageOf(error)}); its queries answer 503 until it is back\n`);
}

/**
 * The configuration problem of a database: no connection string, a migrations folder that
 * is not there. Thrown at the first query (or at start, for migrations), message naming the
 * variable or file to fix.
 */
export class DatabaseConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseConfigError';
  }
}

/** A migration that failed: the file, and Postgres's own message. The database is as it was before the file. */
export class MigrationError extends Error {
  readonly database: string;
  readonly file: string;

  constructor(database: string, file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
    this.database = database;
    this.file = file;
  }
}
