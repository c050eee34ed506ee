/**
 * Error codes an endpoint can answer with: Encore's set, which is gRPC's.
 *
 * @example
 * ```ts
 * throw new APIError(ErrCode.NotFound, 'no such user');
 * ```
 */
export enum ErrCode {
  Canceled = 'canceled',
  Unknown = 'unknown',
  InvalidArgument = 'invalid_argument',
  DeadlineExceeded = 'deadline_exceeded',
  NotFound = 'not_found',
  AlreadyExists = 'already_exists',
  PermissionDenied = 'permission_denied',
  ResourceExhausted = 'resource_exhausted',
  FailedPrecondition = 'failed_precondition',
  Aborted = 'aborted',
  OutOfRange = 'out_of_range',
  Unimplemented = 'unimplemented',
  Internal = 'internal',
  Unavailable = 'unavailable',
  DataLoss = 'data_loss',
  Unauthenticated = 'unauthenticated',
}

/**
 * The one mapping from error code to HTTP status: the gRPC-gateway table Encore uses.
 * Everything that answers HTTP for an `APIError` reads it from here.
 */
const HTTP_STATUS: Readonly<Record<ErrCode, number>> = {
  [ErrCode.Canceled]: 499,
  [ErrCode.Unknown]: 500,
  [ErrCode.InvalidArgument]: 400,
  [ErrCode.DeadlineExceeded]: 504,
  [ErrCode.NotFound]: 404,
  [ErrCode.AlreadyExists]: 409,
  [ErrCode.PermissionDenied]: 403,
  [ErrCode.ResourceExhausted]: 429,
  [ErrCode.FailedPrecondition]: 400,
  [ErrCode.Aborted]: 409,
  [ErrCode.OutOfRange]: 400,
  [ErrCode.Unimplemented]: 501,
  [ErrCode.Internal]: 500,
  [ErrCode.Unavailable]: 503,
  [ErrCode.DataLoss]: 500,
  [ErrCode.Unauthenticated]: 401,
};

/**
 * The inverse, for answers that carry no recognisable code (a proxy's HTML error page, say).
 * Where two codes share a status, the more general one wins.
 */
const CODE_FOR_STATUS: ReadonlyMap<number, ErrCode> = new Map([
  [400, ErrCode.InvalidArgument],
  [401, ErrCode.Unauthenticated],
  [403, ErrCode.PermissionDenied],
  [404, ErrCode.NotFound],
  [405, ErrCode.Unimplemented],
  [409, ErrCode.Aborted],
  [413, ErrCode.ResourceExhausted],
  [429, ErrCode.ResourceExhausted],
  [499, ErrCode.Canceled],
  [501, ErrCode.Unimplemented],
  [502, ErrCode.Unavailable],
  [503, ErrCode.Unavailable],
  [504, ErrCode.DeadlineExceeded],
]);

const ERR_CODES: ReadonlySet<string> = new Set(Object.values(ErrCode));

/**
 * The JSON body of every error answer.
 *
 * @example
 * ```ts
 * const body: ErrorBody = { code: ErrCode.NotFound, message: 'no such user' };
 * ```
 */
export interface ErrorBody {
  code: ErrCode;
  message: string;
  details?: unknown;
}

/**
 * An error an endpoint answers with on purpose. Its code picks the HTTP status; its message
 * and details reach the caller unchanged, over HTTP and in-process alike. Any other error a
 * handler throws answers 500 `{ "code": "internal", "message": "internal error" }`.
 *
 * @example
 * ```ts
 * export const get = api({ expose: true, method: 'GET', path: '/users/:id' }, async ({ id }: { id: string }) => {
 *   const user = await findUser(id);
 *   if (!user) throw new APIError(ErrCode.NotFound, 'no such user', { id });
 *   return user;
 * });
 * ```
 */
export class APIError extends Error {
  readonly code: ErrCode;
  readonly details?: unknown;

  constructor(code: ErrCode, message: string, details?: unknown) {
    super(message);
    this.name = 'APIError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }

  /** The HTTP status this error answers with. */
  get status(): number {
    return httpStatusOf(this.code);
  }

  /** The error's JSON body; `details` only when given. */
  toJSON(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  /**
   * Rebuilds the error a service answered with from the HTTP status and the parsed body, so
   * a caller over HTTP gets the same `APIError` as a caller in-process.
   *
   * @example
   * ```ts
   * APIError.fromResponse(404, { code: 'not_found', message: 'no such user' }).code; // 'not_found'
   * ```
   */
  static fromResponse(status: number, body: unknown): APIError {
    if (isErrorBody(body)) return new APIError(body.code, body.message, body.details);
    return new APIError(errCodeForStatus(status), `request failed with HTTP ${status}`);
  }
}

/** The HTTP status for an error code. */
export function httpStatusOf(code: ErrCode): number {
  return HTTP_STATUS[code] ?? 500;
}

/** The error code that best describes an HTTP status, for errors that only carry a status. */
export function errCodeForStatus(status: number): ErrCode {
  return CODE_FOR_STATUS.get(status) ?? (status >= 500 ? ErrCode.Internal : ErrCode.Unknown);
}

export function isErrCode(value: unknown): value is ErrCode {
  return typeof value === 'string' && ERR_CODES.has(value);
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null) return false;
  const { code, message } = body as { code?: unknown; message?: unknown };
  return isErrCode(code) && typeof message === 'string';
}

/** What a client is told when a handler fails with anything but an `APIError`. */
export const INTERNAL_ERROR_MESSAGE = 'internal error';

/** The error a client sees for an unexpected failure: never the original message or stack. */
export function internalError(): APIError {
  return new APIError(ErrCode.Internal, INTERNAL_ERROR_MESSAGE);
}

/**
 * Reports an unexpected failure where an operator will see it, naming where it happened,
 * since the client only learns that something went wrong.
 */
export function logUnexpectedError(where: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  process.stderr.write(`topo: ${where} failed: ${detail}\n`);
}
