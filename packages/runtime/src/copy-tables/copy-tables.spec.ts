import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { migrationsFolder } from '../database/__fixtures__/databases';
import { startTestPostgres, type TestPostgres } from '../database/__fixtures__/postgres';
import { startEmbeddedDatabase } from '../embedded';
import { copyDataDir } from '../embedded/data-dirs';
import { copyTables } from '.';

/**
 * copyTables between the embedded databases of `nx serve` in a workspace folder (each a copy
 * of the machine's template, never an initdb), and between two databases of a real Postgres
 * named by the environment.
 */

// The first run on a machine makes the embedded template (a PGlite initdb: many seconds).
jest.setTimeout(120_000);

/** The tables both databases have alike. */
const CUSTOMERS = 'CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, profile jsonb, joined_at timestamptz NOT NULL, note text);';
const INVOICES = `CREATE TABLE invoices (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id int NOT NULL REFERENCES customers,
    amount numeric(12, 2) NOT NULL,
    issued_at timestamp NOT NULL,
    tags text[],
    amount_cents bigint GENERATED ALWAYS AS ((amount * 100)::bigint) STORED
  );`;
const AUDIT_LOG = 'CREATE TABLE "Audit Log" (id serial PRIMARY KEY, invoice_id bigint REFERENCES invoices, "What" text);';

/** The source service's schema: what `orders` holds before the split (no foreign key on categories' parent). */
const SOURCE_SCHEMA = `
  ${CUSTOMERS}
  ${INVOICES}
  CREATE TABLE categories (id serial PRIMARY KEY, parent_id int, name text NOT NULL);
  ${AUDIT_LOG}
  CREATE TABLE carts (id serial PRIMARY KEY, customer_id int REFERENCES customers);
`;

/** The new service's migrations: the tables that move, with a foreign key from each category to its parent. */
const TARGET_MIGRATIONS = {
  '1_customers.up.sql': `${CUSTOMERS}\n`,
  '2_invoices.up.sql': `${INVOICES}
  CREATE TABLE categories (id serial PRIMARY KEY, parent_id int REFERENCES categories, name text NOT NULL);
  ${AUDIT_LOG}\n`,
};

/** Listed children first: the copy puts the parents first. */
const MOVED = ['Audit Log', 'invoices', 'categories', 'customers'];

/**
 * Rows of every kind: NULLs, quotes and backslashes, jsonb, timestamps to the microsecond, ids
 * with gaps; 2,500 invoices (three batches) and 2,500 categories each of whose parent comes
 * after it (in the next batch).
 */
const SOURCE_ROWS = `
  INSERT INTO customers (id, name, profile, joined_at, note) VALUES
    (1, 'O''Brien "Bob" \\ ; --', '{"vip": true, "tags": ["a", "b"], "score": 1.5, "nested": {"n": null}}', '2024-02-29 23:59:59.123456+05:30', NULL),
    (2, 'Zoë 😀', NULL, '1999-12-31 00:00:00+00', E'line\\nbreak'),
    (5, '', '[]', '2030-01-01 12:00:00.000001+00', '''quoted''');
  SELECT setval('customers_id_seq', 5);
  INSERT INTO invoices (customer_id, amount, issued_at, tags)
    SELECT (ARRAY[1, 2, 5])[1 + i % 3], i * 1.25, timestamp '2024-01-01 00:00:00.5' + i * interval '1 minute 0.000001 second', CASE WHEN i % 2 = 0 THEN ARRAY['x', NULL, 'y "z"'] END
    FROM generate_series(1, 2500) AS i;
  INSERT INTO categories (id, parent_id, name) SELECT i, CASE WHEN i < 2500 THEN i + 1 END, 'category ' || i FROM generate_series(1, 2500) AS i;
  SELECT setval('categories_id_seq', 2500);
  INSERT INTO "Audit Log" (invoice_id, "What") VALUES (1, 'made'), (NULL, NULL), (2500, 'it''s "done"');
  INSERT INTO carts (customer_id) VALUES (1), (2);
`;

