import type * as TS from 'typescript';
import { typescript } from '../../../analysis';
import { describeBody } from '../../split-service/lib/split-tests';

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

