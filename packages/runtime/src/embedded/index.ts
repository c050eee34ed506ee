/**
 * `@topo/runtime/embedded`: a Postgres with no set-up, for development. PGlite (Postgres in
 * WebAssembly) keeps one database in a folder and serves it over the Postgres wire protocol
 * on 127.0.0.1, so the services reach it through `pg` exactly as they reach a real server.
 * `nx serve` starts one per database and sets `TOPO_DATABASE_URL_<NAME>` for its processes.
 *
 * Needs the optional dependencies `@electric-sql/pglite` 0.5.14 and
 * `@electric-sql/pglite-socket` 0.2.17; nothing else in the runtime loads them.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describeProblem, readDatabaseName } from '../contract';
import { baseTemplate, cacheFolder, copyDataDir, isAlive, isDataDir } from './data-dirs';
import { openPGlite, serveOverSocket } from './pglite';

/**
 * Options of {@link startEmbeddedDatabase}.
 *
 * @example
 * ```ts
 * const options: EmbeddedDatabaseOptions = { name: 'orders', dataDir: 'tmp/topo/databases/orders', fresh: false };
 * ```
 */
export interface EmbeddedDatabaseOptions {
  /** The database's name, for messages. */
  name: string;
  /** Where its data is kept between runs; made from the template when it holds no database. */
  dataDir: string;
  /** Start from the empty template, discarding the data kept in `dataDir`. Default false. */
  fresh?: boolean;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port the system picks. */
  port?: number;
  /** Where the template data folder is made once per machine; default `TOPO_EMBEDDED_CACHE`, else `~/.cache/topo`. */
  cacheDir?: string;
}

/**
 * A running embedded database.
 *
 * @example
 * ```ts
 * const db: EmbeddedDatabase = await startEmbeddedDatabase({ name: 'orders', dataDir });
 * process.env.TOPO_DATABASE_URL_ORDERS = db.url;
 * await db.stop();
 * ```
 */
export interface EmbeddedDatabase {
  readonly name: string;
  /** The connection string, `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** Closes its connections, writes its data and releases the folder. */
  stop(): Promise<void>;
}

/** Marks a data folder in use, so two servers never open one folder. */
const OWNER_FILE = 'topo-embedded.pid';

/**
 * Starts an embedded Postgres for one database, its data kept in `dataDir`.
 *
 * @example
 * ```ts
 * import { startEmbeddedDatabase } from '@topo/runtime/embedded';
 * const orders = await startEmbeddedDatabase({ name: 'orders', dataDir: 'tmp/topo/databases/orders' });
 * console.log(orders.url); // postgres://postgres@127.0.0.1:41234/postgres
 * await orders.stop();
 * ```
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const settings = normalizeOptions(options);
  const { name, dataDir } = settings;
  claimFolder(name, dataDir);
  try {
    if (settings.fresh || !isDataDir(dataDir)) {
      await copyDataDir(await baseTemplate(cacheFolder(settings.cacheDir)), dataDir);
      writeFileSync(join(dataDir, OWNER_FILE), String(process.pid));
    }
    const db = await openPGlite(dataDir);
    const { server, port } = await serveOverSocket(db, settings.host, settings.port).catch(async (error: unknown) => {
      await db.close();
      throw error;
    });
    let stopping: Promise<void> | undefined;
    return {
      name,
      url: `postgres://postgres@${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}/postgres`,
      host: settings.host,
      port,
      dataDir,
      stop: () =>
        (stopping ??= (async () => {
          await server.stop();
          await db.close();
          rmSync(join(dataDir, OWNER_FILE), { force: true });
        })()),
    };
  } catch (error) {
    rmSync(join(dataDir, OWNER_FILE), { force: true });
    throw error;
  }
}

interface EmbeddedSettings {
  readonly name: string;
  readonly dataDir: string;
  readonly fresh: boolean;
  readonly host: string;
  readonly port: number;
  readonly cacheDir: string | undefined;
}

function normalizeOptions(options: EmbeddedDatabaseOptions): EmbeddedSettings {
  if (typeof options !== 'object' || options === null) throw new TypeError('startEmbeddedDatabase(options): pass { name, dataDir }');
  const read = readDatabaseName(options.name);
  if (!read.ok) throw new Error(describeProblem(read.problem));
  if (typeof options.dataDir !== 'string' || options.dataDir === '') throw new TypeError(`embedded database "${options.name}": dataDir must be a folder path`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`embedded database "${options.name}": port ${port} is not a port number (0 picks a free one)`);
  return {
    name: options.name,
    dataDir: resolve(options.dataDir),
    fresh: options.fresh ?? false,
    host: options.host ?? '127.0.0.1',
    port,
    cacheDir: options.cacheDir,
  };
}

/**
 * The live process, other than this one, that serves the data folder `dataDir` (an `nx serve`,
 * a script), if any: a folder it holds cannot be opened until it stops.
 *
 * @example
 * ```ts
 * const holder = embeddedDatabaseHolder(join(workspaceRoot, '.topo/databases/market/orders'));
 * if (holder) throw new Error(`stop nx serve (process ${holder}) first`);
 * ```
 */
export function embeddedDatabaseHolder(dataDir: string): number | undefined {
  let holder = NaN;
  try {
    holder = Number(readFileSync(join(dataDir, OWNER_FILE), 'utf8'));
  } catch {
    // Not in use.
  }
  return Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder) ? holder : undefined;
}

/**
 * Refuses a folder another live process serves (PGlite has no lock of its own: two servers
 * on one folder would corrupt it); takes over one left by a process that died.
 */
function claimFolder(name: string, dataDir: string): void {
  const holder = embeddedDatabaseHolder(dataDir);
  if (holder !== undefined) {
    throw new Error(`embedded database "${name}": ${dataDir} is in use by process ${holder}; stop it (another nx serve?) or use another folder`);
  }
  const file = join(dataDir, OWNER_FILE);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, String(process.pid));
}
