import * as crypto from 'node:crypto';
import { createHash, createHmac, createSecretKey, randomFillSync, timingSafeEqual, type BinaryLike, type KeyObject } from 'node:crypto';

/**
 * Header naming the calling service (or process); signed as part of the credential.
 *
 * @example
 * ```ts
 * req.headers[CALLER_HEADER]; // 'hello'
 * ```
 */
export const CALLER_HEADER = 'x-topo-caller';
/**
 * Header carrying the internal-call credential, `<unix-ms>.<nonce>.<signature>`: see
 * {@link Credentials}.
 *
 * @example
 * ```ts
 * const headers = { [AUTH_HEADER]: new Credentials(secret).sign({ method: 'POST', target: '/__topo/call/yo/h2', caller: 'hello', body: '{}' }) };
 * ```
 */
export const AUTH_HEADER = 'x-topo-auth';
/** Every header under this prefix is Topo's; the gateway drops them from client requests. */
export const INTERNAL_HEADER_PREFIX = 'x-topo-';

/**
 * Deletes the `x-topo-*` headers of a request: only services mint them, so one arriving
 * from a client is a forgery. The gateway and every process that faces clients call it.
 */
export function stripInternalHeaders(headers: Record<string, unknown>): void {
  for (const name in headers) {
    if (name.charCodeAt(0) === 120 /* x */ && name.startsWith(INTERNAL_HEADER_PREFIX)) delete headers[name];
  }
}

/**
 * How far a credential's timestamp may be from now, either way: enough for the clocks of one
 * app's hosts to drift apart, short enough that the credentials a process must remember (to
 * refuse them a second time) stay few.
 */
export const CREDENTIAL_MAX_AGE_MS = 30 * 1000;

/** The shortest app secret accepted, in bytes: 256 bits, the size of the key it makes. */
export const MIN_SECRET_BYTES = 32;

const KEY_LABEL = 'topo internal-call v2';
const NONCE_HEX_LENGTH = 24;
const CREDENTIAL_SHAPE = /^(\d{1,15})\.([0-9a-f]{24})\.([0-9a-f]{64})$/;

/** The request a credential is for, whole: any other request, or the same one again, is refused. */
export interface SignedRequest {
  /** Upper case, as sent. */
  method: string;
  /** The request target as sent: the path with its query string. */
  target: string;
  /** The calling service or process, as `x-topo-caller` says. */
  caller: string;
  /** The body as sent; none is the empty body. */
  body?: string | Uint8Array;
}

/** The SHA-256 of the empty body, the digest of most requests without one. */
const EMPTY_BODY_DIGEST = createHash('sha256').update('').digest('base64url');

/**
 * Random bytes for nonces, drawn from the system in batches: one `randomBytes(12)` per call
 * costs about as much as the HMAC itself (a system-RNG round and a Buffer each time), a
 * slice of a batch almost nothing. Each nonce still takes 96 bits no other nonce had.
 */
const NONCE_BYTES = NONCE_HEX_LENGTH / 2;
const NONCE_BATCH = 256;
const noncePool = Buffer.alloc(NONCE_BYTES * NONCE_BATCH);
let noncePoolOffset = noncePool.length;

function nextNonce(): string {
  if (noncePoolOffset === noncePool.length) {
    randomFillSync(noncePool);
    noncePoolOffset = 0;
  }
  const start = noncePoolOffset;
  noncePoolOffset += NONCE_BYTES;
  return noncePool.toString('hex', start, noncePoolOffset);
}

/**
 * SHA-256 in one call where Node has it (20.12 and later): a few times cheaper for a small
 * body than a Hash object, which the runtime's `node >= 20` falls back to.
 */
const sha256: (data: BinaryLike) => string =
  typeof crypto.hash === 'function' ? (data) => crypto.hash('sha256', data, 'base64url') : (data) => createHash('sha256').update(data).digest('base64url');

function bodyDigest(body: string | Uint8Array | undefined): string {
  return body === undefined || body.length === 0 ? EMPTY_BODY_DIGEST : sha256(body);
}

