import path from 'node:path';
import ts from 'typescript';
import { buildRuntime } from './__fixtures__/child';

/**
 * Type-level behaviour: the typed client, endpoints as functions, and the package's entry
 * points as consumers resolve them. Compiles fixtures with the TypeScript compiler; an
 * unmet @ts-expect-error is itself an error, so refusals are checked too.
 */

const FIXTURES = path.join(__dirname, '__fixtures__', 'types');

function diagnostics(file: string, options: ts.CompilerOptions = {}): string[] {
  const program = ts.createProgram([path.join(FIXTURES, file)], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    ...options,
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file ? `${path.basename(diagnostic.file.fileName)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

describe('types', () => {
  it('type the client from the endpoint module: typed endpoints only, requests and responses checked', () => {
    expect(diagnostics('client-usage.ts')).toEqual([]);
  }, 60_000);

  describe('package entry points', () => {
    beforeAll(() => buildRuntime(), 120_000);

    it('resolve with classic node resolution (typesVersions)', () => {
      expect(diagnostics('package-exports.ts')).toEqual([]);
    }, 60_000);

    it('resolve with node16 resolution (the exports map)', () => {
      expect(diagnostics('package-exports.ts', { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 })).toEqual([]);
    }, 60_000);

    it('resolve at run time through the exports map', () => {
      const root = path.resolve(__dirname, '../../..');
      expect(require.resolve('@topo/runtime/host', { paths: [root] })).toBe(path.join(__dirname, '..', 'dist', 'host', 'index.js'));
      expect(require.resolve('@topo/runtime/gateway', { paths: [root] })).toBe(path.join(__dirname, '..', 'dist', 'gateway', 'index.js'));
      expect(require.resolve('@topo/runtime/embedded', { paths: [root] })).toBe(path.join(__dirname, '..', 'dist', 'embedded', 'index.js'));
      expect(require.resolve('@topo/runtime/testing', { paths: [root] })).toBe(path.join(__dirname, '..', 'dist', 'testing', 'index.js'));
      expect(require.resolve('@topo/runtime/copy-tables', { paths: [root] })).toBe(path.join(__dirname, '..', 'dist', 'copy-tables', 'index.js'));
    });
  });
});
