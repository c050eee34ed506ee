import type * as TS from 'typescript';
import { typescript } from '../../../analysis';
import { describeBody } from '../../split-service/lib/split-tests';
import type { TextEdit } from '../../utils/text-edits';
import type { MergedNames } from './merged-file-names';

/** A test or spec file, by its name. */
export const TEST_FILE = /\.(spec|test)\.[cm]?tsx?$/;

/** `describe('hello', () => { ... })`: its literal title and its body. */
export interface DescribeBlock {
  node: TS.Statement;
  title: TS.StringLiteralLike;
  body: TS.Block;
}

/**
 * The `describe` block a statement is, when its title is a literal (`describe.skip` and
 * `describe.each(...)` too, as the split reads them).
 *
 * @example
 * describeBlock(sourceFile.statements[1])?.title.text; // 'hello'
 */
export function describeBlock(statement: TS.Statement): DescribeBlock | undefined {
  const ts = typescript();
  const body = describeBody(ts, statement);
  if (!body) return undefined;
  const title = ((statement as TS.ExpressionStatement).expression as TS.CallExpression).arguments[0];
  return title && ts.isStringLiteralLike(title) ? { node: statement, title, body } : undefined;
}

/**
 * `describe('yo', ...)` in a test of the merged service reads `describe('hello', ...)`: the
 * split named the moved tests' top-level `describe` after the new service, the merge names
 * it after the service they test again. Other titles stay.
 *
 * @example
 * applyTextEdits(text, describeTitleEdits(readModuleSyntax(file, text).sourceFile, { from: 'yo', into: 'hello' }));
 */
export function describeTitleEdits(sourceFile: TS.SourceFile, names: MergedNames): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const statement of sourceFile.statements) {
    const block = describeBlock(statement);
    if (!block || block.title.text !== names.from) continue;
    const start = block.title.getStart(sourceFile);
    const quote = sourceFile.text[start];
    edits.push({ start, end: block.title.end, text: `${quote}${names.into}${quote}` });
  }
  return edits;
}