/**
 * Signs and checks internal-call credentials for one app secret. The key is derived from the
 * secret once, so the secret itself never signs anything and can be rotated by version.
 *
 * A credential is `<unix-ms>.<nonce>.<signature>`: 96 random bits of nonce, and the hex
 * HMAC-SHA256, under the key, of the time, the nonce, the method, the target (path and
 * query), the caller and the SHA-256 of the body, one per line. It is good for one request,
 * once, within {@link CREDENTIAL_MAX_AGE_MS} of its time: `verify` remembers the nonce of
 * every credential it accepted for twice that long, and refuses one it has seen. A captured
 * credential is therefore useless, for another request and for the same one again. The
 * signature is compared in constant time.
 *
 * @example
 * ```ts
 * const credentials = new Credentials(process.env.TOPO_SECRET!);
 * const request = { method: 'POST', target: '/__topo/call/yo/h2', caller: 'hello', body: '{"name":"Ada"}' };
 * const auth = credentials.sign(request);
 * credentials.verify(auth, request); // true
 * credentials.verify(auth, request); // false: seen before
 * ```
 */
export class Credentials {
  /** Derived from the secret once; a KeyObject, so that no HMAC copies it again. */
  private readonly key: KeyObject;
  /** Nonces accepted since `since`, and in the period before it: replays are refused. */
  private seen = new Set<string>();
  private seenBefore = new Set<string>();
  private since = 0;

  constructor(secret: string) {
    if (typeof secret !== 'string' || secret === '') {
      throw new Error('the internal-call secret is empty: set TOPO_SECRET to the same random string in every process of the app');
    }
    const bytes = Buffer.byteLength(secret);
    if (bytes < MIN_SECRET_BYTES) {
      throw new Error(
        `the internal-call secret is ${bytes} bytes long, and it must be at least ${MIN_SECRET_BYTES}: a short secret can be guessed, and then any request passes for an internal call. ` +
          'Set TOPO_SECRET to a long random string, the same in every process of the app (`openssl rand -hex 32` makes one).',
      );
    }
    this.key = createSecretKey(createHmac('sha256', secret).update(KEY_LABEL).digest());
  }

  /** The `x-topo-auth` value for `request`, as of `now`. */
  sign(request: SignedRequest, now = Date.now()): string {
    const nonce = nextNonce();
    return `${now}.${nonce}.${this.signature(now, nonce, request).toString('hex')}`;
  }

  /**
   * Whether `auth` could be a credential accepted now: well formed and within its time. What
   * can be told before the body is read; {@link verify} tells the rest.
   */
  isCurrent(auth: string | string[] | undefined, now = Date.now()): boolean {
    if (typeof auth !== 'string') return false;
    const shape = CREDENTIAL_SHAPE.exec(auth);
    return shape !== null && Math.abs(now - Number(shape[1])) <= CREDENTIAL_MAX_AGE_MS;
  }

  /**
   * Whether `auth` is a genuine credential for exactly this request, within its time and not
   * seen before. An accepted credential is remembered: the same value is refused from then on.
   */
  verify(auth: string | string[] | undefined, request: SignedRequest, now = Date.now()): boolean {
    if (typeof auth !== 'string') return false;
    const shape = CREDENTIAL_SHAPE.exec(auth);
    if (shape === null) return false;
    const [, stamp, nonce, signature] = shape;
    const issuedAt = Number(stamp);
    if (Math.abs(now - issuedAt) > CREDENTIAL_MAX_AGE_MS) return false;
    if (!timingSafeEqual(Buffer.from(signature, 'hex'), this.signature(issuedAt, nonce, request))) return false;
    return this.firstUse(nonce, now);
  }

  /**
   * Records a nonce; false when it was recorded before. Two periods of twice the maximum age
   * are kept: a credential accepted at any time of its window is still known at the end of it.
   */
  private firstUse(nonce: string, now: number): boolean {
    const period = 2 * CREDENTIAL_MAX_AGE_MS;
    if (now - this.since >= period) {
      this.seenBefore = now - this.since >= 2 * period ? new Set() : this.seen;
      this.seen = new Set();
      this.since = now;
    }
    if (this.seen.has(nonce) || this.seenBefore.has(nonce)) return false;
    this.seen.add(nonce);
    return true;
  }

  private signature(issuedAt: number, nonce: string, request: SignedRequest): Buffer {
    return createHmac('sha256', this.key)
      .update(`${issuedAt}\n${nonce}\n${request.method}\n${request.target}\n${request.caller}\n${bodyDigest(request.body)}`)
      .digest();
  }
}

/**
 * The headers of an internal call: the caller's name and a credential for this request only.
 *
 * @example
 * ```ts
 * const headers = internalCallHeaders(new Credentials(secret), { method: 'POST', target: '/__topo/call/yo/h2', caller: 'hello', body });
 * ```
 */
export function internalCallHeaders(credentials: Credentials, request: SignedRequest): Record<string, string> {
  return { [CALLER_HEADER]: request.caller, [AUTH_HEADER]: credentials.sign(request) };
}
