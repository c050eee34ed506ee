import { migrationsFolder, type DatabaseState } from '../database/registry';
import { startTestDatabase } from './test-database';

/**
 * The automatic mode: under Jest, a database whose `TOPO_DATABASE_URL_<NAME>` is not set gets
 * an embedded database at its first query, migrated with its owner's migrations when this
 * test file loaded the owning module, and stopped when the file ends. Loaded by
 * `database/jest.ts` through a path bundlers do not follow.
 */
export async function startAutomaticDatabase(state: DatabaseState): Promise<string> {
  const folder = state.owner === undefined ? undefined : migrationsFolder(state.name, state.owner);
  const started = await startTestDatabase(state.name, folder);
  state.cleanups.push(() => started.stop());
  // Its template has exactly these migrations applied: nothing to check at the first query.
  state.migrating ??= Promise.resolve([]);
  return started.url;
}
