import type * as TS from 'typescript';
import type { DeclarationGraph, EndpointInfo, TopLevelStatement } from '../../../analysis';
import type { Side } from './classify-declarations';
import type { SplitProblem } from './split-problem';

export interface ReferenceCheck {
  typescript: typeof TS;
  graph: DeclarationGraph;
  sides: ReadonlyMap<TopLevelStatement, Side>;
  endpointOf(statement: TopLevelStatement): EndpointInfo | undefined;
  /** The module a statement of the source's code is written to. */
  moduleOf(statement: TopLevelStatement): string;
  source: string;
  target: string;
}

/**
 * Finds what the split could not keep working, beyond single references (those are the
 * resolver's): a moved endpoint re-exported under another name, a dynamic import of a
 * module the split divides, and module-level mutable state both services would use.
 */
export function checkReferences(check: ReferenceCheck): SplitProblem[] {
  return [...checkReexports(check), ...checkDynamicImports(check), ...checkSharedState(check)];
}

function checkReexports({ graph, sides, endpointOf, target }: ReferenceCheck): SplitProblem[] {
  const problems: SplitProblem[] = [];
  for (const module of graph.modules.values()) {
    for (const statement of module.statements) {
      if (statement.kind !== 're-export' && statement.kind !== 'export-list') continue;
      for (const element of statement.exports) {
        const endpoint = element.target && endpointOf(element.target);
        if (!endpoint || sides.get(element.target!) !== 'move' || element.exported === endpoint.exportName) continue;
        problems.push({
          file: module.file,
          line: lineOf(module.sourceFile, element.node),
          message: `Endpoint "${endpoint.exportName}" is re-exported here as "${element.exported}", and it moves to "${target}"; the split cannot follow the other name to its users.`,
          fix: `Re-export it under its own name, or import it as "${endpoint.exportName}" where "${element.exported}" is used, then run the split again.`,
        });
      }
    }
  }
  return problems;
}

/**
 * A module loaded with `import('...')` is used whole, so its code goes where the code that
 * loads it goes: the split can follow it only when all of that module's code goes to one
 * place (stays, moves or is shared).
 */
function checkDynamicImports({ graph, sides, moduleOf }: ReferenceCheck): SplitProblem[] {
  const homes = new Map<string, Set<string>>();
  for (const [statement] of sides) {
    if (statement.kind === 'import') continue;
    homes.set(statement.file, (homes.get(statement.file) ?? new Set()).add(moduleOf(statement)));
  }
  const problems: SplitProblem[] = [];
  for (const module of graph.modules.values()) {
    for (const dynamic of module.dynamicImports) {
      const places = dynamic.resolvedFile === undefined ? undefined : homes.get(dynamic.resolvedFile);
      if (!places || places.size < 2) continue;
      problems.push({
        file: module.file,
        line: dynamic.line,
        message: `${dynamic.specifier} is loaded whole here with a dynamic import, and the split divides it between ${[...places].join(' and ')}.`,
        fix: `Move what each side needs into a module of its own (or import it statically), then run the split again.`,
      });
    }
  }
  return problems;
}

const MUTATING_METHODS = new Set([
  'set',
  'add',
  'delete',
  'clear',
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
]);
const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array']);

/** Module-level state both sides would use: in separate processes each would have its own copy. */
function checkSharedState(check: ReferenceCheck): SplitProblem[] {
  const ts = check.typescript;
  const { sides } = check;
  const problems: SplitProblem[] = [];
  const users = (declaration: TopLevelStatement, side: Side) =>
    [...sides.keys()].find((s) => sides.get(s) === side && s.references.some((r) => r.target === declaration));
  for (const [statement, side] of sides) {
    if (side !== 'share' || !ts.isVariableStatement(statement.node)) continue;
    const list = statement.node.declarationList;
    const constant = (list.flags & ts.NodeFlags.Const) !== 0;
    const mutable =
      !constant || list.declarations.some((d) => d.initializer && isMutableValue(ts, d.initializer) && isMutated(check, statement));
    if (!mutable) continue;
    const name = statement.names.join(', ');
    const where = (user: TopLevelStatement | undefined) => (user ? `${user.names[0] ?? 'code'} at ${user.file}:${user.line}` : 'its code');
    problems.push({
      file: statement.file,
      line: statement.line,
      message:
        `"${name}" is module-level ${constant ? 'state that is changed' : `state (a \`${list.flags & ts.NodeFlags.Let ? 'let' : 'var'}\`)`}, used both by "${check.source}" (${where(users(statement, 'stay'))}) ` +
        `and by "${check.target}" (${where(users(statement, 'move'))}); in separate processes each would change its own copy, and they would diverge.`,
      fix: `Keep the state in one service and let the other call an endpoint for it (or make it a constant), then run the split again.`,
    });
  }
  return problems;
}

function isMutableValue(ts: typeof TS, expression: TS.Expression): boolean {
  let value = expression;
  while (ts.isAsExpression(value) || ts.isSatisfiesExpression(value) || ts.isParenthesizedExpression(value)) value = value.expression;
  if (ts.isArrayLiteralExpression(value) || ts.isObjectLiteralExpression(value)) return true;
  return ts.isNewExpression(value) && ts.isIdentifier(value.expression) && COLLECTIONS.has(value.expression.text);
}

/** Whether code anywhere changes what `declaration` holds: assigns into it or calls a mutating method. */
function isMutated(check: ReferenceCheck, declaration: TopLevelStatement): boolean {
  const ts = check.typescript;
  for (const module of check.graph.modules.values()) {
    for (const statement of module.statements) {
      for (const reference of statement.references) {
        if (reference.target !== declaration || reference.inType) continue;
        let access: TS.Node = reference.node;
        while (
          (ts.isPropertyAccessExpression(access.parent) || ts.isElementAccessExpression(access.parent)) &&
          access.parent.expression === access
        ) {
          access = access.parent;
        }
        const parent = access.parent;
        if (access !== reference.node) {
          if (ts.isBinaryExpression(parent) && parent.left === access && isAssignment(ts, parent.operatorToken.kind)) return true;
          if ((ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) && isIncrement(ts, parent.operator)) return true;
          if (ts.isDeleteExpression(parent)) return true;
          if (
            ts.isCallExpression(parent) &&
            parent.expression === access &&
            ts.isPropertyAccessExpression(access) &&
            MUTATING_METHODS.has(access.name.text)
          ) {
            return true;
          }
        }
        // Object.assign(state, ...)
        if (
          ts.isCallExpression(parent) &&
          parent.arguments[0] === access &&
          ts.isPropertyAccessExpression(parent.expression) &&
          parent.expression.name.text === 'assign'
        ) {
          return true;
        }
      }
    }
  }
  return false;
}

function isAssignment(ts: typeof TS, kind: TS.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

function isIncrement(ts: typeof TS, operator: TS.SyntaxKind): boolean {
  return operator === ts.SyntaxKind.PlusPlusToken || operator === ts.SyntaxKind.MinusMinusToken;
}

function lineOf(sourceFile: TS.SourceFile, node: TS.Node): number {
  return sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
}
