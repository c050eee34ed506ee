import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "pg";
import {
  applyMigrations,
  readMigrations,
  type Migration,
} from "../database/migrate";
import {
  cacheFolder,
  claimCopy,
  migratedTemplate,
  migrationsKey,
  releaseCopy,
} from "../embedded/data-dirs";
import {
  loadPGlite,
  openPGlite,
  serveOverSocket,
  unrefServer,
} from "../embedded/pglite";

/**
 * A fresh, migrated embedded database for one test file: a copy of a template that has the
 * migrations applied (made once per set of migrations, on the first test file that needs
 * it), opened in this process and served on 127.0.0.1 for `pg`. Opening PGlite is most of
 * the wait, so each start also opens the next copy of its template in the background, for
 * the next test file of this process (a Jest worker runs its files one after another).
 */

/** A started test database, before anything points at it. */
export interface StartedTestDatabase {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts one; `migrationsDir` undefined: an empty database. */
export async function startTestDatabase(
  name: string,
  migrationsDir: string | undefined,
): Promise<StartedTestDatabase> {
  const cache = cacheFolder(undefined);
  const migrations =
    migrationsDir === undefined ? [] : readMigrations(name, migrationsDir);
  const template = await migratedTemplate(
    cache,
    migrationsKey(migrations),
    (dataDir) => migrateTemplate(name, dataDir, migrations),
  );
  const { copy, db } =
    (await takeOpened(template)) ?? (await openCopy(cache, template));
  openAhead(cache, template);
  const { server, port } = await serveOverSocket(db, "127.0.0.1", 0);
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

interface OpenedCopy {
  readonly copy: string;
  readonly db: PGlite;
}

async function openCopy(cache: string, template: string): Promise<OpenedCopy> {
  const copy = await claimCopy(cache, template);
  try {
    return { copy, db: await openPGlite(copy) };
  } catch (error) {
    await releaseCopy(cache, copy);
    throw error;
  }
}

const OPENED_AHEAD = Symbol.for("@topo/runtime.testing.opened-ahead");

interface Ahead {
  /** How many databases each template gave this process. */
  readonly starts: Map<string, number>;
  readonly opened: Map<string, Promise<OpenedCopy | undefined>>;
}

/**
 * The copies opened ahead, per template: kept on the PGlite module, which is loaded once per
 * process (outside Jest's per-file module registry), so the next test file finds them.
 */
function ahead(): Ahead {
  const holder = loadPGlite() as unknown as { [OPENED_AHEAD]?: Ahead };
  return (holder[OPENED_AHEAD] ??= { starts: new Map(), opened: new Map() });
}

function takeOpened(
  template: string,
): Promise<OpenedCopy | undefined> | undefined {
  const { opened } = ahead();
  const next = opened.get(template);
  opened.delete(template);
  return next;
}

/**
 * Opens the next copy in the background, from the second database a template gives this
 * process on: a process that runs one test file (jest path/to/one.spec.ts) wastes nothing,
 * and a worker that runs many has the next ready from its third file. A failure only means
 * the next file opens its own.
 */
function openAhead(cache: string, template: string): void {
  const { starts, opened } = ahead();
  const count = (starts.get(template) ?? 0) + 1;
  starts.set(template, count);
  if (count < 2 || opened.has(template)) return;
  opened.set(
    template,
    openCopy(cache, template).catch(() => undefined),
  );
}

/** Applies the migrations to a template being made, through `pg` and the socket, as a process would. */
async function migrateTemplate(
  name: string,
  dataDir: string,
  migrations: readonly Migration[],
): Promise<void> {
  const db = await openPGlite(dataDir);
  try {
    if (migrations.length === 0) return;
    const { server, port } = await serveOverSocket(db, "127.0.0.1", 0);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Pool: PgPool } = require("pg") as typeof import("pg");
    const pool: Pool = new PgPool({
      connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
      max: 1,
    });
    try {
      await applyMigrations(pool, name, migrations);
    } finally {
      await pool.end();
      await server.stop();
    }
    await db.query("CHECKPOINT");
  } finally {
    await db.close();
  }
}
