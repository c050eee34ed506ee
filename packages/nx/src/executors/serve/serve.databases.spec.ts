import { logger } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseUrlVariable } from '@topo/runtime/contract';
import { startTestPostgres, type TestPostgres } from '../../../../runtime/src/database/__fixtures__/postgres';
import { copyFixtureWorkspace, removeWorkspace } from '../../testing/fixture-workspace';
import { type Answer, replay, serveOptions, startServe } from '../../testing/serve-replay';
import { assertPortFree, findFreePorts } from './lib/ports';
import type { ServeSession } from './lib/serve-session';
import { expectMarketAnswers, MARKET_REQUESTS as REQUESTS } from './__fixtures__/market-requests';

/**
 * nx serve with databases: the market app (orders owns `orders`, billing owns `billing` and
 * reads `orders` by name, stock has none; orders calls stock, billing writes to both) answers
 * a stateful request set (__fixtures__/market-requests.ts) the same in mono, micro and a custom topology, on embedded PGlite
 * (the default, each run from empty) and on a real Postgres server named by
 * TOPO_DATABASE_URL_<NAME>; embedded data stays between runs.
 */

const FIXTURE = join(__dirname, '__fixtures__/market');
jest.setTimeout(120_000);

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
