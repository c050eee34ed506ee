import { logger } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseUrlVariable } from '@topo/runtime/contract';
import { startTestPostgres, type TestPostgres } from '../../../../runtime/src/database/__fixtures__/postgres';
import { copyFixtureWorkspace, removeWorkspace } from '../../testing/fixture-workspace';
import { type Answer, replay, type ServeRequest, serveOptions, startServe } from '../../testing/serve-replay';
import { assertPortFree, findFreePorts } from './lib/ports';
import type { ServeSession } from './lib/serve-session';

/**
 * nx serve with databases: the market app (orders owns `orders`, billing owns `billing` and
 * reads `orders` by name, stock has none; orders calls stock, billing writes to both) answers
 * a stateful request set the same in mono, micro and a custom topology, on embedded PGlite
 * (the default, each run from empty) and on a real Postgres server named by
 * TOPO_DATABASE_URL_<NAME>; embedded data stays between runs.
 */

const FIXTURE = join(__dirname, '__fixtures__/market');
const json = (value: unknown) => JSON.stringify(value);

jest.setTimeout(120_000);

const REQUESTS: ServeRequest[] = [
  { method: 'POST', path: '/orders', body: json({ customer: 'ada', lines: [{ sku: 'apple', quantity: 2 }, { sku: 'pear', quantity: 1 }] }) },
  { method: 'POST', path: '/orders', body: json({ customer: 'ada', lines: [{ sku: 'plum', quantity: 3 }] }) },
  { method: 'GET', path: '/orders/1' },
  { method: 'POST', path: '/invoices', body: json({ orderId: 1 }) },
  { method: 'POST', path: '/invoices', body: json({ orderId: 1 }) },
  { method: 'POST', path: '/invoices', body: json({ orderId: 9 }) },
  { method: 'GET', path: '/customers/ada/orders' },
  { method: 'GET', path: '/invoices' },
  { method: 'POST', path: '/orders', body: json({ customer: 'bob', lines: [] }) },
  { method: 'POST', path: '/orders', body: json({ customer: 'bob', lines: [{ sku: 'kiwi', quantity: 1 }] }) },
  { method: 'POST', path: '/orders', body: json({ customer: 'bob', lines: [{ sku: 'apple', quantity: 0 }] }) },
  { method: 'GET', path: "/customers/x'%20OR%20'1'%3D'1/orders" },
  { method: 'GET', path: '/orders/1;DROP%20TABLE%20orders' },
  { method: 'GET', path: '/stock/apple/price' },
  { method: 'GET', path: '/orders/2' },
];

/** The answers without what differs from run to run by design (none: ids come from fresh databases). */
function expectMarketAnswers(answers: Answer[]): void {
  const [placed, second, read, invoiced, again, unknown, ofAda, invoices, empty, kiwi, zero, injection, dropping, privatePrice, after] = answers;
  expect(placed).toEqual({
    status: 200,
    body: { id: 1, customer: 'ada', status: 'open', lines: [{ sku: 'apple', quantity: 2, cents: 100 }, { sku: 'pear', quantity: 1, cents: 70 }] },
  });
  expect(second.status).toBe(200);
  expect(read).toEqual(placed);
  expect(invoiced).toEqual({ status: 200, body: { id: 1, orderId: 1, cents: 170 } });
  expect([again.status, unknown.status]).toEqual([409, 404]);
  expect(ofAda).toEqual({ status: 200, body: { orders: [{ id: 1, status: 'invoiced' }, { id: 2, status: 'open' }] } });
  expect(invoices).toEqual({ status: 200, body: { invoices: [{ id: 1, orderId: 1, cents: 170 }] } });
  expect([empty.status, kiwi.status, injection, dropping.status, privatePrice.status]).toEqual([400, 404, { status: 200, body: { orders: [] } }, 400, 404]);
  // A check constraint the database enforces is an internal error, with no SQL in the body.
  expect(zero.status).toBe(500);
  expect(JSON.stringify(zero.body)).not.toMatch(/order_lines|quantity|constraint|INSERT/i);
  expect(after.status).toBe(200);
}

