import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readDeclarations, treeHost, typescript } from '../../../analysis';
import { classifyDeclarations } from './classify-declarations';
import { splitTests } from './split-tests';

describe('splitTests', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write('s/hello.ts', `export const shared = 0;\nexport const h1 = () => shared;\nexport const h2 = () => shared;\n`);
  });

  function divide(spec: string) {
    tree.write('s/hello.spec.ts', spec);
    const graph = readDeclarations(treeHost(tree), ['s/hello.ts', 's/hello.spec.ts']);
    const code = graph.modules.get('s/hello.ts')!.statements;
    const sides = classifyDeclarations(
      code,
      (s) => s.names[0] !== 'shared',
      code.filter((s) => s.names[0] === 'h2'),
    );
    const [split] = splitTests([graph.modules.get('s/hello.spec.ts')!], {
      typescript: typescript(),
      sides,
      newFile: () => 'y/yo.spec.ts',
      sideOfFile: (file) => (file === 's/hello.ts' ? 'stay' : undefined),
    });
    const lines = (statements: { line: number }[]) => statements.map((s) => s.line);
    const omitted = (map: Map<unknown, { getText(): string }[]>) => [...map.values()].flat().map((n) => n.getText().split('\n')[0]);
    return {
      stay: lines(split.stay),
      move: lines(split.move),
      omitFromStay: omitted(split.omitFromStay),
      omitFromMove: omitted(split.omitFromMove),
      whole: split.whole,
    };
  }

  it('moves a file that tests only moved code, keeps one that tests none', () => {
    expect(divide(`import { h2, shared } from './hello';\nit('a', () => h2() + shared);\n`)).toMatchObject({ stay: [], move: [2] });
    expect(divide(`import { h1 } from './hello';\nit('a', () => h1());\n`)).toMatchObject({ stay: [2], move: [] });
  });

  it('divides by top-level block; helpers follow their tests, setup goes to both', () => {
    const spec = `import { h1, h2 } from './hello';
const two = () => h2();
const n = 1;
beforeEach(() => undefined);
it('one', () => h1() + n);
it('two', () => two());
`;
    expect(divide(spec)).toMatchObject({ stay: [3, 4, 5], move: [2, 4, 6], whole: undefined });
  });

  it('divides a describe block by its tests, recursively', () => {
    const spec = `import { h1, h2 } from './hello';
describe('hello', () => {
  it('one', () => h1());
  describe('nested', () => {
    it('two', () => h2());
    it('one again', () => h1());
  });
});
`;
    expect(divide(spec)).toMatchObject({
      stay: [2],
      move: [2],
      omitFromStay: ["it('two', () => h2());"],
      omitFromMove: ["it('one', () => h1());", "it('one again', () => h1());"],
      whole: undefined,
    });
  });

  it('keeps whole, with the code it is named after, a file whose tests run both sides', () => {
    expect(divide(`import { h1, h2 } from './hello';\n\ndescribe('x', () => {\n  it('both', () => h1() + h2());\n});\n`)).toMatchObject({
      stay: [3],
      move: [],
      whole: 'stay',
    });
  });

  it('keeps whole a file whose hook runs one side before tests of the other, and counts types as no use', () => {
    const spec = `import type { Shared } from './hello';
import { h1, h2 } from './hello';
let seed: number;
beforeAll(() => {
  seed = h1();
});
it('two', () => expect(h2() + seed).toBe(0));
it('types', () => { const x: typeof h1 | undefined = undefined; return x; });
`;
    expect(divide(spec)).toMatchObject({ stay: [3, 4, 7, 8], move: [], whole: 'stay' });
  });

  it('divides a file whose hooks run the side of the tests beside them', () => {
    const spec = `import { h1, h2 } from './hello';
describe('one', () => {
  beforeEach(() => h1());
  it('a', () => h1());
});
describe('two', () => {
  beforeEach(() => h2());
  it('b', () => h2());
});
`;
    expect(divide(spec)).toMatchObject({ stay: [2], move: [6], whole: undefined });
  });
});
