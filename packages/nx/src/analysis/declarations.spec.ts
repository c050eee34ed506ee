import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readDeclarations, type TopLevelStatement } from './declarations';
import { treeHost } from './files';

describe('readDeclarations', () => {
  let tree: Tree;
  const dir = 'apps/api/services/hello';

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  function read(files: Record<string, string>) {
    for (const [file, text] of Object.entries(files)) tree.write(`${dir}/${file}`, text);
    const graph = readDeclarations(
      treeHost(tree),
      Object.keys(files).map((file) => `${dir}/${file}`),
    );
    const statement = (file: string, name: string): TopLevelStatement => {
      const found = graph.modules.get(`${dir}/${file}`)?.statements.find((s) => s.names.includes(name));
      if (!found) throw new Error(`no ${name} in ${file}`);
      return found;
    };
    const targets = (file: string, name: string) =>
      statement(file, name).references.map(
        (r) =>
          `${r.node.text}->${r.target ? r.target.names.join(',') || r.target.kind : `import ${r.via?.specifier}`}${r.inType ? ' (type)' : ''}`,
      );
    return { graph, statement, targets };
  }

  it('resolves what each top-level declaration references, in its file and through imports', () => {
    const { targets, statement } = read({
      'hello.ts': `import { api } from '@topo/runtime';
import { shout as loud, type Tone } from './format';

export interface Response { message: string; tone: Tone }

const greeting = 'Hello';

export const h1 = api({ path: '/h1' }, async ({ name }: { name: string }): Promise<Response> => ({
  message: loud(\`\${greeting}, \${name}\`),
  tone: 'loud',
}));
`,
      'format.ts': `export type Tone = 'loud' | 'soft';
export function shout(text: string): string { return text.toUpperCase(); }
`,
    });

    expect(targets('hello.ts', 'h1')).toEqual([
      'api->import @topo/runtime',
      'Response->Response (type)',
      'loud->shout',
      'greeting->greeting',
    ]);
    expect(targets('hello.ts', 'Response')).toEqual(['Tone->Tone (type)']);
    const loud = statement('hello.ts', 'h1').references.find((r) => r.node.text === 'loud');
    expect(loud?.via).toMatchObject({
      kind: 'named',
      imported: 'shout',
      local: 'loud',
      specifier: './format',
      resolvedFile: `${dir}/format.ts`,
    });
  });

  it('is not fooled by a local that shadows a top-level name, or by a property of the same name', () => {
    const { targets } = read({
      'a.ts': `const limit = 3;
export interface Options { limit: number }
export function clamp(values: number[]): number[] {
  const limit = 5;
  const options: Options = { limit };
  return values.slice(0, options.limit);
}
`,
    });

    expect(targets('a.ts', 'clamp')).toEqual(['Options->Options (type)']);
  });

  it('follows shorthand properties, namespace imports and re-exports through an index', () => {
    const { targets, statement } = read({
      'a.ts': `import * as util from './util';
import { fmt } from './index';
export const run = () => ({ fmt, upper: util.upper('x') });
export type T = util.Shape;
`,
      'util.ts': `export const upper = (s: string) => s.toUpperCase();\nexport interface Shape { s: string }\n`,
      'fmt.ts': `export const fmt = (s: string) => s;\n`,
      'index.ts': `export { fmt } from './fmt';\n`,
    });

    expect(targets('a.ts', 'run')).toEqual(['fmt->fmt', 'util->upper']);
    expect(targets('a.ts', 'T')).toEqual(['util->Shape (type)']);
    expect(statement('a.ts', 'run').references[1].member?.getText()).toBe('util.upper');
  });

  it('groups overloads and merged declarations, and reads export lists and dynamic imports', () => {
    const { graph, statement } = read({
      'a.ts': `export function pick(x: string): string;
export function pick(x: number): number;
export function pick(x: unknown) { return x; }
interface Box { a: number }
interface Box { b: number }
const files = 1;
export { files as download };
export const later = () => import('./b');
`,
      'b.ts': `export const b = 1;\n`,
    });

    expect(statement('a.ts', 'pick').group.map((s) => s.line)).toEqual([1, 2, 3]);
    expect(statement('a.ts', 'Box').group.map((s) => s.line)).toEqual([4, 5]);
    const module = graph.modules.get(`${dir}/a.ts`)!;
    const list = module.statements.find((s) => s.kind === 'export-list')!;
    expect(list.exports.map((e) => [e.local, e.exported, e.target?.names])).toEqual([['files', 'download', ['files']]]);
    expect(module.dynamicImports).toEqual([{ specifier: './b', resolvedFile: `${dir}/b.ts`, line: 8 }]);
  });

  it('tells type positions from values: class extends is a value, implements a type', () => {
    const { targets } = read({
      'a.ts': `export class Base {}
export interface Named { name: string }
export class Child extends Base implements Named { name = 'x'; static of(): typeof Base { return Base; } }
`,
    });

    expect(targets('a.ts', 'Child')).toEqual(['Base->Base', 'Named->Named (type)', 'Base->Base (type)', 'Base->Base']);
  });
});
