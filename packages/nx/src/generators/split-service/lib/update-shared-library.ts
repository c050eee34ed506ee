import { addProjectConfiguration, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { readModuleSyntax } from '../../../analysis';
import type { NormalizedSplitOptions } from './normalize-options';
import type { SplitPlan } from './plan-split';
import { moduleSpecifier } from '../../utils/specifiers';
import { writeModule } from './write-module';

/** The tag that marks the shared library of an app, so that later splits find and reuse it. */
export const SHARED_TAG = 'topo:shared';

/**
 * Writes what both services still use to the app's shared library: one module per source
 * file the declarations came from (`shared/hello/greetings.ts`), re-exported from its
 * index. The library is created on first need, as a nested Nx project in the app's folder,
 * and reused by later splits.
 */
export function updateSharedLibrary(tree: Tree, options: NormalizedSplitOptions, plan: SplitPlan): void {
  const library = plan.sharedLibrary;
  if (!library) return;
  if (!library.exists) {
    addProjectConfiguration(tree, library.name, {
      root: library.root,
      sourceRoot: library.root,
      projectType: 'library',
      tags: [SHARED_TAG],
      targets: {},
    });
  }
  const written: string[] = [];
  for (const module of plan.modules) {
    if (module.owner !== 'shared') continue;
    writeModule(tree, plan, module);
    written.push(module.path);
  }
  updateIndex(tree, posix.join(library.root, 'index.ts'), written, options.importExtension);
}

/**
 * `export * from './hello/greetings';` for each module, unless the index has it already or
 * it would export a name another module of the index exports (TypeScript refuses an
 * ambiguous `export *`; the services import the modules themselves anyway).
 */
function updateIndex(tree: Tree, index: string, modules: readonly string[], importExtension: '' | '.js'): void {
  const existing = tree.exists(index) ? (tree.read(index, 'utf-8') ?? '') : '';
  const present = new Set<string>();
  const exported = new Set<string>();
  const exportsOf = (file: string) => readModuleSyntax(file, tree.read(file, 'utf-8') ?? '').exports;
  for (const specifier of readModuleSyntax(index, existing).specifiers) {
    if (specifier.kind !== 'export') continue;
    present.add(specifier.text);
    const target = modulePath(tree, index, specifier.text);
    if (target) for (const name of exportsOf(target)) exported.add(name);
  }
  const lines: string[] = [];
  for (const module of [...new Set(modules)].sort()) {
    const specifier = moduleSpecifier(index, module, importExtension);
    if (present.has(specifier)) continue;
    const names = exportsOf(module);
    if (names.some((name) => exported.has(name))) continue;
    for (const name of names) exported.add(name);
    lines.push(`export * from '${specifier}';`);
  }
  if (lines.length === 0) return;
  const head = existing.trimEnd();
  const header = existing ? '' : `// What the services of this app share: written by \`nx g @topo/nx:split-service\`.\n`;
  tree.write(index, `${header}${head ? `${head}\n` : ''}${lines.join('\n')}\n`);
}

/** The workspace file a relative specifier of `from` names (`.ts`, `.js` written for `.ts`, or an index). */
function modulePath(tree: Tree, from: string, specifier: string): string | undefined {
  const base = posix.join(posix.dirname(from), specifier).replace(/\.js$/, '');
  return [`${base}.ts`, `${base}/index.ts`].find((candidate) => tree.exists(candidate));
}
