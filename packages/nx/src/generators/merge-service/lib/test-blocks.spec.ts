import { readModuleSyntax } from '../../../analysis';
import { describeBlock } from './test-blocks';

describe('test blocks', () => {
  it('reads the literal title and the body of a describe', () => {
    const [first, second] = readModuleSyntax('a.spec.ts', `describe('quotes', () => { it('a', () => {}); });\ndescribe(name, () => {});\n`).sourceFile.statements;
    expect(describeBlock(first)?.title.text).toBe('quotes');
    expect(describeBlock(first)?.body.statements).toHaveLength(1);
    expect(describeBlock(second)).toBeUndefined();
  });
});
