import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readDeclarations, treeHost, typescript } from '../../../analysis';
import { classifyDeclarations } from './classify-declarations';
import type { SplitProblem } from './split-problem';
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
    const problems: SplitProblem[] = [];
    const [split] = splitTests(
      [graph.modules.get('s/hello.spec.ts')!],
      { typescript: typescript(), sides, newFile: () => 'y/yo.spec.ts', from: 'hello', to: 'yo' },
      problems,
    );
    const lines = (statements: { line: number }[]) => statements.map((s) => s.line);
    const omitted = (map: Map<unknown, { getText(): string }[]>) => [...map.values()].flat().map((n) => n.getText().split('\n')[0]);
    return {
      stay: lines(split.stay),
      move: lines(split.move),
      omitFromStay: omitted(split.omitFromStay),
      omitFromMove: omitted(split.omitFromMove),
      problems,
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
    expect(divide(spec)).toMatchObject({ stay: [3, 4, 5], move: [2, 4, 6], problems: [] });
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
      problems: [],
    });
  });

  it('refuses a test that uses both sides, naming its line', () => {
    const { problems } = divide(`import { h1, h2 } from './hello';\n\ndescribe('x', () => {\n  it('both', () => h1() + h2());\n});\n`);

    expect(problems).toEqual([
      expect.objectContaining({
        file: 's/hello.spec.ts',
        line: 4,
        message: expect.stringContaining('uses both code that moves to "yo" (h2) and code that stays in "hello" (h1)'),
      }),
    ]);
  });
});
