import type * as Devkit from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

/**
 * Where the analysis reads the workspace from: the disk (graph plugin, executors) or an
 * Nx `Tree` (generators, so that they see their own pending changes). Paths are
 * workspace-relative and posix.
 */
export interface SourceHost {
  /** The workspace root on disk, absolute: where packages and tsconfig `extends` resolve from. */
  readonly root: string;
  /** The file's text, or `undefined` when there is no such file. */
  read(file: string): string | undefined;
  /** Whether `file` is a file. */
  isFile(file: string): boolean;
  /** Every file below `dir` ('' for the whole workspace), outside ignored folders. */
  list(dir?: string): string[];
}

/**
 * Folders that never hold the workspace's service code: installed packages, build output,
 * and test fixtures, which are workspaces of their own (Nx workspaces keep them out of
 * the graph with .nxignore; a walk of the disk has to skip them itself).
 */
const IGNORED_FOLDERS = new Set(['node_modules', 'dist', 'tmp', 'out-tsc', 'coverage', '__fixtures__']);

/** Whether a path runs through a folder the analysis never reads (node_modules, dist, dot folders...). */
export function isIgnoredPath(file: string): boolean {
  const segments = file.split('/');
  segments.pop();
  return segments.some((segment) => IGNORED_FOLDERS.has(segment) || segment.startsWith('.'));
}

/** Reads the workspace at `workspaceRoot` from the disk. */
export function diskHost(workspaceRoot: string): SourceHost {
  return {
    root: workspaceRoot,
    read(file) {
      try {
        return readFileSync(join(workspaceRoot, file), 'utf-8');
      } catch {
        return undefined;
      }
    },
    isFile(file) {
      return statSync(join(workspaceRoot, file), { throwIfNoEntry: false })?.isFile() ?? false;
    },
    list(dir = '') {
      const files: string[] = [];
      walk(workspaceRoot, dir, files);
      return files;
    },
  };
}

function walk(workspaceRoot: string, dir: string, files: string[]): void {
  let entries;
  try {
    entries = readdirSync(join(workspaceRoot, dir), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = dir ? posix.join(dir, entry.name) : entry.name;
    if (entry.isDirectory()) {
      if (!IGNORED_FOLDERS.has(entry.name) && !entry.name.startsWith('.')) walk(workspaceRoot, path, files);
    } else if (entry.isFile()) {
      files.push(path);
    }
  }
}

/** Reads the workspace through an Nx `Tree`, pending changes included. */
export function treeHost(tree: Tree): SourceHost {
  return {
    root: tree.root,
    read(file) {
      return tree.isFile(file) ? (tree.read(file, 'utf-8') ?? undefined) : undefined;
    },
    isFile(file) {
      return tree.isFile(file);
    },
    list(dir = '') {
      const files: string[] = [];
      // Loaded here, for generators only: the graph plugin reads the disk and should not pay for the devkit.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('@nx/devkit') as typeof Devkit).visitNotIgnoredFiles(tree, dir, (file) => {
        const path = file.replace(/^\.?\//, '');
        if (!isIgnoredPath(path)) files.push(path);
      });
      return files;
    },
  };
}
