import { request, type Answer } from '../__fixtures__/http';
import { expressService, helloEndpoints, helloService, plainService } from '../__fixtures__/services';
import { api } from '../api';
import { AUTH_HEADER, CALLER_HEADER, Credentials, internalCallHeaders } from '../credential';
import { Service } from '../service';
import { createHost, type Host } from './host';

const SECRET = 'test-secret-that-is-long-enough-0123456789';
const credentials = new Credentials(SECRET);

/** The headers of a request from service `tester` with a credential for it: its method, target and body (sent as the request fixture sends it). */
function signed(method: string, path: string, body?: unknown): Record<string, string> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return internalCallHeaders(credentials, { method, target: path, caller: 'tester', body: text });
}

/** Collects what the host writes to stderr while `run` runs (keeping it out of the test output). */
async function capturingStderr<T>(run: () => Promise<T>): Promise<{ result: T; stderr: string }> {
  const original = process.stderr.write;
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    return { result: await run(), stderr };
  } finally {
    process.stderr.write = original;
  }
}

async function started(edge: boolean, secret: string | null = SECRET): Promise<{ host: Host; port: number }> {
  const host = createHost({ app: 'demo', process: edge ? 'mono' : 'hello', edge, secret: secret ?? undefined, services: [helloService(), expressService(), plainService()] });
  const { port } = await host.listen(0, '127.0.0.1');
  return { host, port };
}

/** Paths whose escapes are malformed or are not UTF-8: on a typed parameter, a wildcard, an express route, a static route, a reserved path, no route. */
const MALFORMED_PATHS = ['/hello/%ZZ', '/hello/%E0%A4%A', '/hello/%', '/files/a/%C3', '/web/raw/%ZZ', '/web/typed/%E0', '/ping%ZZ', '/__topo/health%ZZ', '/nowhere/%ZZ'];

/** Every malformed path is answered 400 invalid_argument, with no handler run, and the host keeps serving. */
async function expectMalformedPathsRefused(port: number): Promise<void> {
  for (const path of MALFORMED_PATHS) {
    for (const method of ['GET', 'POST']) {
      expect({ method, path, ...(await request(port, method, path, method === 'POST' ? { body: {} } : {})) }).toMatchObject({
        method,
        path,
        status: 400,
        json: { code: 'invalid_argument', message: `malformed percent-encoding in the path ${path}: each "%" must start an escape of UTF-8 bytes such as %C3%A9; send a literal "%" as %25` },
      });
    }
  }
  expect(await request(port, 'GET', '/hello/J%C3%BCrgen%25')).toMatchObject({ status: 200, json: { message: 'Hello, Jürgen%!' } });
}

