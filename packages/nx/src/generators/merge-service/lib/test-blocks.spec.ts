import { readModuleSyntax } from '../../../analysis';
import { applyTextEdits } from '../../utils/text-edits';
import { describeBlock, describeTitleEdits } from './test-blocks';

describe('test blocks', () => {
  const names = { from: 'yo', into: 'hello' };
  const retitled = (text: string) => applyTextEdits(text, describeTitleEdits(readModuleSyntax('a.spec.ts', text).sourceFile, names));

  it('titles a top-level describe named after the merged service after the remaining one, in its quotes', () => {
    expect(retitled(`describe('yo', () => {\n  it('x', () => {});\n});\n`)).toBe(`describe('hello', () => {\n  it('x', () => {});\n});\n`);
    expect(retitled(`describe("yo", () => {});\ndescribe.skip(\`yo\`, () => {});\n`)).toBe(`describe("hello", () => {});\ndescribe.skip(\`hello\`, () => {});\n`);
  });

  it('leaves other titles, nested blocks and tests alone', () => {
    const text = `describe('yoga', () => {\n  describe('yo', () => {});\n});\nit('yo', () => {});\n`;
    expect(retitled(text)).toBe(text);
  });

  it('reads the literal title and the body of a describe', () => {
    const [first, second] = readModuleSyntax('a.spec.ts', `describe('quotes', () => { it('a', () => {}); });\ndescribe(name, () => {});\n`).sourceFile.statements;
    expect(describeBlock(first)?.title.text).toBe('quotes');
    expect(describeBlock(first)?.body.statements).toHaveLength(1);
    expect(describeBlock(second)).toBeUndefined();
  });
});
