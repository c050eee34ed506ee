import type { Tree } from '@nx/devkit';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';

const RUNTIME = join(__dirname, '..', '..', '..', '..', 'runtime');
const TYPES = join(__dirname, '..', '..', '..', '..', '..', 'node_modules', '@types');

/** Where `@topo/runtime` resolves for the generated code: its build if there is one, else its source. */
export function runtimeEntry(): string {
  const built = join(RUNTIME, 'dist', 'index.d.ts');
  return existsSync(built) ? built : join(RUNTIME, 'src', 'index.ts');
}

/**
 * Type-checks the .ts files a generator wrote, as the workspace would with `@topo/runtime`
 * installed: writes the tree's files to a temporary folder and runs the compiler over
 * them. Returns the diagnostics, formatted; none means the code typechecks.
 */
export function typecheckTree(tree: Tree, options: { module?: 'commonjs' | 'nodenext' } = {}): string[] {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'topo-typecheck-')));
  try {
    const files: string[] = [];
    for (const change of tree.listChanges()) {
      if (change.type === 'DELETE' || !change.content) continue;
      const path = join(root, change.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, change.content);
      if (change.path.endsWith('.ts')) files.push(path);
    }
    const nodenext = options.module === 'nodenext';
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      noUnusedLocals: true,
      noImplicitReturns: true,
      isolatedModules: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: nodenext ? ts.ModuleKind.NodeNext : ts.ModuleKind.CommonJS,
      moduleResolution: nodenext ? ts.ModuleResolutionKind.NodeNext : ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      types: ['node', 'jest'],
      typeRoots: [TYPES],
      baseUrl: root,
      paths: { '@topo/runtime': [runtimeEntry()] },
    });
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      if (!diagnostic.file || diagnostic.start === undefined) return message;
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      return `${diagnostic.file.fileName.slice(root.length + 1)}:${line + 1}: ${message}`;
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
