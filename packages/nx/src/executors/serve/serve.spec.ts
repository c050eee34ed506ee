import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadApp } from './lib/load-app';
import type { NormalizedServeOptions } from './lib/normalize-options';
import { findFreePorts } from './lib/ports';
import { ServeSession } from './lib/serve-session';

const REPO_ROOT = join(__dirname, '../../../../..');
const FIXTURE = join(__dirname, '__fixtures__/shop');

jest.setTimeout(60_000);

interface Answer {
  status: number;
  body: unknown;
}

function call(port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What a client may send the app; each topology must answer every one the same way. */
const REQUESTS: [method: string, path: string, body?: string, headers?: Record<string, string>][] = [
  ['GET', '/users/1'],
  ['GET', '/users/9'],
  ['GET', '/users/abc'],
  ['GET', '/users/boom'],
  ['GET', '/greet/2'],
  ['GET', '/greet/2?punctuation=%3F'],
  ['POST', '/orders', JSON.stringify({ userId: 1, item: 'book', quantity: 2 })],
  ['POST', '/orders', JSON.stringify({ userId: 7, item: 'book', quantity: 2 })],
  ['POST', '/orders', '{"userId": 1,'],
  ['POST', '/orders', JSON.stringify({ userId: 1, item: 'book' })],
  ['POST', '/internal/users/lookup', JSON.stringify({ id: 1 })],
  ['POST', '/internal/users/lookup', JSON.stringify({ id: 1 }), { 'x-topo-auth': '1.forged', 'x-topo-caller': 'orders' }],
  ['GET', '/no/such/path'],
];

describe('nx serve (ServeSession) on a fixture app with calls between services', () => {
  let workspaceRoot: string;
  let appPort: number;
  const sessions: ServeSession[] = [];

  beforeAll(async () => {
    workspaceRoot = mkdtempSync(join(tmpdir(), 'topo-serve-'));
    cpSync(FIXTURE, workspaceRoot, { recursive: true });
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(workspaceRoot, 'node_modules'), 'dir');
    [appPort] = await findFreePorts(1, '127.0.0.1');
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.stop()));
  });

  afterAll(() => rmSync(workspaceRoot, { recursive: true, force: true }));

  function options(topology: string, extra: Partial<NormalizedServeOptions> = {}): NormalizedServeOptions {
    return { workspaceRoot, appName: 'shop', appRoot: join(workspaceRoot, 'apps/shop'), topology, port: appPort, host: '127.0.0.1', watch: false, ...extra };
  }

  async function serve(topology: string, extra: Partial<NormalizedServeOptions> = {}): Promise<ServeSession> {
    const o = options(topology, extra);
    const session = new ServeSession(o, () => loadApp(o));
    sessions.push(session);
    await session.start();
    return session;
  }

  async function replay(): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (const [method, path, body, headers] of REQUESTS) answers.push(await call(appPort, method, path, body, headers));
    return answers;
  }

  it('answers every request the same in mono, micro and a custom topology', async () => {
    await serve('mono');
    const mono = await replay();
    await sessions.pop()!.stop();

    await serve('micro');
    const micro = await replay();
    await sessions.pop()!.stop();

    await serve('pair');
    const pair = await replay();

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
    const direct = await call(users.port, 'POST', '/internal/users/lookup', JSON.stringify({ id: 1 }));
    expect(direct.status).toBe(401);
    expect(direct.body).toEqual(expect.objectContaining({ code: 'unauthenticated' }));
    expect(await call(users.port, 'GET', '/users/1')).toEqual({ status: 200, body: { id: 1, name: 'Ada' } });
  });

  it('answers 503 within a second for a killed process, keeps serving the rest, and restarts it', async () => {
    const session = await serve('micro');
    const users = session.processes.find((p) => p.name === 'users')!;
    process.kill(users.pid!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 50));

    const started = Date.now();
    const down = await call(appPort, 'GET', '/users/1');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(down).toEqual({ status: 503, body: expect.objectContaining({ code: 'unavailable' }) });
    expect((await call(appPort, 'POST', '/orders', JSON.stringify({ userId: 1, item: 'x', quantity: 1 }))).status).toBe(503);
    expect(await call(appPort, 'GET', '/no/such/path')).toEqual({ status: 404, body: expect.objectContaining({ code: 'not_found' }) });

    const deadline = Date.now() + 10_000;
    let answer = down;
    while (answer.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await call(appPort, 'GET', '/users/1');
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
    let answer = await call(appPort, 'GET', '/greet/1');
    while (answer.status !== 200 || (answer.body as { message: string }).message !== 'Hi, Ada!') {
      if (Date.now() > deadline) throw new Error(`greeter was not restarted: ${JSON.stringify(answer)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await call(appPort, 'GET', '/greet/1').catch(() => answer);
    }
    const after = Object.fromEntries(session.processes.map((p) => [p.name, p.pid]));
    expect(after.greeter).not.toBe(before.greeter);
    expect(after.users).toBe(before.users);
    expect(after.orders).toBe(before.orders);
  });

  it('refuses a topology that topo.json does not define, naming the known ones', async () => {
    const o = options('nope');
    expect(() => loadApp(o)).toThrow(/nope/);
  });
});
