import { createHmac } from 'node:crypto';
import { CREDENTIAL_MAX_AGE_MS, Credentials } from './credential';

describe('Credentials', () => {
  const credentials = new Credentials('app-secret-long-enough-0123456789abcdef');
  const path = '/__topo/call/yo/h2';

  it('verifies what it signed', () => {
    const auth = credentials.sign('POST', path);
    expect(auth).toMatch(/^\d+\.[0-9a-f]{64}$/);
    expect(credentials.verify(auth, 'POST', path)).toBe(true);
  });

  it('signs "<unix-ms>\\n<METHOD> <path>" with HMAC-SHA256 under a key derived from the secret', () => {
    const now = 1_700_000_000_000;
    const key = createHmac('sha256', 'app-secret-long-enough-0123456789abcdef').update('topo internal-call v1').digest();
    const expected = createHmac('sha256', key).update(`${now}\nPOST ${path}`).digest('hex');
    expect(credentials.sign('POST', path, now)).toBe(`${now}.${expected}`);
  });

  it('refuses another method, another path or another secret', () => {
    const auth = credentials.sign('POST', path);
    expect(credentials.verify(auth, 'GET', path)).toBe(false);
    expect(credentials.verify(auth, 'POST', '/__topo/call/yo/h3')).toBe(false);
    expect(new Credentials('other-secret-long-enough-0123456789abcd').verify(auth, 'POST', path)).toBe(false);
  });

  it('refuses a credential older or newer than five minutes, and accepts one just inside', () => {
    const now = Date.now();
    expect(credentials.verify(credentials.sign('POST', path, now - CREDENTIAL_MAX_AGE_MS - 1), 'POST', path, now)).toBe(false);
    expect(credentials.verify(credentials.sign('POST', path, now + CREDENTIAL_MAX_AGE_MS + 1), 'POST', path, now)).toBe(false);
    expect(credentials.verify(credentials.sign('POST', path, now - CREDENTIAL_MAX_AGE_MS + 1000), 'POST', path, now)).toBe(true);
  });

  it('refuses a tampered timestamp or signature', () => {
    const now = Date.now();
    const [stamp, signature] = credentials.sign('POST', path, now).split('.');
    expect(credentials.verify(`${Number(stamp) + 1}.${signature}`, 'POST', path, now)).toBe(false);
    const flipped = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
    expect(credentials.verify(`${stamp}.${flipped}`, 'POST', path, now)).toBe(false);
  });

  it.each([[undefined], [''], ['garbage'], ['123.abc'], ['.'], [`abc.${'0'.repeat(64)}`], [`1.${'z'.repeat(64)}`], [['a', 'b']]])(
    'refuses the malformed value %p',
    (auth) => {
      expect(credentials.verify(auth as string | undefined, 'POST', path)).toBe(false);
    },
  );

  it('refuses to work without a secret, saying how to set one', () => {
    expect(() => new Credentials('')).toThrow(/TOPO_SECRET/);
    expect(() => new Credentials('x'.repeat(31))).toThrow('the internal-call secret is 31 bytes long, and it must be at least 32');
    expect(() => new Credentials('x'.repeat(32))).not.toThrow();
  });
});
