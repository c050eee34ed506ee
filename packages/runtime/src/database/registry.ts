import { dirname, isAbsolute, resolve } from 'node:path';
import type { Pool } from 'pg';
import { databaseUrlVariable, migrationsVariable } from '../contract';
import { DatabaseConfigError, isUnavailableError, logUnavailable, messageOf, MigrationError } from './errors';
import { applyMigrations, readMigrations } from './migrate';

/**
 * The databases of a process: one entry per name, whichever handles (`new SQLDatabase`,
 * `SQLDatabase.named`) point at it, holding its one pool and, for the owning declaration,
 * its migrations. Kept on `globalThis` under a registered symbol, as the service registry
 * is, so every copy of the runtime in a process shares one pool per database.
 */

/** Where the owning declaration says its migrations are. */
export interface OwnerDeclaration {
  /** The `migrations` option as written, or undefined for a database without migrations. */
  readonly migrations: string | undefined;
  /** The module that declared it, found from the call stack; undefined in code we cannot place. */
  readonly declaredIn: string | undefined;
}

export interface DatabaseState {
  readonly name: string;
  owner: OwnerDeclaration | undefined;
  pool: Pool | undefined;
  /** The pool being made (the connection string may take an embedded database to start). */
  opening: Promise<Pool> | undefined;
  /** This process's run of the owner's migrations, once. */
  migrating: Promise<string[]> | undefined;
  /** True once the pool exists and, for an owned database, its migrations are applied: queries skip every check. */
  ready: boolean;
  /** Run when the database is closed: an embedded test database stops with it. */
  readonly cleanups: Array<() => Promise<void>>;
}

/** Finds a connection string for a database the environment names none for (the Jest helper plugs in here). */
export type UrlFallback = (state: DatabaseState) => Promise<string> | undefined;

interface Databases {
  readonly states: Map<string, DatabaseState>;
  fallback: UrlFallback | undefined;
}

const DATABASES_KEY = Symbol.for('@topo/runtime.databases');

const databases: Databases = ((globalThis as { [DATABASES_KEY]?: Databases })[DATABASES_KEY] ??= { states: new Map(), fallback: undefined });

type Env = Readonly<Record<string, string | undefined>>;

/** The entry of a database, made on first mention. */
export function databaseState(name: string): DatabaseState {
  let state = databases.states.get(name);
  if (state === undefined) {
    state = { name, owner: undefined, pool: undefined, opening: undefined, migrating: undefined, ready: false, cleanups: [] };
    databases.states.set(name, state);
  }
  return state;
}

/** Every database declared or named in this process. */
export function allDatabases(): readonly DatabaseState[] {
  return [...databases.states.values()];
}

/**
 * Records the owning declaration. The same declaration evaluated twice (a module loaded again)
 * is fine; two different owners of one name are refused, naming both files.
 */
export function declareOwner(state: DatabaseState, owner: OwnerDeclaration): void {
  const previous = state.owner;
  if (previous !== undefined) {
    if (resolvedFolder(state.name, previous) === resolvedFolder(state.name, owner)) return;
    throw new DatabaseConfigError(
      `database "${state.name}" is declared twice, in ${previous.declaredIn ?? 'one module'} and in ${owner.declaredIn ?? 'another'}: one service owns it with new SQLDatabase('${state.name}', { migrations }); the others use SQLDatabase.named('${state.name}')`,
    );
  }
  state.owner = owner;
}

/** Sets what finds a connection string when the environment has none; returns the undo. */
export function setUrlFallback(fallback: UrlFallback): () => void {
  databases.fallback = fallback;
  return () => {
    if (databases.fallback === fallback) databases.fallback = undefined;
  };
}

/** The pool of a database, made on first use; for an owned database, its migrations applied first. */
export function poolOf(state: DatabaseState): Pool | Promise<Pool> {
  if (state.ready) return state.pool!;
  return preparePool(state);
}

async function preparePool(state: DatabaseState): Promise<Pool> {
  const pool = state.pool ?? (await (state.opening ??= openPool(state)));
  if (state.owner !== undefined) await migrate(state);
  state.ready = true;
  return pool;
}

async function openPool(state: DatabaseState): Promise<Pool> {
  try {
    const url = await connectionString(state, process.env);
    state.pool = createPool(state.name, url);
    return state.pool;
  } finally {
    state.opening = undefined;
  }
}

/**
 * The connection string: `TOPO_DATABASE_URL_<NAME>`, else what the fallback gives (the Jest
 * helper's embedded database), else an error naming the variable.
 */
