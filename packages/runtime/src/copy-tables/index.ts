/**
 * `@topo/runtime/copy-tables`: copies tables from one database to another, for the data-copy
 * script of `split-service --database=own` (the new service gets a database of its own, and
 * the rows of the tables that moved go with it).
 *
 * Between servers when the environment names both databases (`TOPO_DATABASE_URL_<NAME>`);
 * else between the embedded databases `nx serve` keeps in `.topo/databases/<app>/`, for every
 * app that has the source database there.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Pool, type PoolClient } from 'pg';
import { databaseUrlVariable, describeProblem, EMBEDDED_DATABASES_FOLDER, embeddedDataFolder, readDatabaseName } from '../contract';
import { messageOf } from '../database/errors';
import { applyMigrations, readMigrations, type Migration } from '../database/migrate';

/**
 * Options of {@link copyTables}.
 *
 * @example
 * ```ts
 * const options: CopyTablesOptions = { from: 'orders', to: 'billing', tables: ['invoices', 'payments'], migrations: '/repo/services/billing/migrations', workspaceRoot: '/repo' };
 * ```
 */
export interface CopyTablesOptions {
  /** The database the rows come from. */
  from: string;
  /** The database they go to. */
  to: string;
  /** The tables to copy: `invoices`, or `schema.table` outside `public`; quoted names as written (`Audit Log`). */
  tables: string[];
  /** The target's migrations folder, absolute: applied before anything is copied. */
  migrations: string;
  /** The workspace root, absolute: where `nx serve` keeps embedded databases (`.topo/databases/<app>/<database>`). */
  workspaceRoot: string;
  /** Gets one line per table copied. */
  log?: (line: string) => void;
}

/**
 * What {@link copyTables} copied: one entry per pair of databases, each table with its rows,
 * in the order they were copied (parents before the tables that reference them).
 *
 * @example
 * ```ts
 * const report: CopyReport = { copies: [{ where: 'market', tables: [{ table: 'invoices', rows: 120 }, { table: 'payments', rows: 98 }] }] };
 * ```
 */
export interface CopyReport {
  copies: DatabaseCopy[];
}

export interface DatabaseCopy {
  /** `'environment'` for the servers of `TOPO_DATABASE_URL_<NAME>`, else the app whose embedded databases these are. */
  where: string;
  tables: { table: string; rows: number }[];
}

/** How many rows go in one round trip. */
const BATCH_ROWS = 1000;

/**
 * Copies every row of `tables` from the database `from` to the database `to`, after applying
 * the target's migrations. All of it in one transaction on the target, which refuses to start
 * when any of those tables already holds rows: either everything is copied or nothing.
 * Parents are copied before the tables that reference them (the target's foreign keys), every
 * value keeps its type, and each serial or identity sequence ends past the copied ids.
 *
 * @example
 * ```ts
 * import { copyTables } from '@topo/runtime/copy-tables';
 *
 * const report = await copyTables({
 *   from: 'orders',
 *   to: 'billing',
 *   tables: ['invoices', 'payments'],
 *   migrations: join(workspaceRoot, 'services/billing/migrations'),
 *   workspaceRoot,
 *   log: console.log, // market: invoices: 120 rows copied from orders to billing
 * });
 * ```
 */
export async function copyTables(options: CopyTablesOptions): Promise<CopyReport> {
  const settings = normalizeOptions(options);
  const urls = environmentUrls(settings);
  if (urls) return { copies: [await copyBetween(settings, 'environment', urls.from, urls.to)] };
  return copyEmbedded(settings);
}

interface TableName {
  /** As the caller wrote it, for messages and the report. */
  readonly label: string;
  readonly schema: string;
  readonly name: string;
  /** Quoted for SQL: `"schema"."name"`. */
  readonly sql: string;
}

