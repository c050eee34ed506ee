import type { IncomingMessage } from 'node:http';
import { APIError, ErrCode } from '../errors';
import { jsonNestsDeeperThan, tooDeepError } from '../json-copy';

/**
 * Reading requests without `new URL` or a body-parser: the path and query are cut out of
 * `req.url` by index, the body is collected only for methods that carry one.
 */

/** The path part of a request target: `/a/b?x=1` → `/a/b`. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  // An absolute-form target (`GET http://host/a HTTP/1.1`) is legal; route on its path.
  return path.charCodeAt(0) === 47 /* / */ ? path : absolutePath(path);
}

function absolutePath(target: string): string {
  try {
    return new URL(target).pathname;
  } catch {
    return target;
  }
}

/**
 * The 400 for a path whose percent escapes are malformed (`%ZZ`) or do not decode to UTF-8
 * (`%E0%A4%A`); undefined for a well-formed path. The host and the gateway refuse such a
 * path before routing, so that no handler gets a parameter other than what the client meant.
 */
export function pathEncodingError(path: string): APIError | undefined {
  if (path.indexOf('%') === -1) return undefined;
  try {
    decodeURIComponent(path);
    return undefined;
  } catch {
    const shown = path.length > 200 ? `${path.slice(0, 200)}...` : path;
    return new APIError(
      ErrCode.InvalidArgument,
      `malformed percent-encoding in the path ${shown}: each "%" must start an escape of UTF-8 bytes such as %C3%A9; send a literal "%" as %25`,
    );
  }
}

/** The query string of a request target, without the "?"; '' when there is none. */
export function queryOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? '' : url.slice(query + 1);
}

/**
 * Parses a query string into fields: a repeated key becomes an array, `+` is a space,
 * percent escapes are decoded (a malformed one is kept as sent).
 */
export function parseQuery(query: string, into: Record<string, unknown>): Record<string, unknown> {
  let start = 0;
  while (start < query.length) {
    let end = query.indexOf('&', start);
    if (end === -1) end = query.length;
    if (end > start) {
      const equals = query.indexOf('=', start);
      const hasValue = equals !== -1 && equals < end;
      const key = decodeQueryPart(query.slice(start, hasValue ? equals : end));
      const value = hasValue ? decodeQueryPart(query.slice(equals + 1, end)) : '';
      addField(into, key, value);
    }
    start = end + 1;
  }
  return into;
}

function addField(into: Record<string, unknown>, key: string, value: string): void {
  // "__proto__" would otherwise replace the prototype of the request object.
  if (key === '__proto__') return;
  const existing = into[key];
  if (existing === undefined || !Object.hasOwn(into, key)) into[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else into[key] = [existing, value];
}

function decodeQueryPart(part: string): string {
  const spaced = part.indexOf('+') === -1 ? part : part.replace(/\+/g, ' ');
  if (spaced.indexOf('%') === -1) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** A request body over its endpoint's limit: 413. */
export class BodyTooLarge extends APIError {
  constructor(limit: number) {
    super(ErrCode.ResourceExhausted, `request body is larger than the limit of ${limit} bytes; send less, or raise the endpoint's bodyLimit`);
  }
}

/**
 * Collects a request body as text, refusing it as soon as it passes `limit` bytes (by its
 * content-length when declared, else while reading).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return collectBody(req, limit, (bytes) => bytes.toString('utf8'));
}

/**
 * Collects a request body as bytes, as {@link readBody} does: for a check over the bytes as
 * sent (an internal call's credential) before they are decoded once.
 */
export function readBodyBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  return collectBody(req, limit, (bytes) => bytes);
}

function collectBody<T>(req: IncomingMessage, limit: number, finish: (bytes: Buffer) => T): Promise<T> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(new BodyTooLarge(limit));
  return new Promise<T>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.removeListener('data', onData);
        // Stop reading: what is left is not worth receiving. The answer closes the connection.
        req.pause();
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(finish(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))));
    req.once('error', reject);
  });
}

/** Parses a JSON request body; '' is `{}`. */
export function parseJsonBody(text: string): unknown {
  if (text === '') return {};
  if (jsonNestsDeeperThan(text)) throw tooDeepError();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new APIError(ErrCode.InvalidArgument, `malformed JSON body: ${(error as Error).message}`);
  }
}

/** Whether the request declares a body at all: a content-length above 0 or chunked encoding. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}
