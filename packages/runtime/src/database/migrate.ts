import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool, PoolClient } from 'pg';
import { describeProblem, migrationsVariable, readMigrationFiles, type MigrationFile } from '../contract';
import { DatabaseConfigError, messageOf, MigrationError } from './errors';

/**
 * Migrations: `<version>_<name>.up.sql` files applied once each, in numeric order, each in
 * its own transaction with its row in `topo_migrations`. Processes that start together take
 * turns through an advisory lock, and each re-checks inside its transaction that nobody
 * applied the version meanwhile (the lock alone is not enough on PGlite, where every
 * connection shares the one backend and so its session locks).
 */

/** Where applied migrations are recorded, in the database they migrate. */
export const MIGRATIONS_TABLE = 'topo_migrations';

/** The first half of the advisory lock key: "topo" in ASCII, so our locks are recognisable in pg_locks. */
const LOCK_CLASS = 0x746f706f;

/** A migration read from its folder, with its SQL. */
export interface Migration extends MigrationFile {
  readonly sql: string;
}

/**
 * Reads a migrations folder: the files in the order they apply, or an error naming the
 * folder and the file to rename.
 */
export function readMigrations(database: string, dir: string): Migration[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatabaseConfigError(
      `database "${database}": the migrations folder ${dir} cannot be read (${code ?? String(error)}); create it, fix the migrations option of new SQLDatabase('${database}', { migrations }) or set ${migrationsVariable(database)} to the absolute folder`,
    );
  }
  const read = readMigrationFiles(files);
  if (!read.ok) throw new DatabaseConfigError(`database "${database}": ${describeProblem(read.problem)} (in ${dir})`);
  return read.value.map((file) => ({ ...file, sql: readFileSync(join(dir, file.file), 'utf8') }));
}

/**
 * Applies the migrations not yet applied; resolves with the files it applied. A failing file
 * rolls back (the database is as before it) and rejects with a `MigrationError` naming the
 * file and quoting Postgres.
 */
export async function applyMigrations(pool: Pool, database: string, migrations: readonly Migration[]): Promise<string[]> {
  const client = await pool.connect();
  // A connection lost between two statements emits 'error' on a checked-out client, which
  // nobody else listens to; the statement that follows fails and says why.
  const ignore = (): void => undefined;
  client.on('error', ignore);
  const lock = [LOCK_CLASS, lockKey(database)];
  let failed: unknown;
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', lock);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version bigint PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set((await client.query<{ version: string }>(`SELECT version FROM ${MIGRATIONS_TABLE}`)).rows.map((row) => Number(row.version)));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      if (await applyOne(client, database, migration)) applied.push(migration.file);
    }
    return applied;
  } catch (error) {
    failed = error;
    throw error;
  } finally {
    client.removeListener('error', ignore);
    // A broken connection cannot unlock; ending it releases the lock with the session.
    if (failed === undefined || failed instanceof MigrationError) {
      await client.query('SELECT pg_advisory_unlock($1, $2)', lock).catch(() => undefined);
      client.release();
    } else {
      client.release(true);
    }
  }
}

/** One file in one transaction; false when another process applied it first. */
async function applyOne(client: PoolClient, database: string, migration: Migration): Promise<boolean> {
  await client.query('BEGIN');
  try {
    const taken = await client.query(`SELECT 1 FROM ${MIGRATIONS_TABLE} WHERE version = $1`, [migration.version]);
    if (taken.rowCount) {
      await client.query('ROLLBACK');
      return false;
    }
    // The simple protocol: a file may hold several statements.
    await client.query(migration.sql);
    await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    await client.query('COMMIT');
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const message = messageOf(error);
    throw new MigrationError(
      database,
      migration.file,
      `database "${database}": migration ${migration.file} failed, nothing of it was applied: ${message}`,
      { cause: error },
    );
  }
}

/** The second half of the lock key: FNV-1a of the database name, as the signed int4 Postgres takes. */
export function lockKey(database: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < database.length; i++) {
    hash ^= database.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
