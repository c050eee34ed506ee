import { buildRuntime, startFixture, stopFixtures } from '../__fixtures__/child';
import { closedPort, request } from '../__fixtures__/http';
import { api } from '../api';
import { createHost, type Host } from '../host';
import { Service } from '../service';
import { describeDatabaseBehaviour } from './__fixtures__/behaviour';
import { direct, migrationsFolder } from './__fixtures__/databases';
import { startTestPostgres, type TestPostgres } from './__fixtures__/postgres';
import { SQLDatabase } from './database';
import { allDatabases, closeDatabase, databaseState, migrate, migrateOwnedDatabases } from './registry';

/**
 * The database cases against a real Postgres server (one per file, a database per case),
 * then what a served process does when its database fails.
 */
let postgres: TestPostgres;
let databases = 0;

beforeAll(async () => {
  postgres = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  for (const database of allDatabases()) await closeDatabase(database);
  postgres?.remove();
});

async function freshDatabase(): Promise<string> {
  const name = `case_${++databases}`;
  await postgres.createDatabase(name);
  return postgres.url(name);
}

describeDatabaseBehaviour(() => ({ freshDatabase }));

describe('a served process and its database', () => {
  const shop = new SQLDatabase('shop', { migrations: migrationsFolder({ '1_items.up.sql': "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'lamp');" }) });
  let host: Host;
  let port: number;
  let stderr: jest.SpyInstance;

  beforeAll(async () => {
    process.env.TOPO_DATABASE_URL_SHOP = await freshDatabase();
    // What runProcess does before it listens.
    expect(await migrateOwnedDatabases()).toContainEqual({ database: 'shop', applied: ['1_items.up.sql'] });
    const endpoints = {
      item: api({ expose: true, method: 'GET', path: '/items/:id' }, async ({ id }: { id: string }) => shop.queryRow`SELECT id, name FROM items WHERE id = ${Number(id)}`),
      broken: api({ expose: true, method: 'GET', path: '/broken' }, async () => shop.queryRow`SELECT secret_column FROM no_such_table WHERE name = ${'x'}`),
      ping: api({ expose: true, method: 'GET', path: '/ping' }, async () => ({ pong: true })),
    };
    host = createHost({
      app: 'shop',
      process: 'mono',
      edge: true,
      services: [{ service: new Service('shop'), endpoints: Object.entries(endpoints).map(([name, endpoint]) => ({ name, endpoint })) }],
    });
    ({ port } = await host.listen(0, '127.0.0.1'));
  });
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());
  afterAll(async () => {
    await host?.close();
    await shop.close();
  });

  it('answers 503 unavailable JSON while the database is down, keeps serving the rest, and recovers', async () => {
    const before = await request(port, 'GET', '/items/1');
    postgres.stop();
    try {
      const down = await request(port, 'GET', '/items/1');
      const other = await request(port, 'GET', '/ping');
      expect([before.json, down.status, down.json, other.status]).toEqual([
        { id: 1, name: 'lamp' },
        503,
        { code: 'unavailable', message: 'database "shop" is unavailable; try again later' },
        200,
      ]);
      expect(down.text).not.toMatch(new RegExp(`${postgres.port}|127\\.0\\.0\\.1|ECONN|terminat|pg`, 'i'));
      expect(stderr.mock.calls.join('')).toMatch(/database "shop" is unavailable \(.+\)/);
    } finally {
      postgres.start();
    }
    expect((await request(port, 'GET', '/items/1')).json).toEqual({ id: 1, name: 'lamp' });
  }, 30_000);

  it('fails the next query of a transaction whose database went away with unavailable, and lives on', async () => {
    const tx = await shop.begin();
    await tx.queryRow`SELECT 1`;
    postgres.stop();
    try {
      // The server closed the connection between two queries: the client emitted 'error'.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expect(tx.queryRow`SELECT name FROM items`).rejects.toMatchObject({ code: 'unavailable', status: 503 });
      await expect(tx.rollback()).rejects.toMatchObject({ code: 'unavailable' });
      expect(tx.done).toBe(true);
    } finally {
      postgres.start();
    }
    expect((await request(port, 'GET', '/ping')).status).toBe(200);
    expect(await shop.queryRow`SELECT name FROM items WHERE id = ${1}`).toEqual({ name: 'lamp' });
  }, 30_000);

  it("answers a failed statement 500 internal, its SQL and Postgres's words only in the log", async () => {
    const answer = await request(port, 'GET', '/broken');
    expect([answer.status, answer.json]).toEqual([500, { code: 'internal', message: 'internal error' }]);
    expect(answer.text).not.toMatch(/no_such_table|secret_column|relation/);
    expect(stderr.mock.calls.join('')).toMatch(/endpoint shop\.broken failed: error: relation "no_such_table" does not exist/);
  });
});

