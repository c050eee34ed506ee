import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { copyFile, mkdir, readdir, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { loadPGlite, PGLITE_VERSION } from "./pglite";

/**
 * Data folders of embedded databases. A fresh initdb takes many seconds, so it runs once per
 * machine into a template folder that every new database copies; tests copy a template that
 * has their migrations applied too, and keep one copy ready ahead so that a test file only
 * renames it. Templates live in a cache folder: `TOPO_EMBEDDED_CACHE`, else
 * `$XDG_CACHE_HOME/topo` (`~/.cache/topo`), one folder per PGlite version.
 */

type Env = Readonly<Record<string, string | undefined>>;

/** Bumped when what a template holds changes (its settings, its databases), so old ones are not reused. */
const TEMPLATE_REVISION = 2;

/** The cache folder of this PGlite version and template revision. */
export function cacheFolder(
  configured: string | undefined,
  env: Env = process.env,
): string {
  const root =
    configured ??
    env.TOPO_EMBEDDED_CACHE ??
    join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "topo");
  return join(root, `pglite-${PGLITE_VERSION}-t${TEMPLATE_REVISION}`);
}

/** Whether a folder holds a Postgres data folder. */
export function isDataDir(dir: string): boolean {
  return existsSync(join(dir, "PG_VERSION"));
}

/**
 * Settings for a database that serves one developer or one test file: 128 MB of shared
 * buffers, Postgres's default, costs a second at every start in WebAssembly (zeroing them);
 * 8 MB costs a few milliseconds, and the files are in the operating system's cache anyway.
 */
const CONF_LINES = [
  "",
  "# topo: an embedded database (PGlite) for development and tests",
  "shared_buffers = 8MB",
  "",
];

/**
 * The template every embedded database starts from: an initdb'd data folder with only the
 * `postgres` database (template0 and template1 dropped: a third of the files to copy, and one
 * database per server is all the socket serves). Made once, under a lock, by whoever needs it
 * first.
 */
export async function baseTemplate(cache: string): Promise<string> {
  const target = join(cache, "base");
  if (isDataDir(target)) return target;
  return withLock(target, async () => {
    if (isDataDir(target)) return target;
    const building = scratchFolder(cache);
    const { PGlite } = loadPGlite();
    const db = await PGlite.create(building);
    try {
      for (const statement of [
        "ALTER DATABASE template0 IS_TEMPLATE false",
        "DROP DATABASE template0",
        "ALTER DATABASE template1 IS_TEMPLATE false",
        "DROP DATABASE template1",
        "CHECKPOINT",
      ]) {
        await db.query(statement);
      }
    } finally {
      await db.close();
    }
    writeFileSync(
      join(building, "postgresql.conf"),
      readFileSync(join(building, "postgresql.conf"), "utf8") +
        CONF_LINES.join("\n"),
    );
    await rename(building, target);
    return target;
  });
}

/**
 * A template with migrations applied, for tests: one per set of migration files (their names
 * and contents), made by `migrate` on a copy of the base template.
 */
export async function migratedTemplate(
  cache: string,
  key: string,
  migrate: (dataDir: string) => Promise<void>,
): Promise<string> {
  const target = join(cache, "migrated", key);
  if (isDataDir(target)) return target;
  const base = await baseTemplate(cache);
  return withLock(target, async () => {
    if (isDataDir(target)) return target;
    const building = scratchFolder(cache);
    await copyDataDir(base, building);
    try {
      await migrate(building);
      mkdirSync(join(cache, "migrated"), { recursive: true });
      await rename(building, target);
    } catch (error) {
      await rm(building, { recursive: true, force: true });
      throw error;
    }
    return target;
  });
}

/** The key of a set of migrations: their file names and contents, in order. */
export function migrationsKey(
  files: ReadonlyArray<{ file: string; sql: string }>,
): string {
  const hash = createHash("sha256");
  for (const { file, sql } of files) hash.update(`${file}\0${sql}\0`);
  return hash.digest("hex").slice(0, 16);
}

/**
 * Copies a data folder: every file at once through the thread pool (`fs.cp` walks the tree one
 * entry at a time, five times slower on the template's 375 files).
 */
