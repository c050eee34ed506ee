import { posix } from 'node:path';
import type * as TS from 'typescript';
import type { SourceHost } from './files';
import { createModuleResolver } from './resolve';
import { typescript } from './typescript';

/** A TypeScript program over some workspace files, read through a `SourceHost`. */
export interface HostProgram {
  program: TS.Program;
  checker: TS.TypeChecker;
  /** The parsed file at a workspace-relative path, if it is one of the program's files. */
  sourceFile(file: string): TS.SourceFile | undefined;
  /** The workspace-relative path of a program file. */
  fileOf(sourceFile: TS.SourceFile): string;
}

/**
 * Builds a program over exactly `files` (workspace-relative), read through `host`, so that
 * a generator's checker sees the Tree with its pending changes. It is made for resolving
 * names, not for reporting type errors: no default library, no packages, and an import
 * resolves only when it names one of `files` (relative specifiers and the root tsconfig's
 * `paths`, as `createModuleResolver` reads them). Whatever else a file imports stays
 * unresolved, which keeps the program as small as the question asked of it.
 *
 * @example
 * const { checker, sourceFile } = createHostProgram(treeHost(tree), ['apps/api/services/hello/hello.ts']);
 */
export function createHostProgram(host: SourceHost, files: readonly string[]): HostProgram {
  const ts = typescript();
  // A fixed virtual root: the program never touches the disk, and its paths stay posix.
  const root = '/__topo__';
  const absolute = (file: string) => posix.join(root, file);
  const relative = (path: string) => posix.relative(root, path.replace(/\\/g, '/'));
  const members = new Set(files);
  const resolver = createModuleResolver(host);
  const options: TS.CompilerOptions = {
    noLib: true,
    noEmit: true,
    types: [],
    allowJs: false,
    jsx: ts.JsxEmit.Preserve,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
  };
  const parsed = new Map<string, TS.SourceFile | undefined>();
  const compilerHost: TS.CompilerHost = {
    getSourceFile(fileName, languageVersion) {
      const file = relative(fileName);
      if (!parsed.has(file)) {
        const text = host.read(file);
        const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
        parsed.set(file, text === undefined ? undefined : ts.createSourceFile(fileName, text, languageVersion, true, kind));
      }
      return parsed.get(file);
    },
    getDefaultLibFileName: () => absolute('__no_lib__.d.ts'),
    writeFile: () => undefined,
    getCurrentDirectory: () => root,
    getCanonicalFileName: (fileName) => fileName,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (fileName) => members.has(relative(fileName)),
    readFile: (fileName) => host.read(relative(fileName)),
    resolveModuleNameLiterals(literals, containingFile) {
      return literals.map((literal) => {
        const target = resolver.resolve(relative(containingFile), literal.text);
        if (!target || !members.has(target)) return { resolvedModule: undefined };
        const extension = target.endsWith('.tsx') ? ts.Extension.Tsx : ts.Extension.Ts;
        return { resolvedModule: { resolvedFileName: absolute(target), extension, isExternalLibraryImport: false } };
      });
    },
  };
  const program = ts.createProgram({ rootNames: files.map(absolute), options, host: compilerHost });
  return {
    program,
    checker: program.getTypeChecker(),
    sourceFile: (file) => program.getSourceFile(absolute(file)),
    fileOf: (sourceFile) => relative(sourceFile.fileName),
  };
}
