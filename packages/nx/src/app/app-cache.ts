import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { diskHost, type SourceHost } from '../analysis';

/**
 * What a loaded app was computed from: every workspace file the analysis read (by content
 * hash) or asked about, every folder it listed, and every installed file (TypeScript's
 * libraries, packages' declarations) the schema program read or probed (by size and time).
 */
interface AppInputs {
  reads: Record<string, string | null>;
  isFile: Record<string, boolean>;
  lists: Record<string, string>;
  installed: Record<string, string>;
}

interface CacheEntry {
  /** The analysis code that wrote it: a new version of the plugin reads nothing older. */
  code: string;
  inputs: AppInputs;
  value: unknown;
}

/** The work a cached computation does, reading the workspace only through `host`. */
export type CachedWork<T> = (host: SourceHost, onInstalledPath: (path: string) => void) => T;

/**
 * Runs `work` once per state of its inputs, across processes: the result is kept in
 * `node_modules/.cache/topo/app/`, with the hash of every file `work` read, and served again
 * only while each of those files (and each folder listing, and each installed file's size
 * and time) is as it was. `work` must read the workspace through the host it is given and
 * report installed paths, so that nothing it depends on goes unrecorded; what it throws is
 * never cached.
 *
 * @example
 * const app = cachedByInputs(root, { app: 'demo', topology: 'micro' }, (host, onInstalledPath) => analyze(host, onInstalledPath), toJson, fromJson);
 */
export function cachedByInputs<T>(
  workspaceRoot: string,
  key: Record<string, unknown>,
  work: CachedWork<T>,
  serialize: (value: T) => unknown,
  deserialize: (json: unknown) => T,
): T {
  const file = join(cacheFolder(workspaceRoot), `${hash(JSON.stringify(key)).slice(0, 24)}.json`);
  const disk = diskHost(workspaceRoot);
  const code = codeVersion();
  const entry = readEntry(file);
  if (entry && entry.code === code && inputsUnchanged(disk, entry.inputs)) return deserialize(entry.value);

  const inputs: AppInputs = { reads: {}, isFile: {}, lists: {}, installed: {} };
  const installed = new Set<string>();
  const value = work(recordingHost(disk, inputs), (path) => installed.add(path));
  for (const path of installed) inputs.installed[path] = installedState(path);
  writeEntry(file, { code, inputs, value: serialize(value) });
  return value;
}

/** Where the cache lives: delete the folder to clear it. */
export function cacheFolder(workspaceRoot: string): string {
  return join(workspaceRoot, 'node_modules', '.cache', 'topo', 'app');
}

function recordingHost(host: SourceHost, inputs: AppInputs): SourceHost {
  return {
    root: host.root,
    read(file) {
      const text = host.read(file);
      inputs.reads[file] = text === undefined ? null : hash(text);
      return text;
    },
    isFile(file) {
      const answer = host.isFile(file);
      inputs.isFile[file] = answer;
      return answer;
    },
    list(dir = '') {
      const files = host.list(dir);
      inputs.lists[dir] = hash(files.join('\n'));
      return files;
    },
  };
}

function inputsUnchanged(host: SourceHost, inputs: AppInputs): boolean {
  for (const [dir, listed] of Object.entries(inputs.lists)) if (hash(host.list(dir).join('\n')) !== listed) return false;
  for (const [file, answer] of Object.entries(inputs.isFile)) if (host.isFile(file) !== answer) return false;
  for (const [file, read] of Object.entries(inputs.reads)) {
    const text = host.read(file);
    if ((text === undefined ? null : hash(text)) !== read) return false;
  }
  for (const [path, state] of Object.entries(inputs.installed)) if (installedState(path) !== state) return false;
  return true;
}

/** An installed file's size and modification time; installs rewrite what they change. */
function installedState(path: string): string {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 'none';
  return stats.isDirectory() ? 'folder' : `${stats.size}:${stats.mtimeMs}`;
}

let code: string | undefined;

/**
 * The hash of the code whose output is cached (the analysis, the app loading, the catalog,
 * the runtime's contract), and of TypeScript's version: a cache written by other code is stale.
 */
function codeVersion(): string {
  if (code !== undefined) return code;
  const digest = createHash('sha256');
  const folders = [join(__dirname, '..', 'analysis'), __dirname, join(__dirname, '..', 'catalog'), dirname(require.resolve('@topo/runtime/contract'))];
  for (const folder of folders) {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isFile() || !/\.(js|ts)$/.test(entry.name)) continue;
      digest.update(entry.name).update('\0').update(readFileSync(join(folder, entry.name))).update('\0');
    }
  }
  digest.update(readFileSync(require.resolve('typescript/package.json')));
  return (code = digest.digest('hex'));
}

function readEntry(file: string): CacheEntry | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
  } catch {
    return undefined;
  }
}

function writeEntry(file: string, entry: CacheEntry): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    // Another process may read the entry while this one writes it: it sees the old or the new, whole.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(entry));
    renameSync(partial, file);
  } catch {
    // A cache that cannot be written (read-only node_modules) only costs the next run its time.
  }
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
