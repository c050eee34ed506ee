import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { databaseUrlVariable, migrationsVariable } from '@topo/runtime/contract';
import type { DatabaseInfo, ServiceInfo } from '../../../analysis';

/** Where `nx serve` keeps the data of embedded databases, below the workspace: git-ignored by its own `.gitignore`. */
export const DATA_FOLDER = '.topo';

/** One database as the session runs it: embedded, or the server the environment names. */
export interface ServedDatabase {
  name: string;
  url: string;
  /** The folder of its data when it is embedded; absent for a server from the environment. */
  dataDir?: string;
  stop(): Promise<void>;
}

/** What starts an embedded database: `@topo/runtime/embedded`'s, replaceable in tests. */
export type StartEmbedded = (options: { name: string; dataDir: string; fresh: boolean; host: string }) => Promise<{ url: string; stop(): Promise<void> }>;

/**
 * The databases of one `nx serve`, started once and kept while processes restart: for each
 * database of the app, the server its `TOPO_DATABASE_URL_<NAME>` names when the environment
 * sets one, else an embedded Postgres (PGlite over the wire protocol) whose data stays in
 * `.topo/databases/<app>/<name>` between runs (`fresh` starts it empty). Every process
 * reaches them through `pg`, as in production.
 */
export class ServeDatabases {
  private running: ServedDatabase[] = [];
  private migrations = new Map<string, string>();

  constructor(
    private readonly workspaceRoot: string,
    private readonly appName: string,
    private readonly host: string,
    private readonly fresh: boolean,
    private readonly startEmbedded: StartEmbedded = defaultStartEmbedded,
  ) {}

  get databases(): readonly ServedDatabase[] {
    return this.running;
  }

  /** Starts the databases not running yet (an edit may add one); all at once. */
  async start(databases: readonly DatabaseInfo[]): Promise<void> {
    for (const database of databases) {
      if (database.migrations) this.migrations.set(database.name, join(this.workspaceRoot, database.migrations));
    }
    const missing = databases.filter((d) => !this.running.some((r) => r.name === d.name));
    if (missing.length === 0) return;
    const root = join(this.workspaceRoot, DATA_FOLDER);
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, '.gitignore'), '# Written by nx serve: the data of embedded databases, never committed.\n*\n');
    const started = await Promise.allSettled(missing.map((database) => this.startOne(database.name)));
    for (const result of started) if (result.status === 'fulfilled') this.running.push(result.value);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async startOne(name: string): Promise<ServedDatabase> {
    const given = process.env[databaseUrlVariable(name)];
    if (given) return { name, url: given, stop: async () => undefined };
    const dataDir = join(this.workspaceRoot, DATA_FOLDER, 'databases', this.appName, name);
    try {
      const embedded = await this.startEmbedded({ name, dataDir, fresh: this.fresh, host: this.host });
      return { name, url: embedded.url, dataDir, stop: () => embedded.stop() };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Cannot start the embedded database "${name}" (${relative(this.workspaceRoot, dataDir)}): ${reason}\n` +
          `  Set ${databaseUrlVariable(name)} to a Postgres connection string to use a server instead, or run with --fresh-databases to start it empty.`,
        { cause: error },
      );
    }
  }

  /** The environment of a process hosting `services`: the connection string and migrations folder of each database they use. */
  environmentOf(services: readonly ServiceInfo[]): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of new Set(services.flatMap((service) => service.databases.map((d) => d.name)))) {
      const database = this.running.find((d) => d.name === name);
      if (database) env[databaseUrlVariable(name)] = database.url;
      const migrations = this.migrations.get(name);
      if (migrations) env[migrationsVariable(name)] = migrations;
    }
    return env;
  }

  /** What the session prints: where each database listens, and where its data is. */
  describe(): string {
    if (this.running.length === 0) return '';
    const lines = this.running.map((d) =>
      d.dataDir ? `  ${d.name}: ${d.url} (embedded, data in ${relative(this.workspaceRoot, d.dataDir)})` : `  ${d.name}: from ${databaseUrlVariable(d.name)}`,
    );
    return `Databases:\n${lines.join('\n')}`;
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = [];
    await Promise.allSettled(running.map((d) => d.stop()));
  }
}

/** `@topo/runtime/embedded`, loaded only when an app has a database to embed. */
const defaultStartEmbedded: StartEmbedded = async (options) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startEmbeddedDatabase } = require('@topo/runtime/embedded') as typeof import('@topo/runtime/embedded');
  return startEmbeddedDatabase(options);
};
