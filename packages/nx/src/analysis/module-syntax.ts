import type * as TS from 'typescript';
import { declaredNames } from './declarations';
import { typescript } from './typescript';

// Set by `readModuleSyntax`, so that TypeScript is loaded only when a module is read.
let ts: typeof TS;

/** One import declaration, with what a generator needs to join or rewrite it. */
export interface ImportSyntax {
  node: TS.ImportDeclaration;
  specifier: string;
  /** `import type { ... }` */
  typeOnly: boolean;
  /** Every name it binds: `default`, `*` for a namespace, or the export's name. */
  bindings: { imported: string; local: string; typeOnly: boolean }[];
  /**
   * For a value import with named bindings (`import { a, b } from`), the offset just after
   * the last name, where more names can join, and whether a comma follows it.
   */
  namedList?: { end: number; trailingComma: boolean };
}

/** A string literal that names a module. */
export interface SpecifierSyntax {
  literal: TS.StringLiteralLike;
  text: string;
  /** What names it: a static import or export, an `import('...')` type, a dynamic `import()` or `require()`, a test runner's module mock. */
  kind: 'import' | 'export' | 'import-type' | 'dynamic' | 'mock';
  /** 1-based line. */
  line: number;
}

/**
 * `const host = createHost({ ..., register: true, services: [...] })` in a test: the
 * services it hosts in the test's process, so that clients reach them in-process.
 */
export interface TestHostSyntax {
  statement: TS.VariableStatement;
  /** The local name the host is held in. */
  name: string;
  /** The `services: [...]` array literal. */
  services: TS.ArrayLiteralExpression;
  /** Each element, with the local name its `service:` property names (a service.ts default import). */
  entries: { node: TS.Expression; service?: string }[];
  /** `afterAll(() => host.close())` and the like: top-level statements that use the host and nothing else. */
  closers: TS.Statement[];
  /** Written by split-service: its comment says so. */
  addedBySplit: boolean;
}

/** The first words of the comment split-service writes above a host it adds to a test. */
export const SPLIT_HOST_COMMENT = '// Since the split, the code under test calls';

/**
 * What the generators read of a module's text, beyond the facts the graph plugin caches:
 * the parsed file, its imports, every module specifier, the names it declares and exports,
 * and every name its code binds or uses (so that a new import never clashes with one).
 * Generators read modules only through this and the declaration graph, never by parsing
 * them themselves.
 */
export interface ModuleSyntax {
  file: string;
  sourceFile: TS.SourceFile;
  imports: ImportSyntax[];
  specifiers: SpecifierSyntax[];
  /** Names its top-level statements declare (imports aside). */
  declares: ReadonlySet<string>;
  /** Names it exports by name (`export const a`, `export { b as c }`), not `export default` nor re-exports of `*`. */
  exports: readonly string[];
  /** Every identifier that names a binding, not a member (see isMemberName). */
  bindingNames: ReadonlySet<string>;
  /** The offset where the code after the leading imports starts (the text's length when there is none). */
  bodyStart: number;
  /** The test hosts it creates with `createHost` from `@topo/runtime/host`. */
  hosts: TestHostSyntax[];
}

/**
 * Reads a module's text.
 *
 * @example
 * const module = readModuleSyntax('apps/api/services/hello/hello.ts', text);
 * module.specifiers.map((s) => s.text); // ['@topo/runtime', './greetings']
 */
export function readModuleSyntax(file: string, text: string): ModuleSyntax {
  ts = typescript();
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, /\.[cm]?tsx$/.test(file) ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const imports = sourceFile.statements.filter(ts.isImportDeclaration).flatMap((node) => importSyntax(node));
  const body = sourceFile.statements.find((statement) => !ts.isImportDeclaration(statement));
  return {
    file,
    sourceFile,
    imports,
    specifiers: moduleSpecifiers(sourceFile),
    declares: new Set(sourceFile.statements.flatMap((statement) => declaredNames(statement))),
    exports: exportedNames(sourceFile),
    bindingNames: bindingNamesIn(sourceFile, new Set()),
    bodyStart: body ? body.getFullStart() : text.length,
    hosts: testHosts(sourceFile, imports),
  };
}

const HOST_MODULE = '@topo/runtime/host';

/** The test hosts a module creates at its top level. */
export function testHosts(sourceFile: TS.SourceFile, imports: readonly ImportSyntax[]): TestHostSyntax[] {
  ts ??= typescript();
  const createHost = imports.find((i) => i.specifier === HOST_MODULE)?.bindings.find((b) => b.imported === 'createHost' && !b.typeOnly)?.local;
  if (!createHost) return [];
  const hosts: TestHostSyntax[] = [];
  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const call = declaration.initializer;
      if (!ts.isIdentifier(declaration.name) || !call || !ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== createHost) continue;
      const config = call.arguments[0];
      if (!config || !ts.isObjectLiteralExpression(config)) continue;
      const services = config.properties.find((p): p is TS.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(sourceFile) === 'services')?.initializer;
      if (!services || !ts.isArrayLiteralExpression(services)) continue;
      const entries = services.elements.map((node) => {
        const service =
          ts.isObjectLiteralExpression(node) &&
          node.properties.find((p): p is TS.PropertyAssignment | TS.ShorthandPropertyAssignment => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && p.name.getText(sourceFile) === 'service');
        const value = service ? (ts.isPropertyAssignment(service) ? service.initializer : service.name) : undefined;
        return { node, service: value && ts.isIdentifier(value) ? value.text : undefined };
      });
      const name = declaration.name.text;
      const closers = sourceFile.statements.filter((other) => other !== statement && closesHost(other, name));
      const leading = sourceFile.text.slice(statement.getFullStart(), statement.getStart(sourceFile));
      hosts.push({ statement, name, services, entries, closers, addedBySplit: leading.includes(SPLIT_HOST_COMMENT) });
    }
  }
  return hosts;
}

