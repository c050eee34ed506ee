import { readFileSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { copyFixtureWorkspace, removeWorkspace } from '../../testing/fixture-workspace';
import { call, replay, serveOptions, startServe } from '../../testing/serve-replay';
import { SHOP_REQUESTS } from './__fixtures__/shop-requests';
import { loadApp } from '../../app/load-app';
import type { NormalizedServeOptions } from './lib/normalize-options';
import { findFreePorts } from './lib/ports';
import type { ServeSession } from './lib/serve-session';

const FIXTURE = join(__dirname, '__fixtures__/shop');

jest.setTimeout(60_000);

const json = (value: unknown) => JSON.stringify(value);
const REQUESTS = SHOP_REQUESTS;

describe('nx serve (ServeSession) on a fixture app with calls between services', () => {
  let workspaceRoot: string;
  let appPort: number;
  const sessions: ServeSession[] = [];

  beforeAll(async () => {
    workspaceRoot = copyFixtureWorkspace(FIXTURE, { prefix: 'topo-serve-' });
    [appPort] = await findFreePorts(1, '127.0.0.1');
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.stop()));
  });

  afterAll(() => removeWorkspace(workspaceRoot));

  function options(topology: string, extra: Partial<NormalizedServeOptions> = {}): NormalizedServeOptions {
    return serveOptions({ workspaceRoot, appName: 'shop', appRoot: 'apps/shop', port: appPort }, topology, extra);
  }

  async function serve(topology: string, extra: Partial<NormalizedServeOptions> = {}): Promise<ServeSession> {
    const session = await startServe(options(topology, extra));
    sessions.push(session);
    return session;
  }

  it('answers every request the same in mono, micro and a custom topology', async () => {
    await serve('mono');
    const mono = await replay(appPort, REQUESTS);
    await sessions.pop()!.stop();

    await serve('micro');
    const micro = await replay(appPort, REQUESTS);
    await sessions.pop()!.stop();

    await serve('pair');
    const pair = await replay(appPort, REQUESTS);

    expect(micro).toEqual(mono);
    expect(pair).toEqual(mono);
    const [user, missing, badId, boom, greet, greetQ, order, orderNoUser, badJson, badBody, privateCall, forged, unknown] = mono;
    expect(user).toEqual({ status: 200, body: { id: 1, name: 'Ada' } });
    expect(missing).toEqual({ status: 404, body: { code: 'not_found', message: 'no user 9' } });
    expect(badId.status).toBe(400);
    expect(boom).toEqual({ status: 500, body: expect.objectContaining({ code: 'internal' }) });
    expect(JSON.stringify(boom.body)).not.toContain('hunter2');
    expect(greet).toEqual({ status: 200, body: { message: 'Hello, Grace!' } });
    expect(greetQ).toEqual({ status: 200, body: { message: 'Hello, Grace?' } });
    expect(order).toEqual({ status: 200, body: { item: 'book', quantity: 2, customer: 'Ada', greeting: 'Hello, Ada.' } });
    expect(orderNoUser).toEqual({ status: 404, body: { code: 'not_found', message: 'no user 7' } });
    expect(badJson).toEqual({ status: 400, body: expect.objectContaining({ code: 'invalid_argument' }) });
    expect(badBody).toEqual({ status: 400, body: expect.objectContaining({ code: 'invalid_argument' }) });
    expect(privateCall.status).toBe(404);
    expect(forged.status).toBe(404);
    expect(unknown.status).toBe(404);
  });

  it('resolves --env through topo.json', async () => {
    const session = await serve('', { topology: undefined, env: 'staging' });
    expect(session.processes.map((p) => p.name).sort()).toEqual(['gateway', 'greeter', 'orders+users']);
  });

  it('refuses a private endpoint on a service process without the credential', async () => {
    const session = await serve('micro');
    const users = session.processes.find((p) => p.name === 'users')!;
    const direct = await call(users.port, { method: 'POST', path: '/internal/users/lookup', body: json({ id: 1 }) });
    expect(direct.status).toBe(401);
    expect(direct.body).toEqual(expect.objectContaining({ code: 'unauthenticated' }));
    expect(await call(users.port, { method: 'GET', path: '/users/1' })).toEqual({ status: 200, body: { id: 1, name: 'Ada' } });
  });

  it('answers 503 within a second for a killed process, keeps serving the rest, and restarts it', async () => {
    const session = await serve('micro');
    const users = session.processes.find((p) => p.name === 'users')!;
    process.kill(users.pid!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 50));

    const started = Date.now();
    const down = await call(appPort, { method: 'GET', path: '/users/1' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(down).toEqual({ status: 503, body: expect.objectContaining({ code: 'unavailable' }) });
    expect((await call(appPort, { method: 'POST', path: '/orders', body: json({ userId: 1, item: 'x', quantity: 1 }) })).status).toBe(503);
    expect(await call(appPort, { method: 'GET', path: '/no/such/path' })).toEqual({ status: 404, body: expect.objectContaining({ code: 'not_found' }) });

    const deadline = Date.now() + 10_000;
    let answer = down;
    while (answer.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await call(appPort, { method: 'GET', path: '/users/1' });
    }
    expect(answer).toEqual({ status: 200, body: { id: 1, name: 'Ada' } });
    expect(session.processes.find((p) => p.name === 'users')!.pid).not.toBe(users.pid);
  });

  it('restarts only the process whose code changed', async () => {
    const session = await serve('micro', { watch: true });
    const before = Object.fromEntries(session.processes.map((p) => [p.name, p.pid]));
    const file = join(workspaceRoot, 'apps/shop/services/greeter/greeter.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('`Hello, ', '`Hi, '));

    const deadline = Date.now() + 15_000;
    let answer = await call(appPort, { method: 'GET', path: '/greet/1' });
    while (answer.status !== 200 || (answer.body as { message: string }).message !== 'Hi, Ada!') {
      if (Date.now() > deadline) throw new Error(`greeter was not restarted: ${JSON.stringify(answer)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await call(appPort, { method: 'GET', path: '/greet/1' }).catch(() => answer);
    }
    const after = Object.fromEntries(session.processes.map((p) => [p.name, p.pid]));
    expect(after.greeter).not.toBe(before.greeter);
    expect(after.users).toBe(before.users);
    expect(after.orders).toBe(before.orders);
  });

  it.each(['mono', 'micro'])('serves the service catalog at /__topo/catalog in %s, through the port clients use', async (topology) => {
    await serve(topology);
    const model = await call(appPort, { method: 'GET', path: '/__topo/catalog.json' });
    expect(model.status).toBe(200);
    const catalog = model.body as { version: number; services: { name: string; endpoints: { name: string }[] }[] };
    expect(catalog.version).toBe(1);
    expect(catalog.services.map((s) => s.name)).toEqual(['greeter', 'orders', 'users']);
    const page = await call(appPort, { method: 'GET', path: '/__topo/catalog' });
    expect(page.status).toBe(200);
    expect(String(page.body)).toMatch(/^<!doctype html>/i);
  });

  it('sends the catalog again to an open page when the code changes, without a restart of nx serve', async () => {
    await serve('mono', { watch: true });
    const events: string[] = [];
    const stream = httpGet({ host: '127.0.0.1', port: appPort, path: '/__topo/catalog/events', agent: false }, (res) =>
      res.setEncoding('utf8').on('data', (chunk: string) => events.push(chunk)),
    );
    try {
      const file = join(workspaceRoot, 'apps/shop/services/greeter/greeter.ts');
      const original = readFileSync(file, 'utf8');
      await waitFor(() => events.join('').includes('event: catalog'));
      writeFileSync(file, `${original}\n/** Says goodbye. */\nexport const bye = api({ expose: true, method: 'GET', path: '/bye' }, async (): Promise<{ bye: true }> => ({ bye: true }));\n`);
      try {
        await waitFor(() => events.join('').includes('"name":"bye"'));
        expect(events.join('')).toContain('"doc":"Says goodbye."');
      } finally {
        writeFileSync(file, original);
      }
    } finally {
      stream.destroy();
    }
  });

  it('refuses a topology that topo.json does not define, naming the known ones', async () => {
    const o = options('nope');
    expect(() => loadApp(o)).toThrow(/nope/);
  });

  it('refuses, before starting anything, what the runtime would refuse at start: in the contract\'s words, with file, line and fix', () => {
    const file = join(workspaceRoot, 'apps/shop/services/greeter/greeter.ts');
    const original = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      `${original}\nexport const lower = api({ method: 'get', path: '/lower' }, async () => 1);\nexport const shadow = api({ expose: true, method: 'GET', path: '/a/:x/:x' }, async () => 1);\n`,
    );
    try {
      expect(() => loadApp(options('mono'))).toThrow(
        /Cannot serve shop:\napps\/shop\/services\/greeter\/greeter.ts:\d+: Endpoint "lower": unknown method "get".\n {2}Use one of GET, POST, PUT, PATCH, DELETE, HEAD.\n\napps\/shop\/services\/greeter\/greeter.ts:\d+: Endpoint "shadow": invalid endpoint path "\/a\/:x\/:x": the parameter "x" appears twice./,
      );
    } finally {
      writeFileSync(file, original);
    }
  });
});

/** Waits, up to 15 s, until `ready` says so. */
async function waitFor(ready: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('gave up waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
