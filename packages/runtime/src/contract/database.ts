import { accepted, refused, type Checked } from './problem';

const DATABASE_NAME = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;

/**
 * Database names are lower-case words joined by `-` or `_`: they name the Postgres database,
 * its environment variables and its folders.
 *
 * @example
 * ```ts
 * readDatabaseName('orders').ok; // true
 * readDatabaseName('Orders DB').ok; // false
 * ```
 */
export function readDatabaseName(name: unknown): Checked<string> {
  if (typeof name === 'string' && DATABASE_NAME.test(name)) return accepted(name);
  return refused(
    `invalid database name ${JSON.stringify(name)}: database names are lower-case letters and digits, starting with a letter, words joined by single "-" or "_"`,
    'Name it like "orders" or "user_events".',
  );
}

/** The part of a database's environment variables that names it: `user-events` → `USER_EVENTS`. */
function envSuffix(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/**
 * The environment variable that holds a database's connection string, in every process
 * that uses it: `TOPO_DATABASE_URL_ORDERS=postgres://user:secret@db:5432/orders`.
 *
 * @example
 * ```ts
 * databaseUrlVariable('user-events'); // 'TOPO_DATABASE_URL_USER_EVENTS'
 * ```
 */
export function databaseUrlVariable(name: string): string {
  return `TOPO_DATABASE_URL_${envSuffix(name)}`;
}

/**
 * The environment variable that tells a bundled process where its database's migrations
 * are (an absolute folder); unbundled code finds them beside the module that declares the
 * database.
 */
export function migrationsVariable(name: string): string {
  return `TOPO_MIGRATIONS_${envSuffix(name)}`;
}

/**
 * Where `nx serve` keeps the data of an app's embedded databases, relative to the workspace
 * root: one folder per app, one data folder per database in it. Git-ignored (`.topo/.gitignore`).
 */
export const EMBEDDED_DATABASES_FOLDER = '.topo/databases';

/**
 * The workspace-relative data folder of one app's embedded database under `nx serve`.
 *
 * @example
 * ```ts
 * embeddedDataFolder('market', 'orders'); // '.topo/databases/market/orders'
 * ```
 */
export function embeddedDataFolder(app: string, database: string): string {
  return `${EMBEDDED_DATABASES_FOLDER}/${app}/${database}`;
}

/** A migration file, `<version>_<name>.up.sql`: applied once, in the order of its version. */
export interface MigrationFile {
  version: number;
  name: string;
  file: string;
}

const MIGRATION_FILE = /^(\d+)_([A-Za-z0-9_-]+)\.up\.sql$/;

/**
 * Reads a migration's version and name from its file name.
 *
 * @example
 * ```ts
 * readMigrationFile('2_add_total.up.sql'); // { ok: true, value: { version: 2, name: 'add_total', file: '2_add_total.up.sql' } }
 * ```
 */
export function readMigrationFile(file: string): Checked<MigrationFile> {
  const match = MIGRATION_FILE.exec(file);
  if (match && Number(match[1]) > 0) return accepted({ version: Number(match[1]), name: match[2], file });
  return refused(
    `migration file "${file}" is not named <version>_<name>.up.sql with a version from 1`,
    'Rename it like "1_create_orders.up.sql"; versions are applied in numeric order, each once.',
  );
}

/**
 * The migrations of a folder in the order they apply, or the problems that stop them:
 * a file misnamed, or two files with one version. Other files (a README) are ignored
 * unless they end in `.sql`.
 */
export function readMigrationFiles(files: readonly string[]): Checked<MigrationFile[]> {
  const migrations: MigrationFile[] = [];
  for (const file of files.filter((f) => f.endsWith('.sql')).sort()) {
    const read = readMigrationFile(file);
    if (!read.ok) return refused(read.problem.message, read.problem.fix);
    const same = migrations.find((m) => m.version === read.value.version);
    if (same) {
      return refused(
        `migrations "${same.file}" and "${file}" have the same version ${read.value.version}`,
        'Give each migration a version of its own; they are applied in numeric order, each once.',
      );
    }
    migrations.push(read.value);
  }
  return accepted(migrations.sort((a, b) => a.version - b.version));
}
