import type { Pool } from 'pg';
import { applyMigrations, readMigrations, type Migration } from '../database/migrate';
import { cacheFolder, claimCopy, migratedTemplate, migrationsKey, releaseCopy } from '../embedded/data-dirs';
import { openPGlite, serveOverSocket, unrefServer } from '../embedded/pglite';

/**
 * A fresh, migrated embedded database for one test file: a copy of a template that has the
 * migrations applied (made once per set of migrations, on the first test file that needs
 * it), opened in this process and served on 127.0.0.1 for `pg`.
 */

/** A started test database, before anything points at it. */
export interface StartedTestDatabase {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts one; `migrationsDir` undefined: an empty database. */
export async function startTestDatabase(name: string, migrationsDir: string | undefined): Promise<StartedTestDatabase> {
  const cache = cacheFolder(undefined);
  const migrations = migrationsDir === undefined ? [] : readMigrations(name, migrationsDir);
  const template = await migratedTemplate(cache, migrationsKey(migrations), (dataDir) => migrateTemplate(name, dataDir, migrations));
  const copy = await claimCopy(cache, template);
  let db;
  try {
    db = await openPGlite(copy);
  } catch (error) {
    await releaseCopy(cache, copy);
    throw error;
  }
  const { server, port } = await serveOverSocket(db, '127.0.0.1', 0);
  // A test file that forgets to close must not keep its Jest worker alive.
  unrefServer(server);
  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () =>
      (stopping ??= (async () => {
        await server.stop();
        await db.close();
        await releaseCopy(cache, copy);
      })()),
  };
}

/** Applies the migrations to a template being made, through `pg` and the socket, as a process would. */
async function migrateTemplate(name: string, dataDir: string, migrations: readonly Migration[]): Promise<void> {
  const db = await openPGlite(dataDir);
  try {
    if (migrations.length === 0) return;
    const { server, port } = await serveOverSocket(db, '127.0.0.1', 0);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Pool: PgPool } = require('pg') as typeof import('pg');
    const pool: Pool = new PgPool({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, max: 1 });
    try {
      await applyMigrations(pool, name, migrations);
    } finally {
      await pool.end();
      await server.stop();
    }
    await db.query('CHECKPOINT');
  } finally {
    await db.close();
  }
}
