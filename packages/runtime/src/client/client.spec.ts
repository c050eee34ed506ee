import { closedPort } from '../__fixtures__/http';
import { helloEndpoints, helloService } from '../__fixtures__/services';
import { client } from '.';
import { runWithDeadline } from '../deadline';
import { APIError, ErrCode } from '../errors';
import { createHost, type Host } from '../host/host';

const SECRET = 'client-spec-secret-long-enough-0123456789';

type HelloModule = ReturnType<typeof helloEndpoints>;

/** Captures what the runtime logs to stderr (and keeps it out of the test output). */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const original = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await run();
  } finally {
    process.stderr.write = original;
  }
}

/** The outcome of a call, comparable across in-process and HTTP. */
async function outcome(call: () => Promise<unknown>): Promise<{ value?: unknown; error?: { code: string; message: string; details?: unknown; isAPIError: boolean } }> {
  try {
    return { value: await call() };
  } catch (error) {
    const { code, message, details } = error as APIError;
    return { error: { code, message, details, isAPIError: error instanceof APIError } };
  }
}

/** Calls whose outcome must be the same whether the service is in this process or not. */
const scenarios: Array<[string, (hello: ReturnType<typeof client<HelloModule>>) => Promise<unknown>, unknown]> = [
  ['a plain call', (hello) => hello.hello({ name: 'ada' }), { value: { message: 'Hello, ada!' } }],
  ['a call without argument', (hello) => hello.ping(), { value: { pong: true } }],
  ['a call returning nothing', (hello) => hello.nothing(), { value: undefined }],
  [
    'JSON copy semantics both ways',
    (hello) => hello.echo({ value: { keep: 1, drop: undefined, f: () => 1 } as never, at: new Date(0) as never, list: [1, NaN, Infinity] }),
    { value: { value: { keep: 1 }, at: '1970-01-01T00:00:00.000Z', list: [1, null, null], received: true, when: '1970-01-01T00:00:00.000Z' } },
  ],
  [
    'an APIError with details',
    (hello) => hello.missing({ id: 'u1' }),
    { error: { code: 'not_found', message: 'no such user', details: { id: 'u1' }, isAPIError: true } },
  ],
  ['a failure that is not an APIError', (hello) => hello.fail(), { error: { code: 'internal', message: 'internal error', details: undefined, isAPIError: true } }],
  ['a synchronous handler\'s result, copied', (hello) => hello.syncResult({ list: [1] }), { value: { list: [1], at: '1970-01-01T00:00:00.000Z' } }],
  [
    'a synchronous handler\'s result JSON cannot carry',
    (hello) => hello.syncBigint(),
    { error: { code: 'internal', message: 'internal error', details: undefined, isAPIError: true } },
  ],
  ['a result JSON cannot carry', (hello) => hello.bigint(), { error: { code: 'internal', message: 'internal error', details: undefined, isAPIError: true } }],
  [
    'a request that fails validation',
    (hello) => hello.age({ age: '30' as never }),
    { error: { code: 'invalid_argument', message: 'age: expected integer, got "30"', details: undefined, isAPIError: true } },
  ],
  [
    'a missing required field',
    (hello) => hello.updateItem({ id: 1 } as never),
    { error: { code: 'invalid_argument', message: 'count: expected integer, got nothing', details: undefined, isAPIError: true } },
  ],
  [
    'a request that is not an object',
    (hello) => hello.age([1] as never),
    { error: { code: 'invalid_argument', message: 'request: expected object, got array', details: undefined, isAPIError: true } },
  ],
  [
    'a circular request',
    (hello) => {
      const loop: Record<string, unknown> = {};
      loop.loop = loop;
      return hello.echo({ value: loop });
    },
    {
      error: {
        code: 'invalid_argument',
        message: 'cannot copy a value with a circular reference: JSON cannot represent it',
        details: undefined,
        isAPIError: true,
      },
    },
  ],
  [
    "a call, made while serving a request, past the endpoint's timeout",
    (hello) => runWithDeadline(Date.now() + 30_000, () => hello.hang()),
    { error: { code: 'deadline_exceeded', message: 'hello.hang did not finish within its deadline', details: undefined, isAPIError: true } },
  ],
  [
    'an unknown endpoint',
    (hello) => (hello as unknown as { nope(): Promise<unknown> }).nope(),
    { error: { code: 'not_found', message: 'service "hello" has no typed endpoint "nope"', details: undefined, isAPIError: true } },
  ],
];