describe('host (behind a gateway: edge false)', () => {
  let host: Host;
  let port: number;
  beforeAll(async () => ({ host, port } = await started(false)));
  afterAll(() => host.close());

  describe('routing and request fields', () => {
    it('serves a path parameter and answers JSON with a content-length', async () => {
      const answer = await request(port, 'GET', '/hello/ada');
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.text)));
      expect(answer.json).toEqual({ message: 'Hello, ada!' });
    });

    it('decodes percent-escaped parameters', async () => {
      expect((await request(port, 'GET', '/hello/J%C3%BCrgen%20K')).json).toEqual({ message: 'Hello, Jürgen K!' });
    });

    it('takes GET fields from the query string, coerced to the schema, with repeated keys as arrays', async () => {
      const answer = await request(port, 'GET', '/search?q=a+b%21&limit=5&exact=true&tags=x&tags=y');
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ q: 'a b!', limit: 5, exact: true, tags: ['x', 'y'] });
    });

    it('turns a single query value into an array when the schema says array', async () => {
      expect((await request(port, 'GET', '/search?q=a&tags=only')).json).toEqual({ q: 'a', tags: ['only'] });
    });

    it('takes POST fields from the JSON body and the path, coercing path parameters', async () => {
      const answer = await request(port, 'POST', '/items/42', { body: { count: 3, note: 'n' } });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ id: 42, count: 3, note: 'n' });
    });

    it('lets the path win over a body field of the same name', async () => {
      expect((await request(port, 'POST', '/items/42', { body: { id: 7, count: 1 } })).json).toEqual({ id: 42, count: 1 });
    });

    it('serves the same endpoint from the query (GET) and the body (POST)', async () => {
      expect((await request(port, 'GET', '/age?age=30')).json).toEqual({ age: 30, type: 'number' });
      expect((await request(port, 'POST', '/age', { body: { age: 30 } })).json).toEqual({ age: 30, type: 'number' });
      // JSON keeps its types: a string in a body is not coerced.
      expect((await request(port, 'POST', '/age', { body: { age: '30' } })).json).toEqual({
        code: 'invalid_argument',
        message: 'age: expected integer, got "30"',
      });
    });

    it('captures a final wildcard', async () => {
      expect((await request(port, 'GET', '/files/docs/a%20b/c.txt')).json).toEqual({ path: 'docs/a b/c.txt' });
    });

    it('answers 204 with no body when the handler returns nothing, and treats an empty body as {}', async () => {
      const answer = await request(port, 'POST', '/nothing');
      expect(answer.status).toBe(204);
      expect(answer.text).toBe('');
    });

    it('answers HEAD on a GET endpoint without a body', async () => {
      const answer = await request(port, 'HEAD', '/ping');
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('');
    });

    it('serves /__topo/health', async () => {
      const answer = await request(port, 'GET', '/__topo/health');
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ status: 'ok', app: 'demo', process: 'hello', services: ['hello', 'web', 'plain'] });
    });
  });

  describe('error answers', () => {
    it('answers a path with malformed percent-encoding 400 invalid_argument, before any handler, and keeps serving', async () => {
      await expectMalformedPathsRefused(port);
    });

    it('answers malformed JSON with 400 invalid_argument', async () => {
      const answer = await request(port, 'POST', '/items/1', { body: '{"count": 1,' });
      expect(answer.status).toBe(400);
      expect(answer.json.code).toBe('invalid_argument');
      expect(answer.json.message).toMatch(/^malformed JSON body: /);
    });

    it('answers a body that is not an object with 400', async () => {
      const answer = await request(port, 'POST', '/items/1', { body: [1, 2] });
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ code: 'invalid_argument', message: 'request: expected object, got array' });
    });

    it('answers a mistyped or missing field with 400 naming it', async () => {
      expect(await request(port, 'GET', '/age?age=abc')).toMatchObject({
        status: 400,
        json: { code: 'invalid_argument', message: 'age: expected integer, got "abc"' },
      });
      expect(await request(port, 'POST', '/items/1', { body: { note: 'x' } })).toMatchObject({
        status: 400,
        json: { code: 'invalid_argument', message: 'count: expected integer, got nothing' },
      });
      expect((await request(port, 'POST', '/items/abc', { body: { count: 1 } })).json.message).toBe('id: expected integer, got "abc"');
    });

    it('answers an unknown path with 404 naming the method and path', async () => {
      const answer = await request(port, 'GET', '/nope?x=1');
      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.json).toEqual({ code: 'not_found', message: 'no endpoint for GET /nope' });
    });

    it('answers a known path with another method with 405 and Allow', async () => {
      const answer = await request(port, 'DELETE', '/hello/ada');
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD');
      expect(answer.json).toEqual({ code: 'unimplemented', message: '/hello/ada does not answer DELETE; it answers GET, HEAD' });
    });

    it('answers a body over the endpoint limit with 413, by content-length or while reading', async () => {
      const declared = await request(port, 'POST', '/small', { body: { text: 'x'.repeat(100) } });
      expect(declared.status).toBe(413);
      expect(declared.json.code).toBe('resource_exhausted');
      expect(declared.json.message).toMatch(/larger than the limit of 64 bytes/);
      const chunked = await request(port, 'POST', '/small', { chunks: ['{"text":"', 'y'.repeat(50), 'y'.repeat(50), '"}'] });
      expect(chunked.status).toBe(413);
      expect((await request(port, 'POST', '/small', { body: { text: 'ok' } })).json).toEqual({ length: 2 });
    });

    it('answers 413 JSON to 10 MB bodies, declared or streamed, every time, never a reset', async () => {
      const declared = { body: 'x'.repeat(10 * 1024 * 1024) };
      const streamed = { chunks: Array.from({ length: 160 }, () => 'z'.repeat(64 * 1024)) };
      const answers: string[] = [];
      for (let round = 0; round < 3; round++) {
        for (const options of [declared, streamed]) {
          const answer = await request(port, 'POST', '/echo', options).catch((error: Error) => ({ status: error.message, json: undefined }));
          answers.push(`${answer.status} ${answer.json?.code}`);
        }
      }
      expect(answers).toEqual(Array.from({ length: 6 }, () => '413 resource_exhausted'));
    });

    it('answers an APIError with its mapped status, code, message and details', async () => {
      expect(await request(port, 'GET', '/users/7')).toMatchObject({
        status: 404,
        json: { code: 'not_found', message: 'no such user', details: { id: '7' } },
      });
      expect(await request(port, 'PUT', '/users/7', { body: {} })).toMatchObject({ status: 409, json: { code: 'already_exists', message: 'user exists' } });
    });

    it('answers any other error with 500 internal, never its message, and logs it with the endpoint name', async () => {
      const { result, stderr } = await capturingStderr(async () => [
        await request(port, 'GET', '/fail'),
        await request(port, 'GET', '/fail-sync'),
        await request(port, 'GET', '/bigint'),
      ]);
      for (const answer of result as Answer[]) {
        expect(answer.status).toBe(500);
        expect(answer.json).toEqual({ code: 'internal', message: 'internal error' });
        expect(answer.text).not.toMatch(/hunter2|secret|BigInt|at /);
      }
      expect(stderr).toContain('endpoint hello.fail failed');
      expect(stderr).toContain('hunter2');
      expect(stderr).toContain('endpoint hello.failSync failed');
      expect(stderr).toContain('hello.bigint');
    });

    it('keeps serving after errors', async () => {
      await capturingStderr(() => request(port, 'GET', '/fail'));
      expect((await request(port, 'GET', '/ping')).json).toEqual({ pong: true });
    });

    it('answers an unparseable request in the JSON shape', async () => {
      const net = await import('node:net');
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write('GARBAGE\r\n\r\n'));
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      expect(raw).toMatch(/^HTTP\/1\.1 400 /);
      expect(raw).toContain('"code":"invalid_argument"');
    });
  });

  describe('deadlines', () => {
    it("answer 504 deadline_exceeded when a handler outlives its endpoint's timeout, and keep serving", async () => {
      const started = Date.now();
      expect(await request(port, 'GET', '/hang')).toMatchObject({
        status: 504,
        json: { code: 'deadline_exceeded', message: 'hello.hang did not finish within its deadline' },
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await request(port, 'GET', '/ping')).status).toBe(200);
    });

    it("answer 504 for a raw endpoint that has not begun its answer by its timeout", async () => {
      expect(await request(port, 'GET', '/web/hang')).toMatchObject({ status: 504, json: { code: 'deadline_exceeded', message: 'web.rawHang did not finish within its deadline' } });
    });

    it("give an internal call the caller's deadline when it is sooner than the endpoint's timeout", async () => {
      const path = '/__topo/call/hello/timeLeft';
      const answer = await request(port, 'POST', path, { body: {}, headers: { ...signed('POST', path, {}), 'x-topo-deadline': '700' } });
      expect(answer.status).toBe(200);
      expect(answer.json.left).toBeGreaterThan(0);
      expect(answer.json.left).toBeLessThanOrEqual(700);
      const own = await request(port, 'POST', path, { body: {}, headers: signed('POST', path, {}) });
      expect(own.json.left).toBeGreaterThan(25_000);
    });
  });

  describe('private endpoints', () => {
    it('refuse a request without a credential with 401', async () => {
      expect(await request(port, 'GET', '/secret')).toMatchObject({
        status: 401,
        json: { code: 'unauthenticated', message: 'private endpoint: a valid internal-call credential is required' },
      });
    });

    it('serve a request with a valid credential', async () => {
      expect(await request(port, 'GET', '/secret', { headers: signed('GET', '/secret') })).toMatchObject({ status: 200, json: { secret: 'private data' } });
    });

    it('refuse an expired, tampered or misdirected credential', async () => {
      const secret = { method: 'GET', target: '/secret', caller: 'tester' };
      const send = (auth: string, caller = 'tester', path = '/secret') => request(port, 'GET', path, { headers: { [AUTH_HEADER]: auth, [CALLER_HEADER]: caller } });
      expect((await send(credentials.sign(secret, Date.now() - 31 * 1000))).status).toBe(401);
      const [stamp, nonce, signature] = credentials.sign(secret).split('.');
      expect((await send(`${Number(stamp) - 1}.${nonce}.${signature}`)).status).toBe(401);
      expect((await send(credentials.sign({ ...secret, target: '/ping' }))).status).toBe(401);
      expect((await send(credentials.sign(secret), 'someone-else'))).toMatchObject({ status: 401 });
      expect((await send(credentials.sign(secret), 'tester', '/secret?who=attacker')).status).toBe(401);
      expect((await send(new Credentials('someone-else-with-a-long-enough-secret-0123').sign(secret))).status).toBe(401);
    });

    it('refuse a captured credential the second time, and for any other request', async () => {
      const headers = signed('GET', '/secret');
      expect((await request(port, 'GET', '/secret', { headers })).status).toBe(200);
      expect(await request(port, 'GET', '/secret', { headers })).toMatchObject({
        status: 401,
        json: { code: 'unauthenticated', message: expect.stringContaining('each credential is good for one request, once') },
      });
      const captured = signed('GET', '/secret');
      expect((await request(port, 'GET', '/secret?who=attacker', { headers: captured })).status).toBe(401);
      expect((await request(port, 'GET', '/secret', { headers: captured })).status).toBe(200);
    });

    it('refuse a request with a body by path: it must come as an internal call, whose credential covers the body', async () => {
      const answer = await request(port, 'POST', '/mixed', { body: {}, headers: signed('POST', '/mixed', {}) });
      expect(answer).toMatchObject({ status: 401, json: { code: 'unauthenticated', message: expect.stringContaining('only as an internal call') } });
    });

    it('need no credential when public', async () => {
      expect((await request(port, 'GET', '/ping')).status).toBe(200);
    });
  });

  describe('internal calls', () => {
    const callPath = '/__topo/call/hello/whisper';

    it('run the endpoint with the JSON body when the credential is valid', async () => {
      const answer = await request(port, 'POST', callPath, { body: { words: 'psst' }, headers: signed('POST', callPath, { words: 'psst' }) });
      expect(answer).toMatchObject({ status: 200, json: { heard: 'psst' } });
    });

    it('take every field from the body, checked strictly', async () => {
      const path = '/__topo/call/hello/updateItem';
      expect((await request(port, 'POST', path, { body: { id: 5, count: 1 }, headers: signed('POST', path, { id: 5, count: 1 }) })).json).toEqual({ id: 5, count: 1 });
      expect(await request(port, 'POST', path, { body: { id: '5', count: 1 }, headers: signed('POST', path, { id: '5', count: 1 }) })).toMatchObject({
        status: 400,
        json: { code: 'invalid_argument', message: 'id: expected integer, got "5"' },
      });
    });

    it('are refused with 401 without a valid credential', async () => {
      expect(await request(port, 'POST', callPath, { body: { words: 'x' } })).toMatchObject({ status: 401, json: { code: 'unauthenticated' } });
      const body = JSON.stringify({ words: 'x' });
      const expired = { [CALLER_HEADER]: 'x', [AUTH_HEADER]: credentials.sign({ method: 'POST', target: callPath, caller: 'x', body }, Date.now() - 31 * 1000) };
      expect((await request(port, 'POST', callPath, { body, headers: expired })).status).toBe(401);
    });

    it('refuse a captured credential with another body, query or caller, and the same request again', async () => {
      const headers = signed('POST', callPath, { words: 'psst' });
      const answers = [
        await request(port, 'POST', callPath, { body: { words: 'give me everything' }, headers }),
        await request(port, 'POST', `${callPath}?who=attacker`, { body: { words: 'psst' }, headers }),
        await request(port, 'POST', callPath, { body: { words: 'psst' }, headers: { ...headers, [CALLER_HEADER]: 'evil' } }),
        await request(port, 'POST', callPath, { body: { words: 'psst' }, headers }),
        await request(port, 'POST', callPath, { body: { words: 'psst' }, headers }),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 200, 401]);
      expect(answers[4].json).toEqual({ code: 'unauthenticated', message: expect.stringContaining('used once') });
    });

    it('tell nothing of what they host before the credential is checked', async () => {
      const forged = { [CALLER_HEADER]: 'x', [AUTH_HEADER]: `${Date.now()}.${'0'.repeat(24)}.${'0'.repeat(64)}` };
      for (const path of ['/__topo/call/nobody/x', '/__topo/call/hello/nope', callPath]) {
        expect({ path, status: (await request(port, 'POST', path, { body: {}, headers: forged })).status }).toEqual({ path, status: 401 });
      }
    });

    it('answer 404 for an unknown service or endpoint, and explain raw endpoints', async () => {
      const unknownService = '/__topo/call/nobody/x';
      expect(await request(port, 'POST', unknownService, { body: {}, headers: signed('POST', unknownService, {}) })).toMatchObject({
        status: 404,
        json: { code: 'not_found', message: expect.stringContaining('service "nobody" is not hosted by this process') },
      });
      const unknownEndpoint = '/__topo/call/hello/nope';
      expect(await request(port, 'POST', unknownEndpoint, { body: {}, headers: signed('POST', unknownEndpoint, {}) })).toMatchObject({
        status: 404,
        json: { code: 'not_found', message: 'service "hello" has no typed endpoint "nope"' },
      });
      const raw = '/__topo/call/web/rawGet';
      expect((await request(port, 'POST', raw, { body: {}, headers: signed('POST', raw, {}) })).json.message).toMatch(/raw endpoint/);
    });

    it('answer only POST', async () => {
      const answer = await request(port, 'GET', callPath, { headers: signed('GET', callPath) });
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('POST');
    });

    it('keep the result and error semantics of HTTP requests', async () => {
      const path = '/__topo/call/hello/missing';
      expect(await request(port, 'POST', path, { body: { id: 'u1' }, headers: signed('POST', path, { id: 'u1' }) })).toMatchObject({
        status: 404,
        json: { code: 'not_found', message: 'no such user', details: { id: 'u1' } },
      });
      const nothing = '/__topo/call/hello/nothing';
      expect((await request(port, 'POST', nothing, { headers: signed('POST', nothing) })).status).toBe(204);
    });
  });

  describe('express: raw endpoints and middleware', () => {
    it('serves raw endpoints as express routes', async () => {
      expect(await request(port, 'GET', '/web/raw/9?q=hi')).toMatchObject({ status: 200, json: { id: '9', q: 'hi' } });
    });

    it('serves a raw endpoint for any method, after the service middleware parsed the body', async () => {
      const answer = await request(port, 'PATCH', '/web/any/a/b', { body: { x: 1 } });
      expect(answer.status).toBe(201);
      expect(answer.json).toEqual({ method: 'PATCH', rest: ['a', 'b'], body: { x: 1 } });
      expect(answer.headers['x-middleware']).toBe('ran');
    });

    it('runs the service middleware before its typed endpoints, which use the body it parsed', async () => {
      const get = await request(port, 'GET', '/web/typed/5?extra=q');
      expect(get).toMatchObject({ status: 200, json: { id: 5, extra: 'q' } });
      expect(get.headers['x-middleware']).toBe('ran');
      const post = await request(port, 'POST', '/web/typed/6', { body: { extra: 'b' } });
      expect(post).toMatchObject({ status: 200, json: { id: 6, extra: 'b' } });
    });

    it('does not run one service middleware for another service', async () => {
      const answer = await request(port, 'GET', '/plain');
      expect(answer.json).toEqual({ plain: true });
      expect(answer.headers['x-middleware']).toBeUndefined();
      expect((await request(port, 'GET', '/hello/x')).headers['x-middleware']).toBeUndefined();
    });

    it('answers middleware and body-parser errors in the JSON shape', async () => {
      expect(await request(port, 'GET', '/web/typed/1', { headers: { 'x-deny': '1' } })).toMatchObject({
        status: 403,
        json: { code: 'permission_denied', message: 'denied by middleware' },
      });
      const malformed = await request(port, 'POST', '/web/typed/1', { body: '{oops' });
      expect(malformed.status).toBe(400);
      expect(malformed.json.code).toBe('invalid_argument');
      expect(malformed.json.message).toMatch(/^malformed JSON body/);
      const large = await request(port, 'POST', '/web/typed/1', { body: { extra: 'z'.repeat(200) } });
      expect(large).toMatchObject({ status: 413, json: { code: 'resource_exhausted' } });
    });

    it('answers raw handler failures with 500 internal and APIErrors with their status', async () => {
      const { result, stderr } = await capturingStderr(async () => [await request(port, 'GET', '/web/throws'), await request(port, 'GET', '/web/rejects')]);
      for (const answer of result) {
        expect(answer).toMatchObject({ status: 500, json: { code: 'internal', message: 'internal error' } });
        expect(answer.text).not.toContain('secret');
      }
      expect(stderr).toContain('raw secret failure');
      expect(stderr).toContain('service web (GET /web/throws)');
      expect(await request(port, 'GET', '/web/api-error')).toMatchObject({ status: 403, json: { code: 'permission_denied', message: 'not yours' } });
    });

    it('guards private raw endpoints like typed ones', async () => {
      expect((await request(port, 'GET', '/web/private')).status).toBe(401);
      expect(await request(port, 'GET', '/web/private', { headers: signed('GET', '/web/private') })).toMatchObject({ status: 200, json: { private: true } });
    });
  });
});

