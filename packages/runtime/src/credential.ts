import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Header naming the calling service (or process); informative, not signed.
 *
 * @example
 * ```ts
 * req.headers[CALLER_HEADER]; // 'hello'
 * ```
 */
export const CALLER_HEADER = 'x-topo-caller';
/**
 * Header carrying `<unix-ms>.<hex HMAC-SHA256(key, "<unix-ms>\n<METHOD> <path>")>`.
 *
 * @example
 * ```ts
 * const headers = { [AUTH_HEADER]: new Credentials(secret).sign('POST', '/__topo/call/yo/h2') };
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

/** How far a credential's timestamp may be from now, either way: clocks drift, replays age. */
export const CREDENTIAL_MAX_AGE_MS = 5 * 60 * 1000;

/** The shortest app secret accepted, in bytes: 256 bits, the size of the key it makes. */
export const MIN_SECRET_BYTES = 32;

const KEY_LABEL = 'topo internal-call v1';
const SIGNATURE_HEX_LENGTH = 64;

/**
 * Signs and checks internal-call credentials for one app secret. The key is derived from the
 * secret once, so the secret itself never signs anything and can be rotated by version.
 *
 * @example
 * ```ts
 * const credentials = new Credentials(process.env.TOPO_SECRET!);
 * const auth = credentials.sign('POST', '/__topo/call/yo/h2');
 * credentials.verify(auth, 'POST', '/__topo/call/yo/h2'); // true
 * ```
 */
export class Credentials {
  private readonly key: Buffer;

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
    this.key = createHmac('sha256', secret).update(KEY_LABEL).digest();
  }

  /** The `x-topo-auth` value for a request, as of `now`. */
  sign(method: string, path: string, now = Date.now()): string {
    return `${now}.${this.signature(now, method, path)}`;
  }

  /** Whether an `x-topo-auth` value is genuine for this request and recent enough. */
  verify(auth: string | string[] | undefined, method: string, path: string, now = Date.now()): boolean {
    if (typeof auth !== 'string') return false;
    const dot = auth.indexOf('.');
    if (dot <= 0 || auth.length - dot - 1 !== SIGNATURE_HEX_LENGTH) return false;
    const stamp = auth.slice(0, dot);
    if (!/^\d{1,15}$/.test(stamp)) return false;
    const issuedAt = Number(stamp);
    if (Math.abs(now - issuedAt) > CREDENTIAL_MAX_AGE_MS) return false;
    const given = Buffer.from(auth.slice(dot + 1), 'hex');
    if (given.length !== SIGNATURE_HEX_LENGTH / 2) return false;
    const expected = Buffer.from(this.signature(issuedAt, method, path), 'hex');
    return timingSafeEqual(given, expected);
  }

  private signature(issuedAt: number, method: string, path: string): string {
    return createHmac('sha256', this.key).update(`${issuedAt}\n${method} ${path}`).digest('hex');
  }
}

/**
 * The headers of an internal call: the caller's name and a fresh credential.
 *
 * @example
 * ```ts
 * const headers = internalCallHeaders(new Credentials(secret), 'hello', 'POST', '/__topo/call/yo/h2');
 * ```
 */
export function internalCallHeaders(credentials: Credentials, caller: string, method: string, path: string): Record<string, string> {
  return { [CALLER_HEADER]: caller, [AUTH_HEADER]: credentials.sign(method, path) };
}