/**
 * A call made while serving a request (here: inside `runWithDeadline`, as a handler runs)
 * carries what is left of that request's deadline: the callee runs within it, and the call
 * gives up with it, the same in-process and over HTTP.
 */
function itPropagatesTheDeadline(hello: ReturnType<typeof client<HelloModule>>): void {
  it("gives the callee what is left of the caller's deadline, and gives up when it runs out", async () => {
    const { left } = await runWithDeadline(Date.now() + 400, () => hello.timeLeft());
    expect({ left, within: left > 0 && left <= 400 }).toEqual({ left, within: true });

    const started = Date.now();
    const timedOut = await outcome(() => runWithDeadline(Date.now() + 300, () => hello.hangLong()));
    expect(timedOut).toEqual({ error: { code: 'deadline_exceeded', message: 'hello.hangLong did not finish within its deadline', details: undefined, isAPIError: true } });
    // At the caller's deadline, not at the callee's own 20 s.
    expect(Date.now() - started).toBeLessThan(5_000);
    // A deadline already past: refused at once.
    expect((await outcome(() => runWithDeadline(Date.now() - 1, () => hello.ping()))).error?.code).toBe('deadline_exceeded');
  });
}

describe('client, in-process (the service is hosted here)', () => {
  let host: Host;
  let endpoints: HelloModule;
  const hello = client<HelloModule>('hello');

  beforeAll(() => {
    endpoints = helloEndpoints();
    host = createHost({ app: 'demo', process: 'mono', edge: true, secret: SECRET, services: [helloService(endpoints)], register: true });
  });
  afterAll(() => host.close());

  it.each(scenarios)('%s', async (_name, call, expected) => {
    expect(await quietly(() => outcome(() => call(hello)))).toEqual(expected);
  });

  itPropagatesTheDeadline(hello);

  it('copies arguments: the handler gets its own object, later mutation of the argument does not reach it', async () => {
    const argument = { value: { n: 1 }, list: [1] };
    await hello.echo(argument);
    const received = endpoints.seen.at(-1) as typeof argument;
    expect(received).not.toBe(argument);
    argument.value.n = 2;
    argument.list.push(2);
    expect(received).toEqual({ value: { n: 1 }, list: [1] });
  });

  it('copies results: changing what the caller got does not reach the handler', async () => {
    const result = (await hello.mutate({ list: [1] })) as { list: number[] };
    const handled = endpoints.seen.at(-1) as { list: number[] };
    expect(result).toEqual({ list: [1, 99] });
    expect(result).not.toBe(handled);
    result.list.push(3);
    expect(handled.list).toEqual([1, 99]);
  });

  it('copies a synchronous result: the caller and the handler do not share it', async () => {
    const result = (await hello.syncResult({ list: [1] })) as { list: number[] };
    const handled = endpoints.seen.at(-1) as { list: number[] };
    result.list.push(2);
    expect(handled.list).toEqual([1]);
  });

  it('throws a fresh APIError, not the instance the handler threw', async () => {
    const thrown = new APIError(ErrCode.Aborted, 'stop', { why: 'because' });
    const failing = createHost({
      app: 'demo',
      process: 'p',
      edge: true,
      register: true,
      services: [
        {
          service: new (await import('../service')).Service('thrower'),
          endpoints: [{ name: 'go', endpoint: (await import('../api')).api({ method: 'POST', path: '/go' }, async () => Promise.reject(thrown)) }],
        },
      ],
    });
    try {
      const error = await client<{ go: import('../api').Endpoint<void, never> }>('thrower').go().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APIError);
      expect(error).not.toBe(thrown);
      expect(error).toMatchObject({ code: ErrCode.Aborted, message: 'stop', details: { why: 'because' } });
      expect((error as APIError).details).not.toBe(thrown.details);
    } finally {
      await failing.close();
    }
  });

  it('is safe to await and inspect: no endpoint named then, toJSON or a symbol', async () => {
    expect((hello as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(hello)).toBe(hello);
    expect((hello as unknown as Record<symbol, unknown>)[Symbol.iterator]).toBeUndefined();
    expect(typeof hello.toString).toBe('function');
  });

  it('makes each endpoint function once, as an own property', () => {
    const first = hello.hello;
    expect(hello.hello).toBe(first);
    expect(Object.keys(hello)).toContain('hello');
  });

  it('refuses an invalid service name', () => {
    expect(() => client('Not Kebab')).toThrow(/invalid service name "Not Kebab"/);
  });
});

