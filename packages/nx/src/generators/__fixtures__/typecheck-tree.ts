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
 * Source files parsed by earlier typechecks in this test file, by path and parse settings:
 * the libraries every check reads (TypeScript's lib files, @types/node and @types/jest, the
 * runtime's declarations: some 170 files) are parsed once instead of once per check, about
 * a second each time. A file is reused only while its text is the same, as TypeScript's own
 * document registry does for its language service.
 */
const parsed = new Map<string, ts.SourceFile>();

/** A compiler host that parses the files below `root` (the generator's) afresh, and takes the others from {@link parsed}. */
function cachingHost(options: ts.CompilerOptions, root: string): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const parse = host.getSourceFile;
  host.getSourceFile = (fileName, languageVersionOrOptions, onError) => {
    const text = fileName.startsWith(`${root}/`) ? undefined : host.readFile(fileName);
    if (text === undefined) return parse.call(host, fileName, languageVersionOrOptions, onError);
    const settings = typeof languageVersionOrOptions === 'object' ? [languageVersionOrOptions.languageVersion, languageVersionOrOptions.impliedNodeFormat] : [languageVersionOrOptions];
    const key = `${fileName}|${settings.join(',')}`;
    const cached = parsed.get(key);
    if (cached?.text === text) return cached;
    const sourceFile = ts.createSourceFile(fileName, text, languageVersionOrOptions);
    parsed.set(key, sourceFile);
    return sourceFile;
  };
  return host;
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
    const compilerOptions: ts.CompilerOptions = {
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
    };
    const program = ts.createProgram(files, compilerOptions, cachingHost(compilerOptions, root));
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
