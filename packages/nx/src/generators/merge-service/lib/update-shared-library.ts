import { readJson, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { createModuleResolver, readModuleSyntax, treeHost } from '../../../analysis';
import { removeJsonArrayElement } from '../../utils/json-edits';
import { applyTextEdits, type TextEdit } from '../../utils/text-edits';
import type { MergePlan } from './plan-merge';

/** What a library keeps and still is one: its index and its project configuration only make none. */
const LIBRARY_FRAME = new Set(['index.ts', 'project.json']);

/**
 * The shared libraries after what came back left them: the index no longer re-exports those
 * modules, a folder they emptied goes, and a library left with nothing but its index and
 * project.json goes, with the project references to it (so `nx sync:check` passes). Returns
 * the libraries removed. Deletes what came back itself, after reading the index, so that
 * the index's specifiers still resolve.
 *
 * @example
 * updateSharedLibraries(tree, plan); // apps/guide/shared/index.ts loses `export * from './hello/hello';`
 */
export function updateSharedLibraries(tree: Tree, plan: MergePlan): string[] {
  const resolver = createModuleResolver(treeHost(tree));
  const removed: string[] = [];
  for (const library of plan.shared) {
    const index = posix.join(library.root, 'index.ts');
    if (tree.exists(index)) {
      const text = tree.read(index, 'utf-8') ?? '';
      const module = readModuleSyntax(index, text);
      const edits: TextEdit[] = [];
      for (const specifier of module.specifiers) {
        const target = specifier.kind === 'export' ? resolver.resolve(index, specifier.text) : undefined;
        if (target === undefined || !library.modules.has(target)) continue;
        const statement = specifier.literal.parent;
        const end = text[statement.end] === '\n' ? statement.end + 1 : statement.end;
        edits.push({ start: statement.getStart(module.sourceFile), end, text: '' });
      }
      if (edits.length) tree.write(index, applyTextEdits(text, edits));
    }
    for (const file of library.modules.keys()) tree.delete(file);
    for (const folder of new Set([...library.modules.keys()].map((file) => posix.dirname(file)))) deleteIfEmpty(tree, folder, library.root);
    if (tree.children(library.root).every((child) => LIBRARY_FRAME.has(child) && tree.isFile(posix.join(library.root, child)))) {
      tree.delete(library.root);
      forgetReferences(tree, library.root);
      removed.push(library.root);
    }
  }
  return removed;
}

/** Deletes `folder` and the folders above it, up to `root` (excluded), while they hold nothing. */
function deleteIfEmpty(tree: Tree, folder: string, root: string): void {
  for (let dir = folder; dir !== root && dir.startsWith(`${root}/`); dir = posix.dirname(dir)) {
    if (tree.children(dir).length > 0) return;
    tree.delete(dir);
  }
}

/** Project references to `root` in the workspace's tsconfig files go; only those elements change. */
function forgetReferences(tree: Tree, root: string): void {
  const configs = treeHost(tree)
    .list()
    .filter((file) => /^tsconfig(\..+)?\.json$/.test(posix.basename(file)));
  for (const config of configs) {
    const references: { path: string }[] | undefined = readJson(tree, config).references;
    if (!Array.isArray(references)) continue;
    const folder = posix.dirname(config);
    const pointsTo = (reference: { path: string }) => posix.normalize(posix.join(folder, reference.path)).replace(/\/tsconfig(\..+)?\.json$/, '') === root;
    const stale = references.map((reference, index) => ({ reference, index })).filter(({ reference }) => pointsTo(reference));
    if (stale.length === 0) continue;
    let text = tree.read(config, 'utf-8')!;
    for (const { index } of stale.reverse()) text = removeJsonArrayElement(text, ['references', index]);
    tree.write(config, text);
  }
}
