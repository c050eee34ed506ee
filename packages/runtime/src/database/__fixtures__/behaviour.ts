import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { databaseUrlVariable } from '../../contract';
import { SQLDatabase } from '../database';
import { MigrationError } from '../errors';
import { applyMigrations, readMigrations } from '../migrate';
import { direct, INJECTIONS, migrationsFolder } from './databases';

/**
 * What a database does, the same on a real Postgres server and on embedded PGlite: one table
 * of cases that both spec files run, as the issue asks of the two (same code, same driver).
 */
export interface Server {
  /** A connection string to a database nobody else uses. */
  freshDatabase(): Promise<string>;
}

let counter = 0;

/** A handle to a fresh database, under a name of its own. */
async function freshHandle(server: Server, migrations?: string): Promise<{ db: SQLDatabase; url: string; name: string }> {
  const name = `case_${process.pid}_${++counter}`;
  const url = await server.freshDatabase();
  process.env[databaseUrlVariable(name)] = url;
  const db = migrations === undefined ? SQLDatabase.named(name) : new SQLDatabase(name, { migrations });
  return { db, url, name };
}

interface Person {
  id: number;
  name: string;
}

export function describeDatabaseBehaviour(server: () => Server): void {
  describe('queries', () => {
    let db: SQLDatabase;
    let url: string;

    beforeAll(async () => {
      ({ db, url } = await freshHandle(server()));
      await db.exec`CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL)`;
      await db.exec`INSERT INTO people VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger')`;
    });
    afterAll(() => db.close());

    it('reads rows through every helper, typed by the type parameter', async () => {
      const iterated: Person[] = [];
      for await (const row of db.query<Person>`SELECT id, name FROM people WHERE id < ${3} ORDER BY id`) iterated.push(row);
      const raw: Person[] = [];
      for await (const row of db.rawQuery<Person>('SELECT id, name FROM people WHERE id >= $1 ORDER BY id', 2)) raw.push(row);
      expect({
        iterated,
        row: await db.queryRow<Person>`SELECT id, name FROM people WHERE name = ${'Grace'}`,
        none: await db.queryRow`SELECT id FROM people WHERE id = ${99}`,
        all: (await db.queryAll<Person>`SELECT id FROM people ORDER BY id DESC`).map((p) => p.id),
        raw,
        rawRow: await db.rawQueryRow<{ n: number }>('SELECT count(*)::int AS n FROM people WHERE id = ANY($1)', [1, 3]),
        rawAll: await db.rawQueryAll<{ name: string }>('SELECT name FROM people WHERE id = $1 OR id = $2 ORDER BY id', 1, 2),
      }).toEqual({
        iterated: [
          { id: 1, name: 'Ada' },
          { id: 2, name: 'Grace' },
        ],
        row: { id: 2, name: 'Grace' },
        none: null,
        all: [3, 2, 1],
        raw: [
          { id: 2, name: 'Grace' },
          { id: 3, name: 'Edsger' },
        ],
        rawRow: { n: 2 },
        rawAll: [{ name: 'Ada' }, { name: 'Grace' }],
      });
    });

    it('counts the rows exec touches', async () => {
      expect([await db.exec`UPDATE people SET name = name WHERE id <= ${2}`, await db.rawExec('UPDATE people SET name = name WHERE id = $1', 99)]).toEqual([2, 0]);
    });

    it.each(INJECTIONS)('binds %j as a value through every helper: nothing is injected', async (attack) => {
      const seen: unknown[] = [];
      for await (const row of db.query`SELECT id FROM people WHERE name = ${attack}`) seen.push(row);
      for await (const row of db.rawQuery('SELECT id FROM people WHERE name = $1', attack)) seen.push(row);
      seen.push(await db.queryRow`SELECT id FROM people WHERE name = ${attack}`);
      seen.push(...(await db.queryAll`SELECT id FROM people WHERE name = ${attack}`));
      seen.push(await db.rawQueryRow('SELECT id FROM people WHERE name = $1', attack));
      seen.push(...(await db.rawQueryAll('SELECT id FROM people WHERE name = $1', attack)));
      const inserted = await db.exec`INSERT INTO people VALUES (${100}, ${attack})`;
      const echoed = await db.queryRow<{ value: string }>`SELECT ${attack}::text AS value`;
      await db.transaction(async (tx) => {
        seen.push(await tx.queryRow`SELECT id FROM people WHERE name = ${attack} AND id < 100`);
        await tx.rawExec('UPDATE people SET name = $1 WHERE id = 100', attack);
      });
      const stored = await db.queryRow<{ name: string }>`SELECT name FROM people WHERE id = ${100}`;
      await db.rawExec('DELETE FROM people WHERE id = $1', 100);
      expect({ seen, inserted, echoed, stored, people: await direct(url, 'SELECT count(*)::int AS n FROM people') }).toEqual({
        seen: [null, null, null],
        inserted: 1,
        echoed: { value: attack },
        stored: { name: attack },
        people: [{ n: 3 }],
      });
    });

    it('refuses SQL text where a template belongs, rather than run text the caller spliced', async () => {
      const spliced = `SELECT id FROM people WHERE name = '${INJECTIONS[0]}'`;
      await expect(db.queryRow(spliced as unknown as TemplateStringsArray)).rejects.toThrow(/a query is a tagged template/);
    });

    it("keeps Postgres's error of a statement, with its code, for the code that sent it", async () => {
      await expect(db.exec`INSERT INTO people VALUES (${1}, ${'again'})`).rejects.toMatchObject({ code: '23505', constraint: 'people_pkey' });
    });
  });

  describe('transactions', () => {
    let db: SQLDatabase;

    beforeAll(async () => {
      ({ db } = await freshHandle(server()));
      await db.exec`CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL CHECK (balance >= 0))`;
    });
    beforeEach(() => db.exec`TRUNCATE accounts`.then(() => db.exec`INSERT INTO accounts VALUES (1, 100), (2, 0)`));
    afterAll(() => db.close());

    const balances = async (): Promise<number[]> => (await db.queryAll<{ balance: number }>`SELECT balance FROM accounts ORDER BY id`).map((a) => a.balance);

    it('commits what begin() ... commit() did', async () => {
      const tx = await db.begin();
      await tx.exec`UPDATE accounts SET balance = balance - ${30} WHERE id = ${1}`;
      await tx.exec`UPDATE accounts SET balance = balance + ${30} WHERE id = ${2}`;
      await tx.commit();
      expect([await balances(), tx.done]).toEqual([[70, 30], true]);
    });

    it('undoes what begin() ... rollback() did, and refuses queries after it', async () => {
      const tx = await db.begin();
      await tx.exec`UPDATE accounts SET balance = 0`;
      expect(await tx.queryAll`SELECT id FROM accounts WHERE balance > 0`).toEqual([]);
      await tx.rollback();
      await expect(tx.queryRow`SELECT 1`).rejects.toThrow(/this transaction has ended/);
      expect(await balances()).toEqual([100, 0]);
    });

    it('commits the callback form when it resolves, with its result', async () => {
      const moved = await db.transaction(async (tx) => {
        await tx.exec`UPDATE accounts SET balance = balance - ${10} WHERE id = ${1}`;
        return (await tx.queryRow<{ balance: number }>`UPDATE accounts SET balance = balance + ${10} WHERE id = ${2} RETURNING balance`)!.balance;
      });
      expect([moved, await balances()]).toEqual([10, [90, 10]]);
    });

    it('rolls the callback form back when it throws, and passes the error on', async () => {
      const failure = db.transaction(async (tx) => {
        await tx.exec`UPDATE accounts SET balance = balance + ${50} WHERE id = ${2}`;
        await tx.exec`UPDATE accounts SET balance = balance - ${500} WHERE id = ${1}`; // breaks the CHECK
      });
      await expect(failure).rejects.toMatchObject({ code: '23514' });
      const thrown = db.transaction(async (tx) => {
        await tx.exec`UPDATE accounts SET balance = 0`;
        throw new Error('changed my mind');
      });
      await expect(thrown).rejects.toThrow('changed my mind');
      expect(await balances()).toEqual([100, 0]);
    });
  });

  describe('migrations', () => {
    it('applies the files once each, in numeric order, each recorded', async () => {
      const dir = migrationsFolder({
        '1_create.up.sql': 'CREATE TABLE steps (n int, at serial);',
        '2_first.up.sql': 'INSERT INTO steps (n) VALUES (2);',
        '10_tenth.up.sql': 'INSERT INTO steps (n) VALUES (10);\nINSERT INTO steps (n) VALUES (11);',
      });
      const { db, url } = await freshHandle(server(), dir);
      try {
        await db.queryAll`SELECT 1`;
        await db.close(); // a process that starts again applies nothing
        await db.queryAll`SELECT 1`;
        expect({
          steps: (await db.queryAll<{ n: number }>`SELECT n FROM steps ORDER BY at`).map((s) => s.n),
          recorded: await direct(url, 'SELECT version::int, name FROM topo_migrations ORDER BY version'),
        }).toEqual({
          steps: [2, 10, 11],
          recorded: [
            { version: 1, name: 'create' },
            { version: 2, name: 'first' },
            { version: 10, name: 'tenth' },
          ],
        });
      } finally {
        await db.close();
      }
    });

    it('applies each migration once when two processes start at the same moment', async () => {
      const dir = migrationsFolder({
        '1_create.up.sql': 'CREATE TABLE runs (migration int);',
        '2_slow.up.sql': 'SELECT pg_sleep(0.2); INSERT INTO runs VALUES (2);',
        '3_third.up.sql': 'INSERT INTO runs VALUES (3);',
      });
      const url = await server().freshDatabase();
      const migrations = readMigrations('shared', dir);
      const pools = [new Pool({ connectionString: url, max: 2 }), new Pool({ connectionString: url, max: 2 })];
      try {
        const applied = await Promise.all(pools.map((pool) => applyMigrations(pool, 'shared', migrations)));
        expect({
          applied: applied.flat().sort(),
          runs: await direct(url, 'SELECT migration FROM runs ORDER BY migration'),
        }).toEqual({ applied: ['1_create.up.sql', '2_slow.up.sql', '3_third.up.sql'], runs: [{ migration: 2 }, { migration: 3 }] });
      } finally {
        await Promise.all(pools.map((pool) => pool.end()));
      }
    });

    it('stops at a broken migration, naming the file and quoting Postgres, with the database as before it', async () => {
      const dir = migrationsFolder({
        '1_create.up.sql': 'CREATE TABLE items (id int);',
        '2_broken.up.sql': 'CREATE TABLE half (id int);\nINSERT INTO items VALUES (1);\nALTER TABLE items ADD COLUMN price nonsense_type;',
      });
      const { db, url } = await freshHandle(server(), dir);
      try {
        const failure = await db.queryRow`SELECT 1`.catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(MigrationError);
        expect((failure as MigrationError).message).toBe(
          `database "${db.name}": migration 2_broken.up.sql failed, nothing of it was applied: type "nonsense_type" does not exist`,
        );
        expect({
          recorded: await direct(url, 'SELECT version::int FROM topo_migrations'),
          tables: await direct(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"),
          items: await direct(url, 'SELECT count(*)::int AS n FROM items'),
        }).toEqual({ recorded: [{ version: 1 }], tables: [{ tablename: 'items' }, { tablename: 'topo_migrations' }], items: [{ n: 0 }] });

        // Fixed, the next start applies it.
        writeFileSync(join(dir, '2_broken.up.sql'), 'ALTER TABLE items ADD COLUMN price int;');
        await db.queryRow`SELECT 1`;
        expect(await direct(url, 'SELECT version::int FROM topo_migrations ORDER BY version')).toEqual([{ version: 1 }, { version: 2 }]);
      } finally {
        await db.close();
      }
    });
  });
}
