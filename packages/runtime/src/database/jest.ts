import { join } from 'node:path';
import { allDatabases, closeDatabase, setUrlFallback, type DatabaseState } from './registry';

/**
 * Under Jest, a database with no `TOPO_DATABASE_URL_<NAME>` gets an embedded one at its first
 * query: a fresh, migrated copy for the test file, stopped when the file ends. The embedded
 * code (and PGlite) is loaded only then, by a path a bundler does not follow, so a production
 * bundle never contains it.
 */

/** What `@topo/runtime/testing`'s automatic mode exports for this hook. */
interface AutoModule {
  startAutomaticDatabase(state: DatabaseState): Promise<string>;
}

/** Jest's hook, present as a global while a test file is being collected. */
type AfterAll = (fn: () => Promise<void>, timeout?: number) => void;

const INSTALLED = Symbol.for('@topo/runtime.jest-databases');

/**
 * Installs the fallback once per test file (each file has its own globals and registry), and
 * closes its databases when the file ends if the first declaration ran while Jest was still
 * collecting the file (module level, as databases are declared); one declared later inside a
 * test is closed with the worker.
 */
export function installJestFallback(): void {
  if (process.env.JEST_WORKER_ID === undefined) return;
  const scope = globalThis as { [INSTALLED]?: boolean; afterAll?: AfterAll };
  if (scope[INSTALLED]) return;
  scope[INSTALLED] = true;
  setUrlFallback((target) => {
    if (process.env.JEST_WORKER_ID === undefined) return undefined;
    return loadAutoModule().startAutomaticDatabase(target);
  });
  registerCloseAtEnd(scope.afterAll);
}

function registerCloseAtEnd(afterAll: AfterAll | undefined): void {
  if (typeof afterAll !== 'function' || testsHaveStarted()) return;
  try {
    afterAll(async () => {
      for (const database of allDatabases()) if (database.cleanups.length > 0) await closeDatabase(database);
    }, 30_000);
  } catch {
    // A runner that refuses the hook here: the database is closed with the worker instead.
  }
}

/**
 * Whether jest-circus has started running the file's tests, after which it fails the file for
 * a new hook. Its state sits on the global under a symbol described 'JEST_STATE_SYMBOL'.
 */
function testsHaveStarted(): boolean {
  const scope = globalThis as unknown as Record<symbol, { hasStarted?: boolean } | undefined>;
  const key = Object.getOwnPropertySymbols(scope).find((symbol) => symbol.description === 'JEST_STATE_SYMBOL');
  return key !== undefined && scope[key]?.hasStarted === true;
}

function loadAutoModule(): AutoModule {
  // A computed path: bundlers leave it alone, so bundles never include PGlite.
  const path = join(__dirname, '..', 'testing', 'auto');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path) as AutoModule;
}
