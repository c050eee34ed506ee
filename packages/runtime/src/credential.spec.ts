import { createHash, createHmac } from 'node:crypto';
import { CREDENTIAL_MAX_AGE_MS, Credentials, type SignedRequest } from './credential';

const SECRET = 'app-secret-long-enough-0123456789abcdef';

describe('Credentials', () => {
  // Each test has its own instance: a credential verified once is spent.
  let credentials: Credentials;
  beforeEach(() => (credentials = new Credentials(SECRET)));

  const call: SignedRequest = { method: 'POST', target: '/__topo/call/users/lookup', caller: 'orders', body: '{"id":1}' };

  it('verifies what it signed, once', () => {
    const auth = credentials.sign(call);
    expect(auth).toMatch(/^\d+\.[0-9a-f]{24}\.[0-9a-f]{64}$/);
    expect(credentials.verify(auth, call)).toBe(true);
    expect(credentials.verify(auth, call)).toBe(false);
  });

  it('signs the time, the nonce, the method, the target, the caller and the body digest with HMAC-SHA256 under a key derived from the secret', () => {
    const now = 1_700_000_000_000;
    const auth = credentials.sign(call, now);
    const [stamp, nonce, signature] = auth.split('.');
    const key = createHmac('sha256', SECRET).update('topo internal-call v2').digest();
    const digest = createHash('sha256').update(call.body!).digest('base64url');
    const expected = createHmac('sha256', key).update(`${now}\n${nonce}\nPOST\n/__topo/call/users/lookup\norders\n${digest}`).digest('hex');
    expect({ stamp, signature }).toEqual({ stamp: String(now), signature: expected });
  });

  it('gives each request a credential of its own', () => {
    expect(credentials.sign(call)).not.toBe(credentials.sign(call));
  });

  it.each<[string, Partial<SignedRequest>]>([
    ['another method', { method: 'GET' }],
    ['another path', { target: '/__topo/call/users/remove' }],
    ['another query', { target: '/__topo/call/users/lookup?who=attacker' }],
    ['another caller', { caller: 'evil' }],
    ['another body', { body: '{"id":2}' }],
    ['no body', { body: undefined }],
  ])('refuses a captured credential for %s', (_what, change) => {
    const auth = credentials.sign(call);
    expect(credentials.verify(auth, { ...call, ...change })).toBe(false);
    // Refused, it is not spent: the request it was made for still passes.
    expect(credentials.verify(auth, call)).toBe(true);
  });

  it('takes the empty body and no body as the same, and bytes as their text', () => {
    const get = { method: 'GET', target: '/internal/report?day=1', caller: 'orders' };
    expect(credentials.verify(credentials.sign(get), { ...get, body: '' })).toBe(true);
    expect(credentials.verify(credentials.sign(call), { ...call, body: Buffer.from(call.body as string) })).toBe(true);
  });

  it('refuses another secret', () => {
    expect(new Credentials('other-secret-long-enough-0123456789abcd').verify(credentials.sign(call), call)).toBe(false);
  });

  it('refuses a credential older or newer than its window, and accepts one just inside', () => {
    const now = Date.now();
    expect(CREDENTIAL_MAX_AGE_MS).toBe(30_000);
    expect(credentials.verify(credentials.sign(call, now - CREDENTIAL_MAX_AGE_MS - 1), call, now)).toBe(false);
    expect(credentials.verify(credentials.sign(call, now + CREDENTIAL_MAX_AGE_MS + 1), call, now)).toBe(false);
    expect(credentials.verify(credentials.sign(call, now - CREDENTIAL_MAX_AGE_MS + 1000), call, now)).toBe(true);
  });

  it('remembers a spent credential for as long as it could be accepted, and forgets it after', () => {
    const start = 1_700_000_000_000;
    const auth = credentials.sign(call, start);
    expect(credentials.verify(auth, call, start + CREDENTIAL_MAX_AGE_MS)).toBe(true);
    // However the periods of the memory fall, a replay within the window is refused.
    for (let later = start - CREDENTIAL_MAX_AGE_MS; later <= start + CREDENTIAL_MAX_AGE_MS; later += 5_000) {
      expect({ later, accepted: credentials.verify(auth, call, later) }).toEqual({ later, accepted: false });
    }
    // Others signed meanwhile are accepted, each once, and the memory is emptied as time goes on.
    for (let t = start; t < start + 10 * CREDENTIAL_MAX_AGE_MS; t += 1_000) {
      const fresh = credentials.sign(call, t);
      expect(credentials.verify(fresh, call, t)).toBe(true);
      expect(credentials.verify(fresh, call, t + 1)).toBe(false);
    }
    const memory = credentials as unknown as { seen: Set<string>; seenBefore: Set<string> };
    expect(memory.seen.size + memory.seenBefore.size).toBeLessThanOrEqual((4 * CREDENTIAL_MAX_AGE_MS) / 1_000);
  });

  it('tells a credential that can be current from one that cannot, before the body is read', () => {
    const now = Date.now();
    expect(credentials.isCurrent(credentials.sign(call, now), now)).toBe(true);
    expect(credentials.isCurrent(credentials.sign(call, now - CREDENTIAL_MAX_AGE_MS - 1), now)).toBe(false);
    expect(credentials.isCurrent('garbage', now)).toBe(false);
  });

  it('refuses a tampered timestamp, nonce or signature', () => {
    const now = Date.now();
    const [stamp, nonce, signature] = credentials.sign(call, now).split('.');
    const flip = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');
    expect(credentials.verify(`${Number(stamp) + 1}.${nonce}.${signature}`, call, now)).toBe(false);
    expect(credentials.verify(`${stamp}.${flip(nonce)}.${signature}`, call, now)).toBe(false);
    expect(credentials.verify(`${stamp}.${nonce}.${flip(signature)}`, call, now)).toBe(false);
    expect(credentials.verify(`${stamp}.${nonce}.${signature}`, call, now)).toBe(true);
  });

  it.each([[undefined], [''], ['garbage'], ['123.abc'], ['.'], ['1..'], [`abc.${'0'.repeat(24)}.${'0'.repeat(64)}`], [`1.${'0'.repeat(24)}.${'z'.repeat(64)}`], [`1.${'0'.repeat(64)}`], [['a', 'b']]])(
    'refuses the malformed value %p',
    (auth) => {
      expect(credentials.verify(auth as string | undefined, call)).toBe(false);
    },
  );

  it('refuses to work without a secret, saying how to set one', () => {
    expect(() => new Credentials('')).toThrow(/TOPO_SECRET/);
    expect(() => new Credentials('x'.repeat(31))).toThrow('the internal-call secret is 31 bytes long, and it must be at least 32');
    expect(() => new Credentials('x'.repeat(32))).not.toThrow();
  });
});
