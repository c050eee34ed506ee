import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { diskHost, type SourceHost } from '../analysis';

/**
 * What one run of the plugin read from the disk: each file or folder it looked at, by a
 * signature of its stat, and each listing it made, by a hash of the names. While every one
 * of them is unchanged, the run's result is too.
 */
export interface RecordedInputs {
  /** Path, workspace-relative ('' for the root) or absolute → {@link signature} ('' when absent). */
  paths: Record<string, string>;
  /** Folder listed ('' for the whole workspace) → hash of the files listed. */
  lists: Record<string, string>;
  /** Names looked for in folders, and which of them each folder ('.' for the root) held. */
  lookups: { names: string[]; found: Record<string, string[]> };
}

/**
 * A disk host that records what it is asked, so the plugin can tell later, by a stat per
 * file instead of a read, whether anything its result came from has changed.
 *
 * @example
 * const { host, note, inputs } = recordingHost(workspaceRoot);
 * analyzeWorkspace(workspaceRoot, { host });
 * writeResult({ inputs: inputs(), ... });
 */
export function recordingHost(
  workspaceRoot: string,
  lookupNames: readonly string[] = [],
): {
  host: SourceHost;
  note(path: string): void;
  noteLookup(folder: string): void;
  inputs(): RecordedInputs;
} {
  const disk = diskHost(workspaceRoot);
  const paths = new Map<string, string>();
  const lists = new Map<string, string>();
  const found = new Map<string, string[]>();
  // The stat comes before the read: a change after it shows as a new signature next time.
  const note = (path: string) => {
    if (!paths.has(path)) paths.set(path, signature(workspaceRoot, path));
  };
  const host: SourceHost = {
    root: workspaceRoot,
    read(file) {
      note(file);
      return disk.read(file);
    },
    isFile(file) {
      note(file);
      return disk.isFile(file);
    },
    list(dir = '') {
      const files = disk.list(dir);
      if (!lists.has(dir)) lists.set(dir, listHash(files));
      return files;
    },
  };
  // Which of `lookupNames` a folder holds: one listing, where a stat per name, mostly absent, costs more.
  const noteLookup = (folder: string) => {
    if (!found.has(folder)) found.set(folder, namesIn(workspaceRoot, folder, lookupNames));
  };
  return {
    host,
    note,
    noteLookup,
    inputs: () => ({
      paths: Object.fromEntries(paths),
      lists: Object.fromEntries(lists),
      lookups: { names: [...lookupNames], found: Object.fromEntries(found) },
    }),
  };
}

/** Whether every file, folder and listing of `inputs` is as it was when they were recorded. */
export function inputsUnchanged(workspaceRoot: string, inputs: RecordedInputs): boolean {
  for (const [path, recorded] of Object.entries(inputs.paths)) {
    if (signature(workspaceRoot, path) !== recorded) return false;
  }
  const disk = diskHost(workspaceRoot);
  for (const [dir, recorded] of Object.entries(inputs.lists)) {
    if (listHash(disk.list(dir)) !== recorded) return false;
  }
  for (const [folder, recorded] of Object.entries(inputs.lookups.found)) {
    if (namesIn(workspaceRoot, folder, inputs.lookups.names).join('\0') !== recorded.join('\0')) return false;
  }
  return true;
}

/**
 * Size, modification time in nanoseconds, and inode: an edit, a replacement by rename, or
 * (for a folder) an entry added or removed changes it. '' when nothing is there.
 */
export function signature(workspaceRoot: string, path: string): string {
  const stat = statSync(resolve(workspaceRoot, path), { bigint: true, throwIfNoEntry: false });
  if (!stat) return '';
  return `${stat.isDirectory() ? 'd' : 'f'}:${stat.size}:${stat.mtimeNs}:${stat.ino}`;
}

function namesIn(workspaceRoot: string, folder: string, names: readonly string[]): string[] {
  try {
    const present = new Set(readdirSync(resolve(workspaceRoot, folder)));
    return names.filter((name) => present.has(name));
  } catch {
    return [];
  }
}

function listHash(files: readonly string[]): string {
  return createHash('sha1').update(files.join('\n')).digest('base64');
}

let code: string | undefined;

/**
 * A signature of the plugin's own code as this process loaded it (the modules of @topo/nx
 * and @topo/runtime in Node's module cache): a result kept by another build of the plugin,
 * after an upgrade or while the plugin itself is being worked on, is not reused.
 */
export function codeSignature(): string {
  if (code === undefined) {
    const roots = [resolve(__dirname, '..', '..'), runtimeRoot()].filter((root): root is string => root !== undefined).map((root) => root + sep);
    const loaded = Object.keys(require.cache)
      .filter((file) => roots.some((root) => file.startsWith(root)) && !file.includes(`${sep}node_modules${sep}`))
      .sort();
    code = createHash('sha1')
      .update(loaded.map((file) => `${file}\0${signature('', file)}`).join('\n'))
      .digest('base64');
  }
  return code;
}

function runtimeRoot(): string | undefined {
  try {
    return dirname(require.resolve('@topo/runtime/package.json'));
  } catch {
    return undefined;
  }
}
