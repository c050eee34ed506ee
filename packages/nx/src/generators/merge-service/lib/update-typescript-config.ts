import { readJson, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { removeJsonArrayElement } from '../../utils/json-edits';
import type { NormalizedMergeOptions } from './normalize-options';

/**
 * The apps' TypeScript configuration forgets the folders the merge removed (the merged
 * service, a shared library left empty): an `include` entry that names one of them alone
 * (`services/yo/**\/*.ts`, as the split adds it for an app that lists its folders) goes,
 * and only that entry changes.
 *
 * @example
 * forgetFolders(tree, options, ['apps/api/services/yo']); // "include": ["services/hello/**\/*.ts"]
 */
export function forgetFolders(tree: Tree, options: NormalizedMergeOptions, folders: readonly string[]): void {
  for (const app of options.apps) {
    for (const child of tree.exists(app.root) ? tree.children(app.root) : []) {
      if (!/^tsconfig(\.(app|lib))?\.json$/.test(child)) continue;
      const file = posix.join(app.root, child);
      const include: unknown = readJson(tree, file).include;
      if (!Array.isArray(include)) continue;
      const gone = new Set(folders.map((folder) => posix.relative(app.root, folder)).filter((relative) => relative && !relative.startsWith('..')));
      const forgotten = include
        .map((pattern, index) => ({ pattern, index }))
        .filter(({ pattern }) => typeof pattern === 'string' && gone.has(folderOf(pattern)));
      // Keep at least one entry: an empty include would take no file at all.
      if (forgotten.length === 0 || forgotten.length === include.length) continue;
      let text = tree.read(file, 'utf-8')!;
      for (const { index } of forgotten.reverse()) text = removeJsonArrayElement(text, ['include', index]);
      tree.write(file, text);
    }
  }
}

/** The folder a pattern takes alone: `services/yo` for `services/yo/**\/*.ts`, `./services/yo/**` or `services/yo`. */
function folderOf(pattern: string): string {
  const segments = posix.normalize(pattern.replace(/^\.\//, '')).split('/').filter(Boolean);
  while (segments.length && (segments.at(-1)!.includes('*') || segments.at(-1)!.includes('.'))) segments.pop();
  return segments.join('/');
}