/** `afterAll(() => host.close())`: a top-level `afterAll`/`afterEach` whose callback closes the host `name`. */
function closesHost(statement: TS.Statement, name: string): boolean {
  if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) return false;
  const hook = statement.expression;
  if (!ts.isIdentifier(hook.expression) || (hook.expression.text !== 'afterAll' && hook.expression.text !== 'afterEach')) return false;
  let closes = false;
  const visit = (node: TS.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === name &&
      node.expression.name.text === 'close'
    ) {
      closes = true;
    }
    ts.forEachChild(node, visit);
  };
  hook.arguments.forEach(visit);
  return closes;
}

function importSyntax(node: TS.ImportDeclaration): ImportSyntax[] {
  if (!ts.isStringLiteral(node.moduleSpecifier)) return [];
  const clause = node.importClause;
  const typeOnly = clause?.isTypeOnly ?? false;
  const bindings: ImportSyntax['bindings'] = [];
  if (clause?.name) bindings.push({ imported: 'default', local: clause.name.text, typeOnly });
  const named = clause?.namedBindings;
  let namedList: ImportSyntax['namedList'];
  if (named && ts.isNamespaceImport(named)) bindings.push({ imported: '*', local: named.name.text, typeOnly });
  else if (named) {
    for (const element of named.elements) {
      bindings.push({ imported: (element.propertyName ?? element.name).text, local: element.name.text, typeOnly: typeOnly || element.isTypeOnly });
    }
    if (!typeOnly && named.elements.length > 0) namedList = { end: named.elements.end, trailingComma: named.elements.hasTrailingComma };
  }
  return [{ node, specifier: node.moduleSpecifier.text, typeOnly, bindings, namedList }];
}

const MOCK_FUNCTIONS = new Set(['mock', 'doMock', 'unmock', 'dontMock', 'requireActual', 'requireMock', 'importActual', 'importMock']);

/** Every string that names a module: imports, exports, `import('...')` types and calls, `require`, and jest's and vitest's module mocks. */
export function moduleSpecifiers(sourceFile: TS.SourceFile): SpecifierSyntax[] {
  ts ??= typescript();
  const found: SpecifierSyntax[] = [];
  const add = (literal: TS.StringLiteralLike, kind: SpecifierSyntax['kind']) =>
    found.push({ literal, text: literal.text, kind, line: sourceFile.getLineAndCharacterOfPosition(literal.getStart(sourceFile)).line + 1 });
  const visit = (node: TS.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier, ts.isImportDeclaration(node) ? 'import' : 'export');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal, 'import-type');
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) add(node.arguments[0], 'dynamic');
      else if (
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        (callee.expression.text === 'jest' || callee.expression.text === 'vi') &&
        MOCK_FUNCTIONS.has(callee.name.text)
      ) {
        add(node.arguments[0], 'mock');
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function exportedNames(sourceFile: TS.SourceFile): string[] {
  const names: string[] = [];
  for (const statement of sourceFile.statements) {
    if (ts.isExportDeclaration(statement)) {
      if (statement.exportClause && ts.isNamedExports(statement.exportClause)) names.push(...statement.exportClause.elements.map((e) => e.name.text));
      else if (statement.exportClause && ts.isNamespaceExport(statement.exportClause)) names.push(statement.exportClause.name.text);
      continue;
    }
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) || modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) continue;
    names.push(...declaredNames(statement));
  }
  return names;
}

/**
 * Whether an identifier names a member or a label, not a binding: `x.yo`, `{ yo: 1 }`,
 * `{ yo() {} }`, `A.yo` in a type, `{ yo: local } = x`, `import { yo as local }`. Such a
 * name cannot clash with an import; every other identifier can.
 */
export function isMemberName(node: TS.Identifier): boolean {
  ts ??= typescript();
  const parent = node.parent;
  if (
    (ts.isPropertyAccessExpression(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessor(parent) ||
      ts.isSetAccessor(parent) ||
      ts.isEnumMember(parent)) &&
    parent.name === node
  ) {
    return true;
  }
  if (ts.isQualifiedName(parent) && parent.right === node) return true;
  if ((ts.isBindingElement(parent) || ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) && parent.propertyName === node) return true;
  return ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent);
}

/** Every identifier below `node` that names a binding (see isMemberName), into `names`. */
export function bindingNamesIn(node: TS.Node, names: Set<string>): Set<string> {
  ts ??= typescript();
  const visit = (child: TS.Node): void => {
    if (ts.isIdentifier(child) && !isMemberName(child)) names.add(child.text);
    ts.forEachChild(child, visit);
  };
  visit(node);
  return names;
}