describe('runProcess and migrations', () => {
  const LISTENING = /topo: process orders \(orders\) listening on http:\/\/127\.0\.0\.1:(\d+)/;
  const start = (url: string, migrations: string) => startFixture('database-process', { TOPO_DATABASE_URL_ORDERS: url, FIXTURE_MIGRATIONS: migrations });

  beforeAll(() => buildRuntime(), 120_000);
  afterEach(() => stopFixtures());

  it('applies the migrations of the database its service owns before it listens; a second start applies none', async () => {
    const url = await freshDatabase();
    const dir = migrationsFolder({ '1_items.up.sql': 'CREATE TABLE items (name text);', '2_seed.up.sql': "INSERT INTO items VALUES ('lamp');" });
    const first = start(url, dir);
    const port = Number((await first.waitFor(LISTENING))[1]);
    expect(first.stdout()).toMatch(/topo: database orders: applied 1_items\.up\.sql, 2_seed\.up\.sql\ntopo: process orders \(orders\) listening/);
    expect((await request(port, 'GET', '/items')).json).toEqual([{ name: 'lamp' }]);
    const second = start(url, dir);
    await second.waitFor(LISTENING);
    expect(second.stdout()).not.toContain('applied');
  }, 30_000);

  it('applies each migration once when two processes start at the same moment', async () => {
    const url = await freshDatabase();
    const dir = migrationsFolder({
      '1_items.up.sql': 'CREATE TABLE items (name text);',
      '2_slow.up.sql': "SELECT pg_sleep(0.3); INSERT INTO items VALUES ('once');",
      '3_more.up.sql': "INSERT INTO items VALUES ('more');",
    });
    const both = [start(url, dir), start(url, dir)];
    await Promise.all(both.map((fixture) => fixture.waitFor(LISTENING)));
    const applied = both.map((fixture) => /applied (.*)\n/.exec(fixture.stdout())?.[1] ?? '').join(', ');
    expect({
      applied: applied.split(', ').filter(Boolean).sort(),
      items: await direct(url, 'SELECT name FROM items ORDER BY name'),
    }).toEqual({ applied: ['1_items.up.sql', '2_slow.up.sql', '3_more.up.sql'], items: [{ name: 'more' }, { name: 'once' }] });
  }, 30_000);

  it('does not start when a migration fails, naming the file and quoting Postgres', async () => {
    const url = await freshDatabase();
    const dir = migrationsFolder({ '1_items.up.sql': 'CREATE TABLE items (name text);', '2_broken.up.sql': 'INSERT INTO items VALUES (1, 2);' });
    const fixture = start(url, dir);
    expect(await fixture.exited).toEqual({ code: 1, signal: null });
    expect(fixture.stderr()).toBe(
      'topo: process orders cannot start: database "orders": migration 2_broken.up.sql failed, nothing of it was applied: INSERT has more expressions than target columns\n',
    );
    expect(await direct(url, 'SELECT version::int FROM topo_migrations')).toEqual([{ version: 1 }]);
  }, 30_000);
});

describe('mistakes, named with their fix', () => {
  it('refuses a database name that is not lower-case words', () => {
    expect(() => new SQLDatabase('Orders DB')).toThrow('invalid database name "Orders DB": database names are lower-case letters and digits, starting with a letter, words joined by single "-" or "_"; name it like "orders" or "user_events".');
  });

  it('refuses two owners of one database, naming both modules', () => {
    new SQLDatabase('twice', { migrations: '/tmp/one' });
    expect(() => new SQLDatabase('twice', { migrations: '/tmp/two' })).toThrow(/database "twice" is declared twice, in .*postgres\.spec\.ts and in .*postgres\.spec\.ts: one service owns it/);
  });

  it('names the variable to set when a database has no connection string', async () => {
    const worker = process.env.JEST_WORKER_ID;
    delete process.env.JEST_WORKER_ID; // outside Jest there is no embedded fallback
    try {
      await expect(SQLDatabase.named('nowhere').queryRow`SELECT 1`).rejects.toThrow(
        'database "nowhere" has no connection string: set TOPO_DATABASE_URL_NOWHERE to a postgres:// URL (nx serve starts an embedded database and sets it for you)',
      );
    } finally {
      process.env.JEST_WORKER_ID = worker;
    }
  });

  it.each([
    [{ '1_create.up.sql': 'SELECT 1;', 'create_more.up.sql': 'SELECT 2;' }, /migration file "create_more\.up\.sql" is not named <version>_<name>\.up\.sql/],
    [{ '1_create.up.sql': 'SELECT 1;', '01_again.up.sql': 'SELECT 2;' }, /migrations "01_again\.up\.sql" and "1_create\.up\.sql" have the same version 1/],
  ])('refuses a migrations folder with a misnamed or doubled file, before touching the database: %j', async (files, message) => {
    const dir = migrationsFolder(files);
    process.env.TOPO_DATABASE_URL_MISNAMED = postgres.url();
    const db = new SQLDatabase('misnamed', { migrations: dir });
    try {
      await expect(db.queryRow`SELECT 1`).rejects.toThrow(message);
    } finally {
      await db.close();
      // The next case declares it again with another folder.
      (await import('./registry')).databaseState('misnamed').owner = undefined;
    }
  });

  it('says which database it cannot reach to migrate, and which variable to check', async () => {
    const port = await closedPort();
    process.env.TOPO_DATABASE_URL_UNREACHABLE = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const db = new SQLDatabase('unreachable', { migrations: migrationsFolder({ '1_x.up.sql': 'SELECT 1;' }) });
    try {
      await expect(migrate(databaseState('unreachable'))).rejects.toThrow(
        new RegExp(`^database "unreachable" cannot be reached to apply its migrations \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\); check that it is up and that TOPO_DATABASE_URL_UNREACHABLE points at it$`),
      );
    } finally {
      await db.close();
      databaseState('unreachable').owner = undefined;
    }
  });

  it('finds a relative migrations folder beside the declaring module, and TOPO_MIGRATIONS_<NAME> over it', async () => {
    const { databaseState, migrationsFolder: folderOf } = await import('./registry');
    new SQLDatabase('beside', { migrations: './migrations' });
    const owner = databaseState('beside').owner!;
    expect([folderOf('beside', owner, {}), folderOf('beside', owner, { TOPO_MIGRATIONS_BESIDE: '/srv/app/migrations/beside' })]).toEqual([
      `${__dirname}/migrations`,
      '/srv/app/migrations/beside',
    ]);
  });
});