describe('client over HTTP (the service is hosted elsewhere)', () => {
  let host: Host;
  let baseUrl: string;
  const hello = client<HelloModule>('hello');
  const saved = { secret: process.env.TOPO_SECRET, discovery: process.env.TOPO_DISCOVERY };

  beforeAll(async () => {
    host = createHost({ app: 'demo', process: 'hello', edge: false, secret: SECRET, services: [helloService()] });
    const { port } = await host.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${port}`;
  });
  beforeEach(() => {
    process.env.TOPO_SECRET = SECRET;
    process.env.TOPO_DISCOVERY = JSON.stringify({ hello: baseUrl });
  });
  afterAll(async () => {
    process.env.TOPO_SECRET = saved.secret;
    process.env.TOPO_DISCOVERY = saved.discovery;
    if (saved.secret === undefined) delete process.env.TOPO_SECRET;
    if (saved.discovery === undefined) delete process.env.TOPO_DISCOVERY;
    await host.close();
  });

  it.each(scenarios)('%s: same outcome as in-process', async (_name, call, expected) => {
    expect(await quietly(() => outcome(() => call(hello)))).toEqual(expected);
  });

  itPropagatesTheDeadline(hello);

  it('reaches private endpoints with the internal-call credential', async () => {
    expect(await hello.whisper({ words: 'psst' })).toEqual({ heard: 'psst' });
    expect(await hello.secret()).toEqual({ secret: 'private data' });
  });

  it('keeps working across many calls on kept-alive connections', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => hello.hello({ name: `n${i}` })));
    expect(results[49]).toEqual({ message: 'Hello, n49!' });
  });

  it('answers unavailable, naming the service but no address or socket error (those go to stderr), when nothing listens', async () => {
    const port = await closedPort();
    process.env.TOPO_DISCOVERY = JSON.stringify({ hello: `http://127.0.0.1:${port}` });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const error = await hello.hello({ name: 'x' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APIError);
      expect({ code: (error as APIError).code, message: (error as APIError).message }).toEqual({ code: ErrCode.Unavailable, message: 'service "hello" is unavailable; try again later' });
      expect(stderr.mock.calls.join('')).toContain(`topo: call to service "hello" at http://127.0.0.1:${port} failed (ECONNREFUSED)`);
    } finally {
      stderr.mockRestore();
    }
  });

  it('answers unavailable with how to set TOPO_DISCOVERY when the service has no address', async () => {
    process.env.TOPO_DISCOVERY = '{}';
    const error = await hello.hello({ name: 'x' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrCode.Unavailable, message: expect.stringMatching(/not hosted in this process.*set TOPO_DISCOVERY/) });
  });

  it('says to set TOPO_SECRET when the process has none', async () => {
    delete process.env.TOPO_SECRET;
    const error = await hello.hello({ name: 'x' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrCode.Unauthenticated, message: expect.stringContaining('set TOPO_SECRET') });
  });

  it('reports a malformed TOPO_DISCOVERY in the error', async () => {
    process.env.TOPO_DISCOVERY = '{oops';
    const error = await hello.hello({ name: 'x' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrCode.Unavailable, message: expect.stringContaining('TOPO_DISCOVERY is not valid JSON') });
  });

  it('is refused by the service when the secrets differ', async () => {
    process.env.TOPO_SECRET = 'another-secret-long-enough-0123456789abcdef';
    const error = await hello.hello({ name: 'x' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrCode.Unauthenticated });
  });

  it('uses the discovery and secret a process registered, over the environment', async () => {
    delete process.env.TOPO_SECRET;
    process.env.TOPO_DISCOVERY = '{}';
    const other = createHost({
      app: 'demo',
      process: 'other',
      edge: false,
      secret: SECRET,
      discovery: { hello: baseUrl },
      register: true,
      services: [{ service: new (await import('../service')).Service('other'), endpoints: [] }],
    });
    try {
      expect(await hello.hello({ name: 'via-registry' })).toEqual({ message: 'Hello, via-registry!' });
    } finally {
      await other.close();
    }
  });
});
