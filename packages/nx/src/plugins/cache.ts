import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { CachedFileFacts, FileFactsCache } from '../analysis';
import { inputsUnchanged, type RecordedInputs } from './inputs';

// Plain JSON through node:fs, not @nx/devkit's readers: loading the devkit costs a plugin
// worker about 200 ms at start, and its JSON reader (comments allowed) is slower.

/** Bumped whenever what the plugin caches changes shape, so old caches are ignored. */
const CACHE_VERSION = 5;

/**
 * Where Nx keeps per-workspace data such as plugin caches (`.nx/workspace-data` unless
 * NX_WORKSPACE_DATA_DIRECTORY says otherwise), for the workspace the plugin is asked
 * about rather than the one this process started in.
 */
export function workspaceDataDirectory(workspaceRoot: string): string {
  const configured = process.env.NX_WORKSPACE_DATA_DIRECTORY ?? process.env.NX_PROJECT_GRAPH_CACHE_DIRECTORY;
  if (!configured) return join(workspaceRoot, '.nx', 'workspace-data');
  return isAbsolute(configured) ? configured : join(workspaceRoot, configured);
}

/** What the plugin keeps between runs. */
export interface PluginCache {
  version: number;
  /** Parsed facts per file, reused while the file's content hash is unchanged. */
  facts: Record<string, CachedFileFacts>;
}

/** Reads a cache file; empty when missing, unreadable, stale or disabled (NX_CACHE_PROJECT_GRAPH=false). */
export function readPluginCache(path: string): { facts: FileFactsCache } {
  if (process.env.NX_CACHE_PROJECT_GRAPH !== 'false' && existsSync(path)) {
    try {
      const cache = JSON.parse(readFileSync(path, 'utf-8')) as PluginCache;
      if (cache.version === CACHE_VERSION) return { facts: new Map(Object.entries(cache.facts)) };
    } catch {
      // A broken cache is no cache.
    }
  }
  return { facts: new Map() };
}

/**
 * Writes a cache file atomically, so a concurrent reader never sees half of it. Only the
 * facts of `files` are kept, so files that were deleted or left the analysis drop out.
 */
export function writePluginCache(path: string, facts: FileFactsCache, files: ReadonlySet<string>): void {
  const kept = Object.fromEntries([...facts].filter(([file]) => files.has(file)));
  writeAtomically(path, { version: CACHE_VERSION, facts: kept } satisfies PluginCache);
}

/**
 * A whole result of the plugin, kept with what it was computed from: `key` (the arguments
 * and whatever Nx hashed for us) and `inputs` (what was read from the disk).
 */
export interface CachedResult<T> {
  version: number;
  key: string;
  inputs: RecordedInputs;
  value: T;
}

/**
 * The result kept at `path` when it was computed for `key` and nothing it read has changed
 * since; otherwise undefined (and always when NX_CACHE_PROJECT_GRAPH=false).
 */
export function readCachedResult<T>(path: string, key: string, workspaceRoot: string): T | undefined {
  if (process.env.NX_CACHE_PROJECT_GRAPH === 'false' || !existsSync(path)) return undefined;
  try {
    const cached = JSON.parse(readFileSync(path, 'utf-8')) as CachedResult<T>;
    if (cached.version !== CACHE_VERSION || cached.key !== key) return undefined;
    return inputsUnchanged(workspaceRoot, cached.inputs) ? cached.value : undefined;
  } catch {
    // A broken cache is no cache.
    return undefined;
  }
}

/** Keeps a whole result for {@link readCachedResult}, written atomically. */
export function writeCachedResult<T>(path: string, key: string, inputs: RecordedInputs, value: T): void {
  writeAtomically(path, { version: CACHE_VERSION, key, inputs, value } satisfies CachedResult<T>);
}

function writeAtomically(path: string, value: object): void {
  const temporary = `${path}.${process.pid}.${Math.random().toString(16).slice(2, 10)}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, JSON.stringify(value));
    renameSync(temporary, path);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was written.
    }
  }
}