function connectionString(state: DatabaseState, env: Env): Promise<string> | string {
  const variable = databaseUrlVariable(state.name);
  const url = env[variable];
  if (url !== undefined && url.trim() !== '') return url.trim();
  const fallback = databases.fallback?.(state);
  if (fallback !== undefined) return fallback;
  throw new DatabaseConfigError(
    `database "${state.name}" has no connection string: set ${variable} to a postgres:// URL (nx serve starts an embedded database and sets it for you)`,
  );
}

function createPool(name: string, url: string): Pool {
  // Loaded here, not at the top: a process without databases never loads the driver.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Pool: PgPool } = require('pg') as typeof import('pg');
  const pool = new PgPool({
    connectionString: url,
    max: poolSize(process.env),
    // A database that does not answer fails the request in seconds instead of holding it.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // Idle connections do not keep a script or a test file's process alive.
    allowExitOnIdle: true,
  });
  // An idle connection the server drops (a restart, a network cut) must not end the process:
  // the next query reconnects, or answers 503 while the server is away.
  pool.on('error', (error) => {
    if (isUnavailableError(error)) logUnavailable(name, error);
    else process.stderr.write(`topo: database "${name}": an idle connection failed: ${error.message}\n`);
  });
  return pool;
}

const DEFAULT_POOL_SIZE = 10;

function poolSize(env: Env): number {
  const raw = env.TOPO_DATABASE_POOL_SIZE;
  if (raw === undefined || raw.trim() === '') return DEFAULT_POOL_SIZE;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1) throw new DatabaseConfigError(`TOPO_DATABASE_POOL_SIZE is ${JSON.stringify(raw)}: set it to a whole number of connections from 1`);
  return size;
}

/**
 * The folder of an owned database's migrations: `TOPO_MIGRATIONS_<NAME>` (a bundle's, set by
 * the plugin), else the option resolved against the declaring module's folder.
 */
export function migrationsFolder(name: string, owner: OwnerDeclaration, env: Env = process.env): string | undefined {
  const fromEnv = env[migrationsVariable(name)];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return resolve(fromEnv.trim());
  return resolvedFolder(name, owner);
}

function resolvedFolder(name: string, owner: OwnerDeclaration): string | undefined {
  const { migrations, declaredIn } = owner;
  if (migrations === undefined) return undefined;
  if (isAbsolute(migrations)) return migrations;
  if (declaredIn === undefined) {
    throw new DatabaseConfigError(
      `database "${name}": cannot tell which module declares it, so the relative migrations folder "${migrations}" has no base; pass an absolute folder or set ${migrationsVariable(name)}`,
    );
  }
  return resolve(dirname(declaredIn), migrations);
}

/** Applies an owned database's migrations once per process; a failure is retried by the next caller. */
export function migrate(state: DatabaseState): Promise<string[]> {
  const owner = state.owner;
  if (owner === undefined) return Promise.resolve([]);
  return (state.migrating ??= runMigrations(state, owner).catch((error: unknown) => {
    state.migrating = undefined;
    throw error;
  }));
}

async function runMigrations(state: DatabaseState, owner: OwnerDeclaration): Promise<string[]> {
  const folder = migrationsFolder(state.name, owner);
  if (folder === undefined) return [];
  const migrations = readMigrations(state.name, folder);
  const pool = state.pool ?? (await (state.opening ??= openPool(state)));
  try {
    return await applyMigrations(pool, state.name, migrations);
  } catch (error) {
    if (error instanceof MigrationError || !isUnavailableError(error)) throw error;
    // Said to the operator (a start that fails), so the driver's words are welcome here.
    throw new DatabaseConfigError(
      `database "${state.name}" cannot be reached to apply its migrations (${messageOf(error)}); check that it is up and that ${databaseUrlVariable(state.name)} points at it`,
    );
  }
}

/**
 * Applies the migrations of every database declared with `new SQLDatabase` in this process:
 * the databases its services own. `runProcess` awaits it before it listens.
 */
export async function migrateOwnedDatabases(): Promise<Array<{ database: string; applied: string[] }>> {
  const owned = allDatabases().filter((state) => state.owner !== undefined);
  const results: Array<{ database: string; applied: string[] }> = [];
  for (const state of owned) results.push({ database: state.name, applied: await migrate(state) });
  return results;
}

/**
 * Closes a database's pool (and what started with it); the next query opens a new one. For
 * tests and for a process that shuts down.
 */
export async function closeDatabase(state: DatabaseState): Promise<void> {
  const pool = state.pool;
  state.pool = undefined;
  state.ready = false;
  state.migrating = undefined;
  if (pool !== undefined) await pool.end();
  const cleanups = state.cleanups.splice(0);
  for (const cleanup of cleanups) await cleanup();
}
