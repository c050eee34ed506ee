import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { startEmbeddedDatabase } from '../embedded';
import { testDatabase } from '../testing';
import { startTestDatabase, type StartedTestDatabase } from '../testing/test-database';
import { describeDatabaseBehaviour } from './__fixtures__/behaviour';
import { migrationsFolder } from './__fixtures__/databases';
import { SQLDatabase } from './database';

/**
 * The database cases against embedded PGlite served over the wire protocol, then what only
 * the embedded database does: data kept between runs, a fresh start, one server per folder,
 * one transaction at a time, and the testing helpers.
 */

// The first run on a machine makes the template (a PGlite initdb: many seconds).
jest.setTimeout(60_000);

// Declared at module level, as a service declares it: under Jest, with no
// TOPO_DATABASE_URL_AUTO_ORDERS, its first query gets a migrated embedded database.
const autoMigrations = migrationsFolder({ '1_orders.up.sql': 'CREATE TABLE orders (id serial PRIMARY KEY, total int NOT NULL);' });
const autoOrders = new SQLDatabase('auto_orders', { migrations: autoMigrations });

const started: StartedTestDatabase[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'topo-embedded-spec-'));
afterAll(async () => {
  await Promise.all(started.map((database) => database.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

describeDatabaseBehaviour(() => ({
  freshDatabase: async () => {
    const database = await startTestDatabase('cases', undefined);
    started.push(database);
    return database.url;
  },
}));

describe('startEmbeddedDatabase', () => {
  it('keeps the data in its folder between runs, and starts from the template when asked to start fresh', async () => {
    const dataDir = join(scratch, 'kept');
    const read = async (url: string): Promise<unknown> => {
      const pool = new Pool({ connectionString: url, max: 1 });
      try {
        return (await pool.query("SELECT to_regclass('public.notes') IS NOT NULL AS has_notes")).rows[0];
      } finally {
        await pool.end();
      }
    };
    const first = await startEmbeddedDatabase({ name: 'notes', dataDir });
    const pool = new Pool({ connectionString: first.url, max: 1 });
    await pool.query("CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept')");
    await pool.end();
    await first.stop();

    const again = await startEmbeddedDatabase({ name: 'notes', dataDir });
    const kept = await read(again.url);
    await again.stop();
    const fresh = await startEmbeddedDatabase({ name: 'notes', dataDir, fresh: true });
    const afterFresh = await read(fresh.url);
    await fresh.stop();
    expect({ url: first.url, kept, afterFresh }).toEqual({
      url: expect.stringMatching(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/),
      kept: { has_notes: true },
      afterFresh: { has_notes: false },
    });
  });

  it('refuses a folder another server is using', async () => {
    const dataDir = join(scratch, 'busy');
    const first = await startEmbeddedDatabase({ name: 'busy', dataDir });
    try {
      // Another process's claim: this one's pid would be taken as its own leftover.
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(dataDir, 'topo-embedded.pid'), String(process.ppid));
      await expect(startEmbeddedDatabase({ name: 'busy', dataDir })).rejects.toThrow(`embedded database "busy": ${dataDir} is in use by process ${process.ppid}`);
    } finally {
      await first.stop();
    }
  });

  it('runs one transaction at a time: a query on another connection waits for the commit', async () => {
    const database = await startTestDatabase('turns', undefined);
    started.push(database);
    const pool = new Pool({ connectionString: database.url, max: 2 });
    try {
      await pool.query('CREATE TABLE turns (who text)');
      const order: string[] = [];
      const tx = await pool.connect();
      await tx.query('BEGIN');
      await tx.query("INSERT INTO turns VALUES ('tx')");
      const other = pool.query('SELECT count(*)::int AS n FROM turns').then((result) => {
        order.push('other');
        return result.rows[0];
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      order.push('commit');
      await tx.query('COMMIT');
      tx.release();
      // The other connection saw the committed row: it ran after the transaction, not during it.
      expect([await other, order]).toEqual([{ n: 1 }, ['commit', 'other']]);
    } finally {
      await pool.end();
    }
  });
});

describe('testing helpers', () => {
  it('gives a test a fresh, migrated database and points handles to it', async () => {
    const migrations = migrationsFolder({ '1_items.up.sql': "CREATE TABLE items (name text); INSERT INTO items VALUES ('seed');" });
    const first = await testDatabase('items', { migrations });
    const handle = SQLDatabase.named('items');
    await handle.exec`INSERT INTO items VALUES (${'mine'})`;
    const rows = await first.db.queryAll<{ name: string }>`SELECT name FROM items ORDER BY name`;
    await first.close();
    const second = await testDatabase('items', { migrations });
    const fresh = await second.db.queryAll<{ name: string }>`SELECT name FROM items`;
    await second.close();
    expect({ rows, fresh, url: process.env.TOPO_DATABASE_URL_ITEMS }).toEqual({
      rows: [{ name: 'mine' }, { name: 'seed' }],
      fresh: [{ name: 'seed' }],
      url: undefined,
    });
  });

  it('starts a migrated database at the first query of a database no variable names, under Jest', async () => {
    expect(process.env.TOPO_DATABASE_URL_AUTO_ORDERS).toBeUndefined();
    const row = await autoOrders.queryRow<{ id: number }>`INSERT INTO orders (total) VALUES (${42}) RETURNING id`;
    expect(await autoOrders.queryAll`SELECT id, total FROM orders`).toEqual([{ id: row!.id, total: 42 }]);
  });
});
