import { addProjectConfiguration, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import type * as TS from 'typescript';
import type { NormalizedSplitOptions } from './normalize-options';
import type { SplitPlan } from './plan-split';
import { moduleSpecifier } from './render-module';
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
  updateIndex(tree, plan.render.typescript, posix.join(library.root, 'index.ts'), written, options.importExtension);
}

/** `export * from './hello/greetings';` for each module, unless the index has it already. */
function updateIndex(tree: Tree, ts: typeof TS, index: string, modules: readonly string[], importExtension: '' | '.js'): void {
  const existing = tree.exists(index) ? (tree.read(index, 'utf-8') ?? '') : '';
  const present = new Set<string>();
  const sourceFile = ts.createSourceFile(index, existing, ts.ScriptTarget.Latest, true);
  for (const statement of sourceFile.statements) {
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      present.add(statement.moduleSpecifier.text);
    }
  }
  const lines = [...new Set(modules)]
    .sort()
    .map((module) => moduleSpecifier(index, module, importExtension))
    .filter((specifier) => !present.has(specifier))
    .map((specifier) => `export * from '${specifier}';`);
  if (lines.length === 0) return;
  const head = existing.trimEnd();
  const header = existing ? '' : `// What the services of this app share: written by \`nx g @topo/nx:split-service\`.\n`;
  tree.write(index, `${header}${head ? `${head}\n` : ''}${lines.join('\n')}\n`);
}