let scratch: string;
/** A data folder of the source database with its rows, made once: each test copies it, as nx serve would have left it. */
let sourceTemplate: string;
/** What the source holds, read when it was made. */
let sourceRows: Record<string, string[]>;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'topo-copy-tables-'));
  sourceTemplate = join(scratch, 'source');
  const source = await startEmbeddedDatabase({ name: 'orders', dataDir: sourceTemplate });
  try {
    sourceRows = await withPool(source.url, async (pool) => {
      await pool.query(SOURCE_SCHEMA + SOURCE_ROWS);
      return contents(pool, MOVED);
    });
  } finally {
    await source.stop();
  }
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A workspace folder of its own, whose apps have the source database as nx serve keeps it. */
async function newWorkspace(apps: readonly string[] = []): Promise<string> {
  const root = mkdtempSync(join(scratch, 'workspace-'));
  for (const app of apps) await copyDataDir(sourceTemplate, join(root, '.topo', 'databases', app, 'orders'));
  return root;
}

async function withPool<T>(url: string, use: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    return await use(pool);
  } finally {
    await pool.end();
  }
}

/** Opens an app's embedded database as `nx serve` keeps it, for the time of `use`. */
async function withEmbedded<T>(root: string, app: string, name: string, use: (pool: Pool) => Promise<T>): Promise<T> {
  const database = await startEmbeddedDatabase({ name, dataDir: join(root, '.topo', 'databases', app, name) });
  try {
    return await withPool(database.url, use);
  } finally {
    await database.stop();
  }
}

/** Every row of each table as Postgres writes it in JSON (exact digits, microseconds, jsonb), in id order. */
async function contents(pool: Pool, tables: readonly string[]): Promise<Record<string, string[]>> {
  const read: Record<string, string[]> = {};
  for (const table of tables) {
    read[table] = (await pool.query<{ row: string }>(`SELECT to_json(t)::text AS row FROM "${table}" AS t ORDER BY id`)).rows.map((r) => r.row);
  }
  return read;
}

/** What an insert into the target gives after the copy: the ids come after the copied ones. */
async function nextIds(pool: Pool): Promise<Record<string, number>> {
  const one = async (sql: string): Promise<number> => Number((await pool.query<{ id: string }>(sql)).rows[0].id);
  return {
    customers: await one("INSERT INTO customers (name, joined_at) VALUES ('new', now()) RETURNING id"),
    invoices: await one('INSERT INTO invoices (customer_id, amount, issued_at) VALUES (1, 1, now()) RETURNING id'),
    categories: await one("INSERT INTO categories (name) VALUES ('new') RETURNING id"),
    'Audit Log': await one('INSERT INTO "Audit Log" ("What") VALUES (\'new\') RETURNING id'),
  };
}

/** Runs `use` with neither database named by the environment, so the copy is local. */
async function withoutUrls<T>(use: () => Promise<T>): Promise<T> {
  return withEnvironment({ TOPO_DATABASE_URL_ORDERS: undefined, TOPO_DATABASE_URL_BILLING: undefined }, use);
}

async function withEnvironment<T>(variables: Record<string, string | undefined>, use: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  const set = (values: Record<string, string | undefined>): void => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  set(variables);
  try {
    return await use();
  } finally {
    set(saved);
  }
}

const COPIED = [
  { table: 'customers', rows: 3 },
  { table: 'invoices', rows: 2500 },
  { table: 'Audit Log', rows: 3 },
  { table: 'categories', rows: 2500 },
];