describe('host facing clients (edge true, the monolith)', () => {
  let host: Host;
  let port: number;
  beforeAll(async () => ({ host, port } = await started(true)));
  afterAll(() => host.close());

  it('answers a path with malformed percent-encoding 400 invalid_argument, before any handler, and keeps serving', async () => {
    await expectMalformedPathsRefused(port);
  });

  it('answers a private path without a credential exactly as an unknown path', async () => {
    const privatePath = await request(port, 'GET', '/secret');
    const unknownPath = await request(port, 'GET', '/unknown');
    expect(privatePath.status).toBe(404);
    expect(privatePath.json).toEqual({ code: 'not_found', message: 'no endpoint for GET /secret' });
    expect(unknownPath.json).toEqual({ code: 'not_found', message: 'no endpoint for GET /unknown' });
    expect((await request(port, 'GET', '/web/private')).status).toBe(404);
  });

  it('serves a private path to a caller with a valid credential', async () => {
    expect(await request(port, 'GET', '/secret', { headers: signed('GET', '/secret') })).toMatchObject({ status: 200, json: { secret: 'private data' } });
  });

  it('hides private methods of a public path: 405 lists only the public ones', async () => {
    const answer = await request(port, 'POST', '/mixed', { body: {} });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
    expect((await request(port, 'POST', '/mixed', { headers: signed('POST', '/mixed') })).json).toEqual({ side: 'private' });
    // With a body, a by-path credential does not count: bodies reach private endpoints as internal calls.
    expect((await request(port, 'POST', '/mixed', { body: {}, headers: signed('POST', '/mixed', {}) })).status).toBe(405);
  });

  it('still requires a credential for internal calls (401)', async () => {
    expect((await request(port, 'POST', '/__topo/call/hello/whisper', { body: { words: 'x' } })).status).toBe(401);
  });

  it('refuses JSON nested deeper than the documented limit with 400 invalid_argument, and keeps serving', async () => {
    const body = `{"value":${'['.repeat(3000)}${']'.repeat(3000)}}`;
    const answer = await request(port, 'POST', '/echo', { body, headers: { 'content-type': 'application/json' } });
    expect({ status: answer.status, json: answer.json }).toEqual({ status: 400, json: { code: 'invalid_argument', message: 'JSON nested deeper than 256 levels' } });
    expect((await request(port, 'GET', '/hello/ada')).status).toBe(200);
  });

  it('drops the x-topo-* headers a client sends, as the gateway does: the code never sees them', async () => {
    const forged = { [CALLER_HEADER]: 'billing', [AUTH_HEADER]: 'forged', 'x-topo-anything': 'x', 'x-other': 'kept' };
    const answer = await request(port, 'GET', '/web/internal-headers', { headers: forged });
    expect({ status: answer.status, json: answer.json }).toEqual({ status: 200, json: {} });
  });
});

