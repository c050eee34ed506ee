/**
 * `@topo/runtime/testing`: databases for your own tests. Each test file gets a fresh database
 * with its migrations applied, from a copy of a migrated template (the first file pays for
 * the template; later files take a copy made ahead), with no server to start.
 *
 * Under Jest you may not need this module at all: a `SQLDatabase` with no
 * `TOPO_DATABASE_URL_<NAME>` starts such a database at its first query and stops it when the
 * test file ends.
 */
import { isAbsolute, resolve, dirname } from 'node:path';
import { databaseUrlVariable, describeProblem, readDatabaseName } from '../contract';
import { callerFile } from '../database/caller';
import { SQLDatabase } from '../database/database';
import { closeDatabase, databaseState } from '../database/registry';
import { startTestDatabase } from './test-database';

/**
 * Options of {@link testDatabase}.
 *
 * @example
 * ```ts
 * const options: TestDatabaseOptions = { migrations: '../migrations' };
 * ```
 */
export interface TestDatabaseOptions {
  /** The migrations folder, relative to the test file (or absolute). Default: none, an empty database. */
  migrations?: string;
}

/**
 * A test's database.
 *
 * @example
 * ```ts
 * const { db, url, close } = await testDatabase('orders', { migrations: '../migrations' });
 * ```
 */
export interface TestDatabase {
  readonly name: string;
  /** Its connection string; also set as `TOPO_DATABASE_URL_<NAME>` until `close()`. */
  readonly url: string;
  /** A handle to it, as `SQLDatabase.named(name)` gives. */
  readonly db: SQLDatabase;
  /** Closes the pools, stops the database, deletes its copy, unsets the variable. */
  close(): Promise<void>;
}

/**
 * Starts a fresh, migrated embedded database for this test file, and points every handle to
 * that database in this process at it (`TOPO_DATABASE_URL_<NAME>`), the code under test's
 * included.
 *
 * @example
 * ```ts
 * import { testDatabase, type TestDatabase } from '@topo/runtime/testing';
 *
 * let orders: TestDatabase;
 * beforeAll(async () => { orders = await testDatabase('orders', { migrations: '../migrations' }); });
 * afterAll(() => orders.close());
 *
 * it('stores an order', async () => {
 *   await placeOrder({ total: 42 });
 *   expect(await orders.db.queryRow`SELECT total FROM orders`).toEqual({ total: 42 });
 * });
 * ```
 */
export async function testDatabase(name: string, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const read = readDatabaseName(name);
  if (!read.ok) throw new Error(describeProblem(read.problem));
  const migrations = options.migrations === undefined ? undefined : resolveFromCaller(name, options.migrations);
  const started = await startTestDatabase(name, migrations);
  const variable = databaseUrlVariable(name);
  const previous = process.env[variable];
  const state = databaseState(name);
  // Handles made before now may hold a pool on another server: the next query opens one here.
  await closeDatabase(state);
  process.env[variable] = started.url;
  let closing: Promise<void> | undefined;
  return {
    name,
    url: started.url,
    db: SQLDatabase.named(name),
    close: () =>
      (closing ??= (async () => {
        await closeDatabase(state);
        if (process.env[variable] === started.url) {
          if (previous === undefined) delete process.env[variable];
          else process.env[variable] = previous;
        }
        await started.stop();
      })()),
  };
}

function resolveFromCaller(name: string, migrations: string): string {
  if (isAbsolute(migrations)) return migrations;
  const caller = callerFile(__filename);
  if (caller === undefined) throw new Error(`testDatabase("${name}"): cannot tell which file calls it, so "${migrations}" has no base; pass an absolute folder`);
  return resolve(dirname(caller), migrations);
}