it('the rows the copies are compared with hold NULLs, quotes, jsonb, timestamps to the microsecond, numeric digits, arrays, generated columns', () => {
  // As Postgres writes them (jsonb orders its keys by length).
  expect(sourceRows.customers).toEqual([
    '{"id":1,"name":"O\'Brien \\"Bob\\" \\\\ ; --","profile":{"vip": true, "tags": ["a", "b"], "score": 1.5, "nested": {"n": null}},"joined_at":"2024-02-29T18:29:59.123456+00:00","note":null}',
    '{"id":2,"name":"Zoë 😀","profile":null,"joined_at":"1999-12-31T00:00:00+00:00","note":"line\\nbreak"}',
    '{"id":5,"name":"","profile":[],"joined_at":"2030-01-01T12:00:00.000001+00:00","note":"\'quoted\'"}',
  ]);
  expect(sourceRows.invoices[1]).toBe('{"id":2,"customer_id":5,"amount":2.50,"issued_at":"2024-01-01T00:02:00.500002","tags":["x",null,"y \\"z\\""],"amount_cents":250}');
  expect(sourceRows['Audit Log']).toEqual(['{"id":1,"invoice_id":1,"What":"made"}', '{"id":2,"invoice_id":null,"What":null}', '{"id":3,"invoice_id":2500,"What":"it\'s \\"done\\""}']);
});

