import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { direct } from './databases';

/**
 * A real Postgres server for a test file: initdb into a throw-away folder, `pg_ctl start` on
 * a free port of 127.0.0.1, stopped and deleted by `remove()`. As root (CI), the server runs
 * as the `postgres` user, since Postgres refuses root.
 */
export interface TestPostgres {
  readonly port: number;
  /** A connection string to `database` (default `postgres`). */
  url(database?: string): string;
  /** Makes a database on the server. */
  createDatabase(name: string): Promise<void>;
  /** Stops the server, keeping its data (to test a database that is down). */
  stop(): void;
  /** Starts it again on the same port. */
  start(): void;
  /** Stops it and deletes its folder. */
  remove(): void;
}

export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  throw new Error('no Postgres server installed (looked in /usr/lib/postgresql/*/bin): apt-get install postgresql');
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = postgresBin();
  const root = mkdtempSync(join(tmpdir(), 'topo-pg-'));
  const data = join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(root, uidOf('postgres'), gidOf('postgres'));
  const run = (tool: string, args: string[]): void => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    execFileSync(command, argv, { stdio: 'pipe', timeout: 60_000 });
  };
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const port = await freePort();
  const start = (): void =>
    run('pg_ctl', ['-D', data, '-l', join(root, 'log'), '-w', '-t', '60', '-o', `-k /tmp -h 127.0.0.1 -p ${port} -F -c fsync=off -c full_page_writes=off`, 'start']);
  const stop = (): void => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  start();
  let running = true;
  return {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    createDatabase: async (name) => {
      await direct(`postgres://postgres@127.0.0.1:${port}/postgres`, `CREATE DATABASE "${name}"`);
    },
    stop: () => {
      if (running) stop();
      running = false;
    },
    start: () => {
      if (!running) start();
      running = true;
    },
    remove: () => {
      try {
        if (running) stop();
      } finally {
        running = false;
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}

/** A port nothing listens on now: the OS picks one, we let it go. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
