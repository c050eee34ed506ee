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

/** Built-in collections: state when code changes them, a lookup table when it only reads them. */
const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array']);
/** Classes whose instances are values, not state: sharing one between processes changes nothing. */
const VALUE_CLASSES = new Set(['RegExp', 'URL', 'Date', 'TextEncoder', 'TextDecoder', 'Error', 'TypeError', 'RangeError']);
/** Calls whose result is as immutable as what they are given. */
const FREEZING_CALLS = new Set(['Object.freeze', 'Symbol', 'Symbol.for', 'BigInt', 'String', 'Number', 'Boolean']);

/**
 * Module-level state both sides would use: in separate processes each would have its own
 * copy, and they would diverge without a word (mono `{"n":2}`, micro `{"n":0}`). State is a
 * `let` or `var`, an instance (a store, a cache, a repository, a client object: anything
 * made with `new`, value classes such as `RegExp` or `URL` aside), a `Map`, `Set` or array,
 * an object or array literal that code changes, and what a factory of the workspace makes
 * when it returns an instance or an object with methods. Constants, functions, classes and
 * types are shared freely. Closures over state are caught with the state itself: code both
 * sides use goes to the shared library with all it uses.
 */
function checkSharedState(check: ReferenceCheck): SplitProblem[] {
  const { sides } = check;
  const problems: SplitProblem[] = [];
  const reachers = endpointsReaching(check);
  for (const [statement, side] of sides) {
    if (side !== 'share') continue;
    const state = describeState(check, statement);
    if (!state) continue;
    const name = statement.names.join(', ');
    const users = (wanted: Side) => {
      const endpoints = reachers(statement).filter((e) => sides.get(e) === wanted);
      return endpoints.length ? endpoints.map((e) => `${e.names[0]} at ${e.file}:${e.line}`).join(', ') : 'its code';
    };
    problems.push({
      file: statement.file,
      line: statement.line,
      message:
        `"${name}" is module-level state (${state}), used both by "${check.source}" (${users('stay')}) and by "${check.target}" (${users('move')}); ` +
        `in separate processes each would have its own copy, and they would diverge.`,
      fix:
        `Keep "${name}" on one side with all the endpoints that use it (move them together with --endpoints, or leave them all in "${check.source}"), ` +
        `and let the other side call those endpoints through the client; or keep the state in a database both sides reach. Then run the split again.`,
    });
  }
  return problems;
}

/** What makes a top-level statement state (`a \`let\``, `an instance of Counter`...), or undefined for a value. */
function describeState(check: ReferenceCheck, statement: TopLevelStatement): string | undefined {
  const ts = check.typescript;
  const node = statement.node;
  if (ts.isClassDeclaration(node)) {
    const changingStatic = node.members.some((member) => {
      const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
      return (
        ts.isPropertyDeclaration(member) &&
        modifiers.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) &&
        !modifiers.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword)
      );
    });
    return changingStatic ? 'a class with a static field that can change' : undefined;
  }
  if (!ts.isVariableStatement(node)) return undefined;
  const list = node.declarationList;
  if (!(list.flags & ts.NodeFlags.Const)) return `a \`${list.flags & ts.NodeFlags.Let ? 'let' : 'var'}\``;
  for (const declaration of list.declarations) {
    const value = declaration.initializer && unwrapValue(ts, declaration.initializer);
    if (!value) continue;
    if (ts.isNewExpression(value)) {
      const name = value.expression.getText();
      if (COLLECTIONS.has(name)) {
        if (isMutated(check, statement)) return `a ${name} that code changes`;
      } else if (!VALUE_CLASSES.has(name) && !name.startsWith('Intl.')) {
        return `an instance of ${name}`;
      }
      continue;
    }
    if ((ts.isArrayLiteralExpression(value) || ts.isObjectLiteralExpression(value)) && isMutated(check, statement)) {
      return `${ts.isArrayLiteralExpression(value) ? 'an array' : 'an object'} that code changes`;
    }
    if (ts.isCallExpression(value)) {
      if (FREEZING_CALLS.has(value.expression.getText())) continue;
      if (isMutated(check, statement)) return 'a value that code changes';
      const made = statefulResult(check, value);
      if (made) return made;
    }
  }
  return undefined;
}

/** `x as T`, `x satisfies T`, `(x)`, `x!` and `x as const`: the value inside. */
function unwrapValue(ts: typeof TS, expression: TS.Expression): TS.Expression {
  let value = expression;
  while (ts.isAsExpression(value) || ts.isSatisfiesExpression(value) || ts.isParenthesizedExpression(value) || ts.isNonNullExpression(value)) {
    value = value.expression;
  }
  return value;
}

/**
 * A call to a function declared in the source's code that returns an instance or an object
 * with methods: a factory of a store or a client (`createStore()`). What a package's
 * function returns is not known here, and is taken for a value.
 */
function statefulResult(check: ReferenceCheck, call: TS.CallExpression): string | undefined {
  const ts = check.typescript;
  if (!ts.isIdentifier(call.expression)) return undefined;
  const callee = call.expression;
  const target = check.graph.statementOf(call)?.references.find((r) => r.node === callee)?.target;
  const factory = target?.node;
  if (!factory || !ts.isFunctionDeclaration(factory) || !factory.body) return undefined;
  const name = factory.name?.text ?? callee.text;
  let made: string | undefined;
  const visit = (node: TS.Node): void => {
    if (made || (ts.isFunctionLike(node) && node !== factory)) return;
    if (ts.isReturnStatement(node) && node.expression) {
      const returned = unwrapValue(ts, node.expression);
      if (ts.isNewExpression(returned) && !VALUE_CLASSES.has(returned.expression.getText())) {
        made = `what ${name}() makes: an instance of ${returned.expression.getText()}`;
      } else if (
        ts.isObjectLiteralExpression(returned) &&
        returned.properties.some((p) => ts.isMethodDeclaration(p) || (ts.isPropertyAssignment(p) && ts.isFunctionLike(p.initializer)))
      ) {
        made = `what ${name}() makes: an object with methods`;
      }
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(factory.body, visit);
  return made;
}

/** For a declaration, the endpoints (of the source's code) whose code reaches it, through the code they use. */
function endpointsReaching(check: ReferenceCheck): (declaration: TopLevelStatement) => TopLevelStatement[] {
  const endpoints = [...check.sides.keys()].filter((s) => check.endpointOf(s));
  const byFile = new Map<string, TopLevelStatement[]>();
  for (const statement of check.sides.keys()) byFile.set(statement.file, [...(byFile.get(statement.file) ?? []), statement]);
  const reached = new Map<TopLevelStatement, Set<TopLevelStatement>>();
  for (const endpoint of endpoints) {
    const seen = new Set<TopLevelStatement>();
    const queue = [endpoint];
    for (let next = queue.pop(); next; next = queue.pop()) {
      if (seen.has(next)) continue;
      seen.add(next);
      for (const member of next.group) {
        for (const reference of member.references) {
          if (reference.target && check.sides.has(reference.target) && !check.endpointOf(reference.target)) queue.push(reference.target);
        }
        for (const file of member.loads) queue.push(...(byFile.get(file) ?? []));
      }
    }
    reached.set(endpoint, seen);
  }
  return (declaration) => endpoints.filter((endpoint) => declaration.group.some((s) => reached.get(endpoint)!.has(s)));
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