describe('copyTables between the embedded databases of nx serve', () => {
  it("copies every row of each app's tables, parents first, into a target it makes, whose sequences go on after the copied ids", async () => {
    const root = await newWorkspace(['market', 'shop']);
    // An app without the source database is left alone.
    mkdirSync(join(root, '.topo', 'databases', 'admin', 'users'), { recursive: true });
    const lines: string[] = [];

    const report = await withoutUrls(() =>
      copyTables({ from: 'orders', to: 'billing', tables: MOVED, migrations: migrationsFolder(TARGET_MIGRATIONS), workspaceRoot: root, log: (line) => lines.push(line) }),
    );

    expect(report).toEqual({ copies: [{ where: 'market', tables: COPIED }, { where: 'shop', tables: COPIED }] });
    expect(lines).toEqual([
      'market: customers: 3 rows copied from orders to billing',
      'market: invoices: 2500 rows copied from orders to billing',
      'market: Audit Log: 3 rows copied from orders to billing',
      'market: categories: 2500 rows copied from orders to billing',
      'shop: customers: 3 rows copied from orders to billing',
      'shop: invoices: 2500 rows copied from orders to billing',
      'shop: Audit Log: 3 rows copied from orders to billing',
      'shop: categories: 2500 rows copied from orders to billing',
    ]);
    const market = await withEmbedded(root, 'market', 'billing', async (pool) => ({
      rows: await contents(pool, MOVED),
      tables: (await pool.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((r) => r.name),
      next: await nextIds(pool),
    }));
    expect(market.rows).toEqual(sourceRows);
    // Only the listed tables moved; the target's migrations are recorded in it.
    expect(market.tables).toEqual(['Audit Log', 'categories', 'customers', 'invoices', 'topo_migrations']);
    expect(market.next).toEqual({ customers: 6, invoices: 2501, categories: 2501, 'Audit Log': 4 });
    expect(await withEmbedded(root, 'shop', 'billing', (pool) => contents(pool, MOVED))).toEqual(sourceRows);
  });

  it('refuses while nx serve holds either database, naming the folder', async () => {
    const root = await newWorkspace(['market']);
    const copy = (): Promise<unknown> => withoutUrls(() => copyTables({ from: 'orders', to: 'billing', tables: ['customers'], migrations: migrationsFolder(TARGET_MIGRATIONS), workspaceRoot: root }));
    // Another live process serving the folder (nx serve): the parent of this Jest worker stands in for it.
    const claim = (database: string): void => {
      mkdirSync(join(root, '.topo', 'databases', 'market', database), { recursive: true });
      writeFileSync(join(root, '.topo', 'databases', 'market', database, 'topo-embedded.pid'), String(process.ppid));
    };

    claim('billing');
    await expect(copy()).rejects.toThrow(
      `copyTables(orders → billing): the embedded database in .topo/databases/market/billing is in use by process ${process.ppid} (nx serve market?); stop nx serve first, then copy again`,
    );
    claim('orders');
    await expect(copy()).rejects.toThrow(`the embedded database in .topo/databases/market/orders is in use by process ${process.ppid} (nx serve market?); stop nx serve first`);
  });

  it('copies nothing, and says so, when no app has the source database', async () => {
    const lines: string[] = [];
    const report = await withoutUrls(async () =>
      copyTables({ from: 'orders', to: 'billing', tables: ['customers'], migrations: migrationsFolder({}), workspaceRoot: await newWorkspace(), log: (line) => lines.push(line) }),
    );
    expect({ report, lines }).toEqual({ report: { copies: [] }, lines: ['no app has an embedded database "orders" in .topo/databases/: nothing to copy'] });
  });
});

it('refuses options it cannot use before connecting to anything', async () => {
  const options = { from: 'orders', to: 'billing', tables: ['customers'], migrations: migrationsFolder({}), workspaceRoot: await newWorkspace() };
  const refusal = (changes: Record<string, unknown>): Promise<unknown> => copyTables({ ...options, ...changes } as Parameters<typeof copyTables>[0]).then(() => 'copied', (error: Error) => error.message);
  expect(
    await Promise.all([
      refusal({ to: 'Billing DB' }),
      refusal({ to: 'orders' }),
      refusal({ tables: [] }),
      refusal({ tables: ['customers', 'public.customers'] }),
      refusal({ migrations: 'services/billing/migrations' }),
      refusal({ migrations: join(options.workspaceRoot, 'nowhere') }),
      refusal({ migrations: migrationsFolder({ '1_customers.down.sql': '' }) }),
    ]),
  ).toEqual([
    'copyTables: invalid database name "Billing DB": database names are lower-case letters and digits, starting with a letter, words joined by single "-" or "_"; name it like "orders" or "user_events".',
    'copyTables: from and to are both "orders"; copy from one database to another',
    'copyTables(orders → billing): tables must be a non-empty list of table names',
    'copyTables(orders → billing): table "public.customers" is listed twice',
    'copyTables(orders → billing): migrations must be an absolute folder path, not "services/billing/migrations"',
    `copyTables(orders → billing): the migrations folder ${join(options.workspaceRoot, 'nowhere')} does not exist; pass the folder of billing's migrations`,
    expect.stringMatching(/^copyTables\(orders → billing\): database "billing": migration file "1_customers.down.sql" is not named <version>_<name>.up.sql/),
  ]);
});

describe('copyTables between the servers the environment names', () => {
  let server: TestPostgres;
  /** What the server's source holds (its time zone may not be the embedded one's: compared on one server). */
  let serverRows: Record<string, string[]>;
  beforeAll(async () => {
    server = await startTestPostgres();
    await server.createDatabase('orders');
    serverRows = await withPool(server.url('orders'), async (pool) => {
      await pool.query(SOURCE_SCHEMA + SOURCE_ROWS);
      return contents(pool, MOVED);
    });
  });
  afterAll(() => server?.remove());

  /** Copies from `orders` into a new database `to` of the server, both named by the environment. */
  async function copyInto(to: string, tables: string[], migrations: Record<string, string> = TARGET_MIGRATIONS, more: { log?: (line: string) => void; workspaceRoot?: string } = {}) {
    const variable = `TOPO_DATABASE_URL_${to.toUpperCase()}`;
    const workspaceRoot = more.workspaceRoot ?? (await newWorkspace());
    return withEnvironment({ TOPO_DATABASE_URL_ORDERS: server.url('orders'), [variable]: server.url(to) }, () =>
      copyTables({ from: 'orders', to, tables, migrations: migrationsFolder(migrations), workspaceRoot, log: more.log }),
    );
  }

  it('copies between two databases of one Postgres server, and leaves the embedded ones alone', async () => {
    await server.createDatabase('billing');
    const root = await newWorkspace(['market']);
    const lines: string[] = [];

    const report = await copyInto('billing', MOVED, TARGET_MIGRATIONS, { log: (line) => lines.push(line), workspaceRoot: root });

    expect(report).toEqual({ copies: [{ where: 'environment', tables: COPIED }] });
    expect(lines[0]).toBe('environment: customers: 3 rows copied from orders to billing');
    const billing = await withPool(server.url('billing'), async (pool) => ({ rows: await contents(pool, MOVED), next: await nextIds(pool) }));
    expect(billing).toEqual({ rows: serverRows, next: { customers: 6, invoices: 2501, categories: 2501, 'Audit Log': 4 } });
    expect(readdirSync(join(root, '.topo', 'databases', 'market'))).toEqual(['orders']);
  });

  it('refuses, copying nothing, when a target table already has rows', async () => {
    await server.createDatabase('ledger');
    await withPool(server.url('ledger'), (pool) =>
      pool.query("CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, profile jsonb, joined_at timestamptz NOT NULL, note text); INSERT INTO customers (name, joined_at) VALUES ('already here', now())"),
    );

    await expect(copyInto('ledger', MOVED, { '2_invoices.up.sql': TARGET_MIGRATIONS['2_invoices.up.sql'] })).rejects.toThrow(
      'copyTables(orders → ledger): database "ledger" already has rows in "customers"; nothing was copied. The copy fills empty tables only: empty them (or start the database afresh) and copy again',
    );
    const rows = await withPool(server.url('ledger'), async (pool) => (await pool.query('SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM invoices) AS invoices, (SELECT count(*) FROM categories) AS categories')).rows);
    expect(rows).toEqual([{ customers: '1', invoices: '0', categories: '0' }]);
  });

  it('names a table missing on either side, and a column the target lacks', async () => {
    await server.createDatabase('archive');
    await expect(copyInto('archive', ['customers', 'wishlists'])).rejects.toThrow('copyTables(orders → archive): table "wishlists" is not in database "orders"; copy only tables it has');
    await expect(copyInto('archive', ['customers', 'carts'])).rejects.toThrow(/^copyTables\(orders → archive\): table "carts" is not in database "archive" after its migrations \(.+\); add a migration that creates it$/);
    await server.createDatabase('slim');
    await expect(copyInto('slim', ['customers'], { '1_customers.up.sql': 'CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, joined_at timestamptz NOT NULL);' })).rejects.toThrow(
      'copyTables(orders → slim): table "customers" of database "orders" has columns that "slim" lacks (profile, note); their values would be lost: add them with a migration of slim',
    );
  });

  it('refuses one connection string without the other, naming the variable to set', async () => {
    const options = { from: 'orders', to: 'billing', tables: ['customers'], migrations: migrationsFolder({}), workspaceRoot: await newWorkspace() };
    await expect(withEnvironment({ TOPO_DATABASE_URL_ORDERS: server.url('orders'), TOPO_DATABASE_URL_BILLING: undefined }, () => copyTables(options))).rejects.toThrow(
      "copyTables(orders → billing): TOPO_DATABASE_URL_ORDERS is set but TOPO_DATABASE_URL_BILLING is not; set TOPO_DATABASE_URL_BILLING to the target's postgres:// URL to copy between servers, or unset TOPO_DATABASE_URL_ORDERS to copy the embedded databases of nx serve",
    );
    await expect(withEnvironment({ TOPO_DATABASE_URL_ORDERS: undefined, TOPO_DATABASE_URL_BILLING: server.url('billing') }, () => copyTables(options))).rejects.toThrow(
      'TOPO_DATABASE_URL_BILLING is set but TOPO_DATABASE_URL_ORDERS is not; set TOPO_DATABASE_URL_ORDERS',
    );
  });
});