describe('nx serve with databases', () => {
  let workspaceRoot: string;
  let appPort: number;
  const sessions: ServeSession[] = [];
  const logged: string[] = [];

  beforeAll(async () => {
    workspaceRoot = copyFixtureWorkspace(FIXTURE, { prefix: 'topo-serve-db-' });
    [appPort] = await findFreePorts(1, '127.0.0.1');
    jest.spyOn(logger, 'info').mockImplementation((message) => void logged.push(String(message)));
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.stop()));
  });

  afterAll(() => {
    jest.restoreAllMocks();
    removeWorkspace(workspaceRoot);
  });

  async function answersIn(topology: string, fresh: boolean): Promise<Answer[]> {
    const session = await startServe(serveOptions({ workspaceRoot, appName: 'market', appRoot: 'apps/market', port: appPort }, topology, { freshDatabases: fresh }));
    sessions.push(session);
    try {
      return await replay(appPort, REQUESTS);
    } finally {
      sessions.splice(sessions.indexOf(session), 1);
      await session.stop();
    }
  }

  it('on embedded databases, answers the stateful request set the same in mono, micro and pair, and prints where each database listens', async () => {
    const mono = await answersIn('mono', true);
    expectMarketAnswers(mono);
    expect(logged.join('\n')).toMatch(/Databases:\n {2}billing: postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres \(embedded, data in \.topo\/databases\/market\/billing\)/);
    expect(await answersIn('micro', true)).toEqual(mono);
    expect(await answersIn('pair', true)).toEqual(mono);
  });

  it('keeps the embedded data between runs, git-ignored, and closes the database when the session stops', async () => {
    await answersIn('mono', true);
    const session = await startServe(serveOptions({ workspaceRoot, appName: 'market', appRoot: 'apps/market', port: appPort }, 'micro'));
    sessions.push(session);
    const [order] = await replay(appPort, [{ method: 'GET', path: '/orders/2' }]);
    expect(order).toMatchObject({ status: 200, body: { id: 2, customer: 'ada' } });
    const printed = logged.filter((line) => line.startsWith('Databases:')).at(-1)!;
    const port = Number(/billing: postgres:\/\/postgres@127\.0\.0\.1:(\d+)/.exec(printed)![1]);
    sessions.pop();
    await session.stop();
    await expect(assertPortFree(port, '127.0.0.1')).resolves.toBeUndefined();
    expect(readFileSync(join(workspaceRoot, '.topo', '.gitignore'), 'utf8')).toContain('\n*\n');
    expect(existsSync(join(workspaceRoot, '.topo', 'databases', 'market', 'orders'))).toBe(true);
  });

  describe('on a real Postgres server named by TOPO_DATABASE_URL_<NAME>', () => {
    let postgres: TestPostgres;
    let run = 0;

    beforeAll(async () => {
      postgres = await startTestPostgres();
    });

    afterAll(() => {
      delete process.env[databaseUrlVariable('orders')];
      delete process.env[databaseUrlVariable('billing')];
      postgres?.remove();
    });

    async function onFreshDatabases(topology: string): Promise<Answer[]> {
      run++;
      for (const name of ['orders', 'billing']) {
        await postgres.createDatabase(`${name}_${run}`);
        process.env[databaseUrlVariable(name)] = postgres.url(`${name}_${run}`);
      }
      return answersIn(topology, false);
    }

    it('answers exactly as on the embedded databases, in mono, micro and pair', async () => {
      const mono = await onFreshDatabases('mono');
      expectMarketAnswers(mono);
      expect(logged.filter((l) => l.startsWith('Databases:')).at(-1)).toBe('Databases:\n  billing: from TOPO_DATABASE_URL_BILLING\n  orders: from TOPO_DATABASE_URL_ORDERS');
      expect(await onFreshDatabases('micro')).toEqual(mono);
      expect(await onFreshDatabases('pair')).toEqual(mono);
    });
  });
});