interface CopySettings {
  readonly from: string;
  readonly to: string;
  readonly tables: readonly TableName[];
  readonly migrationsDir: string;
  readonly migrations: readonly Migration[];
  readonly workspaceRoot: string;
  readonly log: (line: string) => void;
}

function normalizeOptions(options: CopyTablesOptions): CopySettings {
  if (typeof options !== 'object' || options === null) throw new TypeError('copyTables(options): pass { from, to, tables, migrations, workspaceRoot }');
  for (const name of [options.from, options.to]) {
    const read = readDatabaseName(name);
    if (!read.ok) throw new Error(`copyTables: ${describeProblem(read.problem)}`);
  }
  const { from, to } = options;
  if (from === to) throw new Error(`copyTables: from and to are both "${from}"; copy from one database to another`);
  if (!Array.isArray(options.tables) || options.tables.length === 0 || options.tables.some((table) => typeof table !== 'string' || table === '')) {
    throw new TypeError(`copyTables(${from} → ${to}): tables must be a non-empty list of table names`);
  }
  const tables = options.tables.map(readTableName);
  const twice = tables.find((table, i) => tables.findIndex((other) => other.sql === table.sql) !== i);
  if (twice) throw new Error(`copyTables(${from} → ${to}): table "${twice.label}" is listed twice`);
  for (const [option, path] of [
    ['migrations', options.migrations],
    ['workspaceRoot', options.workspaceRoot],
  ] as const) {
    if (typeof path !== 'string' || !isAbsolute(path)) throw new TypeError(`copyTables(${from} → ${to}): ${option} must be an absolute folder path, not ${JSON.stringify(path)}`);
  }
  if (!isFolder(options.migrations)) throw new Error(`copyTables(${from} → ${to}): the migrations folder ${options.migrations} does not exist; pass the folder of ${to}'s migrations`);
  let migrations: Migration[];
  try {
    migrations = readMigrations(to, options.migrations);
  } catch (error) {
    throw new Error(`copyTables(${from} → ${to}): ${messageOf(error)}`, { cause: error });
  }
  return {
    from,
    to,
    tables,
    migrationsDir: options.migrations,
    migrations,
    workspaceRoot: options.workspaceRoot,
    log: options.log ?? (() => undefined),
  };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `orders` is `public.orders`, as in the static analysis's table names. */
function readTableName(label: string): TableName {
  const dot = label.indexOf('.');
  const [schema, name] = dot > 0 ? [label.slice(0, dot), label.slice(dot + 1)] : ['public', label];
  return { label, schema, name, sql: `${quoteIdentifier(schema)}.${quoteIdentifier(name)}` };
}

function quoteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** Both connection strings from the environment, or neither (then the copy is local). */
function environmentUrls(settings: CopySettings): { from: string; to: string } | undefined {
  const fromVariable = databaseUrlVariable(settings.from);
  const toVariable = databaseUrlVariable(settings.to);
  const from = process.env[fromVariable];
  const to = process.env[toVariable];
  if (from && to) return { from, to };
  if (!from && !to) return undefined;
  const [set, unset] = from ? [fromVariable, toVariable] : [toVariable, fromVariable];
  throw new Error(
    `copyTables(${settings.from} → ${settings.to}): ${set} is set but ${unset} is not; set ${unset} to the target's postgres:// URL to copy between servers, or unset ${set} to copy the embedded databases of nx serve`,
  );
}

/**
 * The local copy: for each app folder of `.topo/databases` that holds the source database,
 * its embedded source and target (the target's folder made when missing), one app at a time.
 */
async function copyEmbedded(settings: CopySettings): Promise<CopyReport> {
  // Loaded here only: a copy between servers (production) never loads PGlite.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startEmbeddedDatabase, embeddedDatabaseHolder } = require('../embedded') as typeof import('../embedded');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isDataDir } = require('../embedded/data-dirs') as typeof import('../embedded/data-dirs');
  const { from, to, workspaceRoot } = settings;
  const apps = listFolder(join(workspaceRoot, EMBEDDED_DATABASES_FOLDER))
    .sort()
    .filter((app) => isDataDir(join(workspaceRoot, embeddedDataFolder(app, from))));
  if (apps.length === 0) {
    settings.log(`no app has an embedded database "${from}" in ${EMBEDDED_DATABASES_FOLDER}/: nothing to copy`);
    return { copies: [] };
  }
  const copies: DatabaseCopy[] = [];
  for (const app of apps) {
    const folders = [embeddedDataFolder(app, from), embeddedDataFolder(app, to)];
    for (const folder of folders) {
      const holder = embeddedDatabaseHolder(join(workspaceRoot, folder));
      if (holder !== undefined) {
        throw new Error(
          `copyTables(${from} → ${to}): the embedded database in ${folder} is in use by process ${holder} (nx serve ${app}?); stop nx serve first, then copy again${copiedSoFar(copies)}`,
        );
      }
    }
    const [source, target] = await Promise.all(folders.map((folder, i) => startEmbeddedDatabase({ name: i === 0 ? from : to, dataDir: join(workspaceRoot, folder) })));
    try {
      copies.push(await copyBetween(settings, app, source.url, target.url));
    } catch (error) {
      throw copies.length === 0 ? error : new Error(`${messageOf(error)}${copiedSoFar(copies)}`, { cause: error });
    } finally {
      await Promise.all([source.stop(), target.stop()]);
    }
  }
  return { copies };
}

function copiedSoFar(copies: readonly DatabaseCopy[]): string {
  return copies.length === 0 ? '' : ` (the copies of ${copies.map((copy) => copy.where).join(', ')} are done and kept)`;
}

function listFolder(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** A table as one side's catalog has it. */
interface TableFacts {
  readonly oid: number;
  /** Every column, in order, and whether the database computes it (a generated column, never inserted). */
  readonly columns: ReadonlyArray<{ name: string; generated: boolean }>;
}

/** One pair of databases: migrate the target, then copy in one transaction. */
async function copyBetween(settings: CopySettings, where: string, fromUrl: string, toUrl: string): Promise<DatabaseCopy> {
  const { from, to, tables } = settings;
  const prefix = `copyTables(${from} → ${to})${where === 'environment' ? '' : `, app ${where}`}`;
  const sourcePool = openPool(fromUrl);
  const targetPool = openPool(toUrl);
  let source: PoolClient | undefined;
  let target: PoolClient | undefined;
  try {
    source = await connect(sourcePool, from, where);
    await applyMigrations(targetPool, to, settings.migrations);
    target = await connect(targetPool, to, where);

    // The source is read as of one moment; the target is written all at once, or not at all.
    await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await target.query('BEGIN');
    const sourceTables = await readTables(source, tables);
    const targetTables = await readTables(target, tables);
    const plans = tables.map((table) => {
      const inSource = sourceTables.get(table.sql);
      const inTarget = targetTables.get(table.sql);
      if (!inSource) throw new Error(`${prefix}: table "${table.label}" is not in database "${from}"; copy only tables it has`);
      if (!inTarget) throw new Error(`${prefix}: table "${table.label}" is not in database "${to}" after its migrations (${settings.migrationsDir}); add a migration that creates it`);
      const sourceColumns = new Set(inSource.columns.map((column) => column.name));
      const missing = [...sourceColumns].filter((column) => !inTarget.columns.some((c) => c.name === column));
      if (missing.length > 0) {
        throw new Error(`${prefix}: table "${table.label}" of database "${from}" has columns that "${to}" lacks (${missing.join(', ')}); their values would be lost: add them with a migration of ${to}`);
      }
      // Columns only the target has get their defaults; generated ones are computed again.
      const columns = inTarget.columns.filter((column) => !column.generated && sourceColumns.has(column.name)).map((column) => quoteIdentifier(column.name));
      return { table, facts: inTarget, columns };
    });
    // Nobody writes to them between the check that they are empty and the commit.
    await target.query(`LOCK TABLE ${tables.map((table) => table.sql).join(', ')} IN EXCLUSIVE MODE`);
    const full: string[] = [];
    for (const table of tables) {
      if ((await target.query<{ full: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${table.sql}) AS full`)).rows[0].full) full.push(table.label);
    }
    if (full.length > 0) {
      throw new Error(
        `${prefix}: database "${to}" already has rows in ${full.map((label) => `"${label}"`).join(', ')}; nothing was copied. The copy fills empty tables only: empty them (or start the database afresh) and copy again`,
      );
    }
    // Deferrable foreign keys are checked at the commit, when every table is there.
    await target.query('SET CONSTRAINTS ALL DEFERRED');
    const references = await readReferences(target, plans.map((plan) => plan.facts.oid));
    const copied: DatabaseCopy = { where, tables: [] };
    for (const { table, facts, columns } of copyOrder(plans, references)) {
      const selfReferencing = references.some((reference) => reference.from === facts.oid && reference.to === facts.oid);
      const rows = await copyRows(source, target, table, columns, selfReferencing).catch((error: unknown) => {
        throw new Error(`${prefix}: copying table "${table.label}" failed, nothing was copied: ${messageOf(error)}`, { cause: error });
      });
      await moveSequencesPast(target, table, facts);
      copied.tables.push({ table: table.label, rows });
    }
    await target.query('COMMIT').catch((error: unknown) => {
      throw new Error(`${prefix}: the copy could not be committed, nothing was copied: ${messageOf(error)}`, { cause: error });
    });
    await source.query('COMMIT');
    for (const { table, rows } of copied.tables) settings.log(`${where}: ${table}: ${rows} ${rows === 1 ? 'row' : 'rows'} copied from ${from} to ${to}`);
    return copied;
  } catch (error) {
    await target?.query('ROLLBACK').catch(() => undefined);
    await source?.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    source?.release();
    target?.release();
    await Promise.all([sourcePool.end(), targetPool.end()]);
  }
}

function openPool(url: string): Pool {
  const pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 10_000 });
  // An idle connection the server drops must not end the process; the next query says why.
  pool.on('error', () => undefined);
  return pool;
}

async function connect(pool: Pool, database: string, where: string): Promise<PoolClient> {
  try {
    const client = await pool.connect();
    client.on('error', () => undefined);
    return client;
  } catch (error) {
    const from = where === 'environment' ? `the server of ${databaseUrlVariable(database)}` : `its embedded database (app ${where})`;
    throw new Error(`copyTables: cannot connect to database "${database}" at ${from}: ${messageOf(error)}`, { cause: error });
  }
}

/** The listed tables a database has (tables and partitioned tables, not views), by their quoted name. */
async function readTables(client: PoolClient, tables: readonly TableName[]): Promise<Map<string, TableFacts>> {
  const found = await client.query<{ schema: string; name: string; oid: number; columns: { name: string; generated: boolean }[] }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.oid,
            (SELECT json_agg(json_build_object('name', a.attname, 'generated', a.attgenerated <> '') ORDER BY a.attnum)
               FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND (n.nspname, c.relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [tables.map((table) => table.schema), tables.map((table) => table.name)],
  );
  return new Map(found.rows.map((row) => [readTableName(`${row.schema}.${row.name}`).sql, { oid: row.oid, columns: row.columns ?? [] }]));
}

interface Reference {
  /** The referencing table's oid. */
  readonly from: number;
  /** The referenced table's oid. */
  readonly to: number;
}

/** The foreign keys between the listed tables, as the target declares them. */
async function readReferences(client: PoolClient, oids: readonly number[]): Promise<Reference[]> {
  const found = await client.query<Reference>(
    `SELECT conrelid AS "from", confrelid AS "to" FROM pg_constraint
      WHERE contype = 'f' AND conrelid = ANY($1::oid[]) AND confrelid = ANY($1::oid[])`,
    [oids],
  );
  return found.rows;
}

/**
 * Parents first: each table in the order given, after the listed tables it references (and
 * theirs). Tables that reference each other in a circle come in the order the walk meets
 * them; their foreign keys must then be deferrable (checked at the commit), else the insert
 * that comes first fails.
 */
function copyOrder<T extends { facts: TableFacts }>(plans: readonly T[], references: readonly Reference[]): T[] {
  const byOid = new Map(plans.map((plan) => [plan.facts.oid, plan]));
  const ordered: T[] = [];
  const placed = new Set<number>();
  const visiting = new Set<number>();
  const place = (oid: number): void => {
    if (placed.has(oid) || visiting.has(oid)) return;
    visiting.add(oid);
    for (const reference of references) if (reference.from === oid && reference.to !== oid) place(reference.to);
    visiting.delete(oid);
    placed.add(oid);
    ordered.push(byOid.get(oid)!);
  };
  for (const oid of byOid.keys()) place(oid);
  return ordered;
}

/**
 * Reads a table through a cursor on the source and inserts it on the target, a batch at a
 * time. Each row travels as Postgres's own JSON of it and is read back with
 * `json_populate_recordset` into the target's row type, so every type arrives as it was
 * (timestamps to the microsecond, numeric and int8 digits, jsonb, arrays, NULLs). A table
 * that references itself goes through a temporary table and in with one statement, because a
 * foreign key is checked at the end of each statement, and a batch may hold a row whose
 * parent comes in a later one.
 */
async function copyRows(source: PoolClient, target: PoolClient, table: TableName, columns: readonly string[], selfReferencing: boolean): Promise<number> {
  const list = columns.join(', ');
  const into = selfReferencing ? 'topo_copy_stage' : table.sql;
  if (selfReferencing) await target.query(`CREATE TEMPORARY TABLE topo_copy_stage (LIKE ${table.sql}) ON COMMIT DROP`);
  // Identity columns GENERATED ALWAYS take the copied values too.
  const insert = `INSERT INTO ${into} (${list}) ${selfReferencing ? '' : 'OVERRIDING SYSTEM VALUE '}SELECT ${list} FROM json_populate_recordset(NULL::${table.sql}, $1::json)`;
  await source.query(`DECLARE topo_copy NO SCROLL CURSOR FOR SELECT to_json(t)::text AS row FROM ${table.sql} AS t`);
  let rows = 0;
  for (;;) {
    const batch = await source.query<{ row: string }>(`FETCH ${BATCH_ROWS} FROM topo_copy`);
    if (batch.rows.length === 0) break;
    await target.query(insert, [`[${batch.rows.map((r) => r.row).join(',')}]`]);
    rows += batch.rows.length;
  }
  await source.query('CLOSE topo_copy');
  if (selfReferencing) {
    await target.query(`INSERT INTO ${table.sql} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM topo_copy_stage`);
    await target.query('DROP TABLE topo_copy_stage');
  }
  return rows;
}

/** Sets each serial or identity sequence of the table to the largest copied value, so the next insert gets the one after. */
async function moveSequencesPast(target: PoolClient, table: TableName, facts: TableFacts): Promise<void> {
  const sequences = await target.query<{ column: string; sequence: string }>(
    `SELECT column_name AS "column", pg_get_serial_sequence($1, column_name) AS sequence FROM unnest($2::text[]) AS column_name
      WHERE pg_get_serial_sequence($1, column_name) IS NOT NULL`,
    [table.sql, facts.columns.map((column) => column.name)],
  );
  for (const { column, sequence } of sequences.rows) {
    await target.query(`SELECT setval($1::regclass, m) FROM (SELECT max(${quoteIdentifier(column)}) AS m FROM ${table.sql}) AS copied WHERE m IS NOT NULL`, [sequence]);
  }
}