describe('host without a secret', () => {
  it('refuses private endpoints and internal calls, saying to set TOPO_SECRET; edge still answers 404', async () => {
    const behind = await started(false, null);
    const edge = await started(true, null);
    try {
      const privateAnswer = await request(behind.port, 'GET', '/secret');
      expect(privateAnswer.status).toBe(401);
      expect(privateAnswer.json.message).toMatch(/set TOPO_SECRET/);
      const call = await request(behind.port, 'POST', '/__topo/call/hello/whisper', { body: { words: 'x' }, headers: signed('POST', '/__topo/call/hello/whisper', { words: 'x' }) });
      expect(call.status).toBe(401);
      expect(call.json.message).toMatch(/set TOPO_SECRET/);
      expect((await request(edge.port, 'GET', '/secret', { headers: signed('GET', '/secret') })).status).toBe(404);
    } finally {
      await behind.host.close();
      await edge.host.close();
    }
  });
});

describe('createHost refuses a bad service list, naming the problem', () => {
  const service = new Service('svc');
  const endpoint = api({ expose: true, method: 'GET', path: '/a' }, async () => ({}));

  it.each([
    ['no services', [], /at least one service/],
    ['a duplicate service', [{ service, endpoints: [] }, { service, endpoints: [] }], /service "svc" is listed twice/],
    ['something that is not an endpoint', [{ service, endpoints: [{ name: 'x', endpoint: (() => 1) as never }] }], /svc\.x is not an endpoint/],
    ['a duplicate export name', [{ service, endpoints: [{ name: 'a', endpoint }, { name: 'a', endpoint }] }], /lists endpoint "a" twice/],
    [
      'two endpoints for one route',
      [{ service, endpoints: [{ name: 'a', endpoint }, { name: 'b', endpoint: api({ expose: true, method: 'GET', path: '/a' }, async () => ({})) }] }],
      /route conflict: svc\.b \(GET \/a\) and svc\.a \(GET \/a\)/,
    ],
  ])('%s', (_name, services, message) => {
    expect(() => createHost({ app: 'a', process: 'p', edge: false, services: services as never })).toThrow(message);
  });
});

describe('the same endpoints for the monolith and a service process', () => {
  it('keep request objects handler-owned: a handler mutating its request does not leak to the next request', async () => {
    const endpoints = helloEndpoints();
    const host = createHost({ app: 'demo', process: 'p', edge: true, services: [helloService(endpoints)] });
    const { port } = await host.listen(0, '127.0.0.1');
    try {
      expect((await request(port, 'POST', '/mutate', { body: { list: [1] } })).json).toEqual({ list: [1, 99] });
      expect((await request(port, 'POST', '/mutate', { body: { list: [1] } })).json).toEqual({ list: [1, 99] });
    } finally {
      await host.close();
    }
  });
});
