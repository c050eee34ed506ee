import { ConfigError, formatAddress, parseDiscovery, resolveDiscovery, resolveHost, resolvePort, resolveSecret, resolveShutdownTimeout } from './environment';

describe('environment', () => {
  it('prefers the config, then the environment, then the default for the port', () => {
    expect(resolvePort(4100, { PORT: '5000' }, 0)).toBe(4100);
    expect(resolvePort(undefined, { PORT: '5000' }, 0)).toBe(5000);
    expect(resolvePort(undefined, {}, 4000)).toBe(4000);
  });

  it('refuses a PORT that is not a port, naming the variable', () => {
    expect(() => resolvePort(undefined, { PORT: 'abc' }, 0)).toThrow(ConfigError);
    expect(() => resolvePort(undefined, { PORT: 'abc' }, 0)).toThrow(/PORT is "abc"/);
    expect(() => resolvePort(undefined, { PORT: '70000' }, 0)).toThrow(/PORT is 70000/);
  });

  it('defaults HOST to 0.0.0.0 and reads TOPO_SECRET', () => {
    expect(resolveHost(undefined, {})).toBe('0.0.0.0');
    expect(resolveHost(undefined, { HOST: '127.0.0.1' })).toBe('127.0.0.1');
    expect(resolveSecret(undefined, { TOPO_SECRET: 's' })).toBe('s');
    expect(resolveSecret(undefined, { TOPO_SECRET: '' })).toBeUndefined();
    expect(resolveSecret('given', { TOPO_SECRET: 's' })).toBe('given');
  });

  it('parses TOPO_DISCOVERY into base URLs without trailing slashes', () => {
    expect(parseDiscovery('{"yo":"http://127.0.0.1:4101/","hello":"https://hello.internal"}')).toEqual({
      yo: 'http://127.0.0.1:4101',
      hello: 'https://hello.internal',
    });
    expect(resolveDiscovery(undefined, {})).toEqual({});
    expect(resolveDiscovery({ a: 'http://a' }, { TOPO_DISCOVERY: 'not json' })).toEqual({ a: 'http://a' });
  });

  it.each([
    ['not json', /TOPO_DISCOVERY is not valid JSON .*e\.g\. \{"yo":"http:\/\/127\.0\.0\.1:4101"\}/],
    ['["http://a"]', /TOPO_DISCOVERY must be a JSON object from service name to base URL/],
    ['{"yo": 4101}', /gives service "yo" the address 4101: it must be a base URL string/],
    ['{"yo": "ftp://127.0.0.1:4101"}', /only http:\/\/ and https:\/\/ base URLs/],
    ['{"yo": "127.0.0.1:4101"}', /which is not a URL: use a base URL such as "http:\/\/127\.0\.0\.1:4101"/],
  ])('refuses TOPO_DISCOVERY=%s with a message showing the fix', (raw, message) => {
    expect(() => parseDiscovery(raw)).toThrow(message);
  });

  it('reads TOPO_SHUTDOWN_TIMEOUT_MS', () => {
    expect(resolveShutdownTimeout({})).toBe(10_000);
    expect(resolveShutdownTimeout({ TOPO_SHUTDOWN_TIMEOUT_MS: '250' })).toBe(250);
    expect(() => resolveShutdownTimeout({ TOPO_SHUTDOWN_TIMEOUT_MS: 'soon' })).toThrow(/TOPO_SHUTDOWN_TIMEOUT_MS/);
  });

  it('formats listening addresses', () => {
    expect(formatAddress('127.0.0.1', 4000)).toBe('http://127.0.0.1:4000');
    expect(formatAddress('::', 4000)).toBe('http://[::]:4000');
  });
});