export async function copyDataDir(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await copyTree(from, to);
}

async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { withFileTypes: true });
  await Promise.all(
    entries.map((entry) =>
      entry.isDirectory()
        ? copyTree(join(from, entry.name), join(to, entry.name))
        : copyFile(join(from, entry.name), join(to, entry.name)),
    ),
  );
}

/**
 * A copy of a template for one test file, its own to change and delete. A copy made ahead (by
 * the previous test file) is taken by renaming it, which only one taker can do; then the next
 * one is made in the background.
 */
export async function claimCopy(
  cache: string,
  template: string,
): Promise<string> {
  const mine = join(
    cache,
    "run",
    `${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  mkdirSync(join(cache, "run"), { recursive: true });
  removeAbandoned(cache);
  const ready = readyFolder(template);
  let claimed = false;
  for (const entry of listFolder(ready)) {
    try {
      await rename(join(ready, entry), mine);
      claimed = true;
      break;
    } catch {
      // Another test file took it first.
    }
  }
  if (!claimed) await copyDataDir(template, mine);
  prepareNext(cache, template);
  return mine;
}

/** The copies made ahead of a template. */
function readyFolder(template: string): string {
  return `${template}.ready`;
}

const preparing = new Set<string>();

/** How many copies wait ready: two, so that test files in quick succession never wait for a copy. */
const READY_COPIES = 2;

/** Makes a copy ahead when fewer than {@link READY_COPIES} wait; in the background, never failing anyone. */
function prepareNext(cache: string, template: string): void {
  const ready = readyFolder(template);
  if (preparing.has(ready) || listFolder(ready).length >= READY_COPIES) return;
  preparing.add(ready);
  const building = scratchFolder(cache);
  mkdirSync(ready, { recursive: true });
  copyDataDir(template, building)
    .then(() =>
      rename(
        building,
        join(ready, `${process.pid}-${randomBytes(4).toString("hex")}`),
      ),
    )
    .catch(() => rm(building, { recursive: true, force: true }))
    .catch(() => undefined)
    .finally(() => {
      preparing.delete(ready);
      prepareNext(cache, template);
    });
}

/**
 * Removes a test file's copy: moved out of the way at once, deleted in the background (what a
 * process leaves behind when it exits first, the next claim removes).
 */
export async function releaseCopy(cache: string, dir: string): Promise<void> {
  const doomed = scratchFolder(cache);
  try {
    await rename(dir, doomed);
  } catch {
    await rm(dir, { recursive: true, force: true });
    return;
  }
  void rm(doomed, { recursive: true, force: true }).catch(() => undefined);
}

/**
 * Copies left by processes that died before removing them (a killed test run), and scratch
 * folders older than an hour (a copy interrupted).
 */
function removeAbandoned(cache: string): void {
  const run = join(cache, "run");
  for (const entry of listFolder(run)) {
    const pid = Number(entry.split("-")[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid))
      rmSync(join(run, entry), { recursive: true, force: true });
  }
  const scratch = join(cache, "tmp");
  for (const entry of listFolder(scratch)) {
    const pid = Number(entry.split("-")[0]);
    const old = Date.now() - safeMtime(join(scratch, entry)) > 3_600_000;
    if ((Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) || old)
      rmSync(join(scratch, entry), { recursive: true, force: true });
  }
}

function scratchFolder(cache: string): string {
  mkdirSync(join(cache, "tmp"), { recursive: true });
  return join(cache, "tmp", `${process.pid}-${randomBytes(6).toString("hex")}`);
}

function listFolder(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function safeMtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const LOCK_WAIT_MS = 5 * 60_000;

/**
 * Runs `work` holding `<target>.lock` (a folder: made by exactly one process), so two test
 * workers do not both run a 15-second initdb. A lock whose holder died is taken over.
 */
async function withLock(
  target: string,
  work: () => Promise<string>,
): Promise<string> {
  const lock = `${target}.lock`;
  mkdirSync(join(lock, ".."), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (isDataDir(target)) return target;
      const holder = Number(readQuietly(join(lock, "pid")));
      if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(
          `embedded database: waited 5 minutes for ${lock}; remove it if no process is making that template`,
          { cause: error },
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readQuietly(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
