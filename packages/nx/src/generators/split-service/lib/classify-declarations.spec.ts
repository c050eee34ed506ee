import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readDeclarations, type TopLevelStatement, treeHost } from '../../../analysis';
import { classifyDeclarations } from './classify-declarations';

describe('classifyDeclarations', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  /** Sides by declared name, for the files given, moving the endpoints named in `move`. */
  function classify(files: Record<string, string>, move: string[]): Record<string, string> {
    for (const [file, text] of Object.entries(files)) tree.write(file, text);
    const graph = readDeclarations(treeHost(tree), Object.keys(files));
    const statements = [...graph.modules.values()].flatMap((m) => m.statements);
    const isEndpoint = (s: TopLevelStatement) => /^h\d$/.test(s.names[0] ?? '');
    const selected = statements.filter((s) => move.includes(s.names[0]));
    const sides = classifyDeclarations(statements, isEndpoint, selected);
    return Object.fromEntries(statements.filter((s) => s.kind === 'declaration').map((s) => [`${s.names[0]}@${s.line}`, sides.get(s)!]));
  }

  it('moves what only moved endpoints use, transitively and across files; shares what both use, with what it uses', () => {
    const sides = classify(
      {
        'a.ts': `import { fmt } from './b';
const onlyH2 = () => deep();
function deep() { return 1; }
const both = () => fmt('x');
export const h1 = () => both();
export const h2 = () => onlyH2() + both().length;
const unused = 3;
`,
        'b.ts': `export function fmt(s: string) { return pad(s); }\nfunction pad(s: string) { return s; }\n`,
      },
      ['h2'],
    );

    expect(sides).toEqual({
      'onlyH2@2': 'move',
      'deep@3': 'move',
      'both@4': 'share',
      'h1@5': 'stay',
      'h2@6': 'move',
      'unused@7': 'stay',
      'fmt@1': 'share',
      'pad@2': 'share',
    });
  });

  it('stops at endpoints: a call from one side to the other is a client call, not a use', () => {
    const sides = classify(
      {
        'a.ts': `const helper = () => 1;
export const h1 = () => h2() + helper();
export const h2 = () => h3();
export const h3 = () => 3;
`,
      },
      ['h2'],
    );

    expect(sides).toEqual({ 'helper@1': 'stay', 'h1@2': 'stay', 'h2@3': 'move', 'h3@4': 'stay' });
  });

  it('gives statements of one symbol one side: overloads and merged interfaces', () => {
    const sides = classify(
      {
        'a.ts': `function pick(x: string): string;
function pick(x: number): number;
function pick(x: unknown) { return x; }
interface Box { a: number }
interface Box { b: number }
export const h1 = () => 1;
export const h2 = (b: Box) => pick(b.a);
`,
      },
      ['h2'],
    );

    expect(sides).toMatchObject({ 'pick@1': 'move', 'pick@2': 'move', 'pick@3': 'move', 'Box@4': 'move', 'Box@5': 'move' });
  });

  it('counts top-level code that is no declaration as remaining code', () => {
    const sides = classify(
      {
        'a.ts': `const registry: string[] = [];\nregistry.push('x');\nexport const h1 = () => 1;\nexport const h2 = () => registry.length;\n`,
      },
      ['h2'],
    );

    expect(sides['registry@1']).toBe('share');
  });

  it('takes along code that only refers to moved endpoints and that nothing staying uses: a schedule beside its job', () => {
    const sides = classify(
      {
        'a.ts': `export const h1 = () => 1;
export const h2 = () => 2;
export const schedule = { endpoint: h2, every: '1h' };
export const both = [h1, h2];
const usesSchedule = () => schedule;
export const h3 = () => usesSchedule();
`,
      },
      ['h2'],
    );

    expect(sides).toEqual({ 'h1@1': 'stay', 'h2@2': 'move', 'schedule@3': 'stay', 'both@4': 'stay', 'usesSchedule@5': 'stay', 'h3@6': 'stay' });
    expect(
      classify({ 'b.ts': `export const h1 = () => 1;\nexport const h2 = () => 2;\nexport const schedule = { endpoint: h2, every: '1h' };\n` }, ['h2']),
    ).toEqual({ 'h1@1': 'stay', 'h2@2': 'move', 'schedule@3': 'move' });
  });
});
