import { readJson, type Tree } from '@nx/devkit';
import { insertIntoJsonArray } from '../../utils/json-edits';
import { posix } from 'node:path';
import type { NormalizedSplitOptions } from './normalize-options';
import type { SplitPlan } from './plan-split';

/**
 * Makes the app's TypeScript configuration take in the new folders: the new service and
 * the shared library are inside the app's folder, but an app whose tsconfig includes only
 * some of its folders (`services/**\/*.ts`) would leave them out, and a composite project
 * refuses to compile a file it does not list.
 */
export function updateTypescriptConfig(tree: Tree, options: NormalizedSplitOptions, plan: SplitPlan): void {
  const folders = [options.directory, ...(plan.sharedLibrary ? [plan.sharedLibrary.root] : [])];
  for (const app of options.apps) {
    for (const child of tree.children(app.root)) {
      if (!/^tsconfig(\.(app|lib))?\.json$/.test(child)) continue;
      const file = posix.join(app.root, child);
      const include: unknown = readJson(tree, file).include;
      if (!Array.isArray(include) || include.length === 0) continue;
      const patterns = include.filter((p): p is string => typeof p === 'string');
      const missing = folders
        .filter((folder) => posix.relative(app.root, folder) && !posix.relative(app.root, folder).startsWith('..'))
        .filter((folder) => !patterns.some((pattern) => globMatches(pattern, posix.relative(app.root, posix.join(folder, 'x.ts')))))
        .map((folder) => `${posix.relative(app.root, folder)}/**/*.ts`);
      if (missing.length === 0) continue;
      let text = tree.read(file, 'utf-8')!;
      for (const pattern of missing) text = insertIntoJsonArray(text, ['include'], pattern);
      tree.write(file, text);
    }
  }
}

/** Whether a tsconfig `include` pattern (`**`, `*`, or a folder) takes `path`; both relative to the tsconfig. */
export function globMatches(pattern: string, path: string): boolean {
  const wanted = posix.normalize(pattern.replace(/^\.\//, '')).split('/').filter(Boolean);
  const segments = path.split('/');
  const last = wanted[wanted.length - 1] ?? '';
  // A pattern without a wildcard or an extension names a folder: everything below it.
  if (!last.includes('*') && !last.includes('.')) wanted.push('**', '*');
  const match = (i: number, j: number): boolean => {
    if (i === wanted.length) return j === segments.length;
    if (wanted[i] === '**') return match(i + 1, j) || (j < segments.length && match(i, j + 1));
    return j < segments.length && segmentMatches(wanted[i], segments[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

function segmentMatches(pattern: string, segment: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === segment;
  if (!segment.startsWith(parts[0]) || !segment.endsWith(parts[parts.length - 1])) return false;
  let at = parts[0].length;
  for (const part of parts.slice(1, -1)) {
    const found = segment.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return at <= segment.length - parts[parts.length - 1].length;
}
