import type * as TS from 'typescript';
import type { SourceHost } from './files';
import { moduleSpecifiers, type SpecifierSyntax } from './module-syntax';
import { createHostProgram } from './program';
import { createModuleResolver } from './resolve';
import { typescript } from './typescript';

// Set by `readDeclarations`, so that TypeScript is loaded only when it is needed.
let ts: typeof TS;

/** What a top-level statement is, as far as moving code around is concerned. */
export type StatementKind =
  /** `import ... from '...'` */
  | 'import'
  /** Declares top-level names: const/let/var, function, class, interface, type, enum, namespace, `export default <expr>`. */
  | 'declaration'
  /** `export { a, b as c };` */
  | 'export-list'
  /** `export { a } from './x';`, `export * from './x';` */
  | 're-export'
  /** Anything else: top-level expression statements, `if`, ... */
  | 'other';

/** One name bound by an import declaration. */
export interface ImportBinding {
  declaration: TS.ImportDeclaration;
  /** The import specifier, clause or namespace import that binds `local`. */
  node: TS.Node;
  kind: 'default' | 'namespace' | 'named';
  /** The name imported: the export's name for `named`, `default`, or `*` for a namespace. */
  imported: string;
  local: string;
  /** `import type { X }` or `import { type X }`. */
  typeOnly: boolean;
  specifier: string;
  /** The workspace file the specifier names, if it names one (in the program or not). */
  resolvedFile?: string;
}

/** An identifier in a top-level statement that names another top-level declaration or an import. */
export interface TopLevelReference {
  /** The identifier as written. For `ns.x` through a namespace import, `ns`. */
  node: TS.Identifier;
  /** The top-level statement (in a file of the graph) that declares what it names, through imports and re-exports. */
  target?: TopLevelStatement;
  /** The import binding it goes through, when it names an import of its file. */
  via?: ImportBinding;
  /** For `ns.x` (or the type `ns.X`) through a namespace import: the whole access. */
  member?: TS.PropertyAccessExpression | TS.QualifiedName;
  /** Written where only a type is expected (a type annotation, `typeof x`, `implements`): erased at run time. */
  inType: boolean;
}

/** An element of `export { ... }` or `export { ... } from '...'`. */
export interface ExportElement {
  node: TS.ExportSpecifier;
  /** The name it exports from (`a` in `a as b`). */
  local: string;
  /** The name it is exported as. */
  exported: string;
  typeOnly: boolean;
  /** What it exports, when that is declared in a file of the graph. */
  target?: TopLevelStatement;
  /** For an export list, the import it re-exports, if any. */
  via?: ImportBinding;
}

export interface TopLevelStatement {
  file: string;
  node: TS.Statement;
  kind: StatementKind;
  /** 1-based line of the statement's first token. */
  line: number;
  /** The names it declares at the top level of its file. */
  names: string[];
  /** `export` modifier, or `export default`. */
  exported?: 'named' | 'default';
  references: TopLevelReference[];
  /** The elements of an export list or of a named re-export. */
  exports: ExportElement[];
  /** For a re-export: the module it re-exports from; `namespace` for `export * as ns from`. */
  reexport?: { specifier: string; resolvedFile?: string; star: boolean; namespace?: string };
  /**
   * The statements that declare the same symbols (function overloads, merged interfaces
   * and namespaces), this one included, in file order: they can only move together.
   */
  group: TopLevelStatement[];
  /**
   * Workspace files it loads with `import('...')` or `require('...')`: it uses all of such a
   * module, as a namespace import would, and its code goes where that code goes.
   */
  loads: string[];
}

export interface ModuleDeclarations {
  file: string;
  sourceFile: TS.SourceFile;
  statements: TopLevelStatement[];
  /** Every name its import declarations bind. */
  imports: ImportBinding[];
  /** `import('...')` and `require('...')` calls with a literal specifier, anywhere in the file. */
  dynamicImports: { specifier: string; resolvedFile?: string; line: number }[];
  /** Every string in the file that names a module, with the workspace file it resolves to. */
  specifiers: (SpecifierSyntax & { resolvedFile?: string })[];
}

export interface DeclarationGraph {
  modules: Map<string, ModuleDeclarations>;
  /** The top-level statement a node of one of the modules belongs to. */
  statementOf(node: TS.Node): TopLevelStatement | undefined;
}

/**
 * Reads the top-level declarations of `files` and, for each, what it references: other
 * top-level declarations (in the same file or, through imports and re-exports, in another
 * of `files`) and import bindings. Names are resolved with the type checker, so a local
 * that shadows a top-level name is no reference to it. Only `files` are read: a reference
 * to anything outside them is known by its import alone.
 *
 * @example
 * const graph = readDeclarations(treeHost(tree), service.sourceFiles);
 * const helpers = graph.modules.get('apps/api/services/hello/hello.ts')!.statements
 *   .find((s) => s.names.includes('h2'))!.references.map((r) => r.target?.names);
 */
export function readDeclarations(host: SourceHost, files: readonly string[]): DeclarationGraph {
  ts = typescript();
  const { checker, sourceFile: sourceFileOf } = createHostProgram(host, files);
  const resolver = createModuleResolver(host);
  const modules = new Map<string, ModuleDeclarations>();
  const byNode = new Map<TS.Statement, TopLevelStatement>();

  // First the statements and imports of every file, so that references can point at them.
  for (const file of files) {
    const sourceFile = sourceFileOf(file);
    if (!sourceFile) continue;
    const specifiers = moduleSpecifiers(sourceFile).map((s) => ({ ...s, resolvedFile: resolver.resolve(file, s.text) }));
    const dynamicImports = specifiers.filter((s) => s.kind === 'dynamic').map(({ text, resolvedFile, line }) => ({ specifier: text, resolvedFile, line }));
    const module: ModuleDeclarations = { file, sourceFile, statements: [], imports: [], dynamicImports, specifiers };
    for (const node of sourceFile.statements) {
      const statement: TopLevelStatement = {
        file,
        node,
        kind: statementKind(node),
        line: lineOf(sourceFile, node),
        names: declaredNames(node),
        exported: exportModifier(node),
        references: [],
        exports: [],
        loads: [],
        group: [],
      };
      statement.group = [statement];
      module.statements.push(statement);
      byNode.set(node, statement);
      if (ts.isImportDeclaration(node)) module.imports.push(...importBindings(node, file, resolver));
    }
    modules.set(file, module);
  }

  const statementOf = (node: TS.Node | undefined): TopLevelStatement | undefined => {
    let current = node;
    while (current && !(current.parent && ts.isSourceFile(current.parent))) current = current.parent;
    return current && ts.isStatement(current) ? byNode.get(current) : undefined;
  };

  /** The top-level statement that declares `symbol`, following import aliases. */
  const declaring = (symbol: TS.Symbol | undefined): TopLevelStatement | undefined => {
    if (!symbol) return undefined;
    const resolved = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    for (const declaration of resolved.declarations ?? []) {
      const statement = declaringStatement(declaration);
      const info = statement && byNode.get(statement);
      if (info) return info;
    }
    return undefined;
  };

  for (const module of modules.values()) {
    const bindingOf = new Map(module.imports.map((binding) => [binding.node, binding]));
    for (const statement of module.statements) {
      if (statement.kind === 'import') continue;
      if (statement.kind === 'export-list' || statement.kind === 're-export') {
        readExportElements(statement, checker, bindingOf, declaring, resolver);
        continue;
      }
      const visit = (node: TS.Node): void => {
        if (ts.isIdentifier(node)) {
          const reference = readReference(node, checker, bindingOf, declaring);
          if (reference && reference.target !== statement) statement.references.push(reference);
        }
        ts.forEachChild(node, visit);
      };
      ts.forEachChild(statement.node, visit);
    }
  }

  for (const module of modules.values()) {
    for (const specifier of module.specifiers) {
      if (specifier.kind !== 'dynamic' || specifier.resolvedFile === undefined) continue;
      const statement = statementOf(specifier.literal);
      if (statement && !statement.loads.includes(specifier.resolvedFile)) statement.loads.push(specifier.resolvedFile);
    }
  }
  groupMergedDeclarations(modules, checker, byNode);
  return { modules, statementOf };
}

function statementKind(node: TS.Statement): StatementKind {
  if (ts.isImportDeclaration(node)) return 'import';
  if (ts.isExportDeclaration(node)) return node.moduleSpecifier ? 're-export' : 'export-list';
  if (
    ts.isVariableStatement(node) ||
    ts.isFunctionDeclaration(node) ||
    ts.isClassDeclaration(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isEnumDeclaration(node) ||
    ts.isModuleDeclaration(node) ||
    (ts.isExportAssignment(node) && !node.isExportEquals)
  ) {
    return 'declaration';
  }
  return 'other';
}

/** The names a top-level statement declares (imports aside): its variables, function, class, type... */
export function declaredNames(node: TS.Statement): string[] {
  ts ??= typescript();
  if (ts.isVariableStatement(node)) return node.declarationList.declarations.flatMap((d) => bindingNames(d.name));
  if (
    (ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      ts.isEnumDeclaration(node) ||
      ts.isModuleDeclaration(node)) &&
    node.name &&
    ts.isIdentifier(node.name)
  ) {
    return [node.name.text];
  }
  return [];
}

function bindingNames(name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(element.name)));
}

function exportModifier(node: TS.Statement): 'named' | 'default' | undefined {
  if (ts.isExportAssignment(node)) return node.isExportEquals ? undefined : 'default';
  const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return undefined;
  return modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ? 'default' : 'named';
}

function lineOf(sourceFile: TS.SourceFile, node: TS.Node): number {
  return sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
}

function importBindings(
  declaration: TS.ImportDeclaration,
  file: string,
  resolver: ReturnType<typeof createModuleResolver>,
): ImportBinding[] {
  if (!ts.isStringLiteral(declaration.moduleSpecifier)) return [];
  const specifier = declaration.moduleSpecifier.text;
  const clause = declaration.importClause;
  if (!clause) return [];
  const resolvedFile = resolver.resolve(file, specifier);
  const common = { declaration, specifier, resolvedFile };
  const bindings: ImportBinding[] = [];
  if (clause.name) {
    bindings.push({ ...common, node: clause, kind: 'default', imported: 'default', local: clause.name.text, typeOnly: clause.isTypeOnly });
  }
  const named = clause.namedBindings;
  if (named && ts.isNamespaceImport(named)) {
    bindings.push({ ...common, node: named, kind: 'namespace', imported: '*', local: named.name.text, typeOnly: clause.isTypeOnly });
  } else if (named) {
    for (const element of named.elements) {
      bindings.push({
        ...common,
        node: element,
        kind: 'named',
        imported: (element.propertyName ?? element.name).text,
        local: element.name.text,
        typeOnly: clause.isTypeOnly || element.isTypeOnly,
      });
    }
  }
  return bindings;
}

/** The statement whose top-level declaration `declaration` is; none for locals, members and imports. */
function declaringStatement(declaration: TS.Declaration): TS.Statement | undefined {
  let node: TS.Node = declaration;
  while (ts.isBindingElement(node) || ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node)) node = node.parent;
  if (ts.isVariableDeclaration(node)) {
    const statement = node.parent?.parent;
    return statement && ts.isVariableStatement(statement) && ts.isSourceFile(statement.parent) ? statement : undefined;
  }
  if (
    (ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node) ||
      ts.isEnumDeclaration(node) ||
      ts.isModuleDeclaration(node) ||
      ts.isExportAssignment(node)) &&
    ts.isSourceFile(node.parent)
  ) {
    return node;
  }
  return undefined;
}

function readReference(
  node: TS.Identifier,
  checker: TS.TypeChecker,
  bindingOf: Map<TS.Node, ImportBinding>,
  declaring: (symbol: TS.Symbol | undefined) => TopLevelStatement | undefined,
): TopLevelReference | undefined {
  const parent = node.parent;
  // `x.name` and `A.B` name members, not top-level declarations (a namespace import's members are read from `ns`).
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return undefined;
  if (ts.isQualifiedName(parent) && parent.right === node) return undefined;
  let symbol =
    ts.isShorthandPropertyAssignment(parent) && parent.name === node
      ? checker.getShorthandAssignmentValueSymbol(parent)
      : checker.getSymbolAtLocation(node);
  if (!symbol) return undefined;
  const inType = isTypePosition(node);
  let via: ImportBinding | undefined;
  if (symbol.flags & ts.SymbolFlags.Alias) {
    const declaration = symbol.declarations?.[0];
    via = declaration && bindingOf.get(declaration);
  }
  if (via?.kind === 'namespace' || isModule(checker, symbol)) {
    // `ns.x` through a namespace import, or through a module a barrel re-exports with
    // `export * as ns` (`barrel.ns.x` too): the reference is to `x`, as far down as modules go.
    let member: TS.PropertyAccessExpression | TS.QualifiedName | undefined;
    let current: TS.Node = node;
    for (;;) {
      const up: TS.Node = current.parent;
      const next =
        (ts.isPropertyAccessExpression(up) && up.expression === current) || (ts.isQualifiedName(up) && up.left === current) ? up : undefined;
      if (!next) break;
      member = next;
      symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(next) ? next.name : next.right);
      if (!isModule(checker, symbol)) break;
      current = next;
    }
    if (!member) return via ? { node, via, inType } : undefined;
    const target = declaring(symbol);
    if (!target && !via) return undefined;
    return { node, via, member, target, inType };
  }
  const target = declaring(symbol);
  if (!target && !via) return undefined;
  return { node, via, target, inType };
}

/** Whether a symbol is, through its aliases, a module: what `import * as`, `export * as` and `import x = require` name. */
function isModule(checker: TS.TypeChecker, symbol: TS.Symbol | undefined): boolean {
  if (!symbol) return false;
  const resolved = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return (resolved.flags & ts.SymbolFlags.ValueModule) !== 0 && (resolved.declarations ?? []).some((d) => ts.isSourceFile(d));
}

/** Whether `node` sits where only a type is expected, so it is erased at run time. */
export function isTypePosition(node: TS.Node): boolean {
  ts ??= typescript();
  for (let current: TS.Node = node; current.parent; current = current.parent) {
    const parent = current.parent;
    if (ts.isExpressionWithTypeArguments(parent)) {
      // `class A extends B` extends a value; `implements` and interfaces' `extends` name types.
      const clause = parent.parent;
      return !(ts.isHeritageClause(clause) && clause.token === ts.SyntaxKind.ExtendsKeyword && ts.isClassLike(clause.parent));
    }
    if (ts.isTypeNode(parent)) return true;
    if (ts.isStatement(parent) || ts.isSourceFile(parent) || ts.isBlock(parent)) return false;
    if (ts.isExpression(parent) && !ts.isIdentifier(parent) && !ts.isQualifiedName(parent)) return false;
  }
  return false;
}

function readExportElements(
  statement: TopLevelStatement,
  checker: TS.TypeChecker,
  bindingOf: Map<TS.Node, ImportBinding>,
  declaring: (symbol: TS.Symbol | undefined) => TopLevelStatement | undefined,
  resolver: ReturnType<typeof createModuleResolver>,
): void {
  const node = statement.node as TS.ExportDeclaration;
  if (node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
    statement.reexport = {
      specifier: node.moduleSpecifier.text,
      resolvedFile: resolver.resolve(statement.file, node.moduleSpecifier.text),
      star: !node.exportClause,
      namespace: node.exportClause && ts.isNamespaceExport(node.exportClause) ? node.exportClause.name.text : undefined,
    };
  }
  if (!node.exportClause || !ts.isNamedExports(node.exportClause)) return;
  for (const element of node.exportClause.elements) {
    const localName = element.propertyName ?? element.name;
    const common = {
      node: element,
      local: localName.text,
      exported: element.name.text,
      typeOnly: node.isTypeOnly || element.isTypeOnly,
    };
    if (node.moduleSpecifier) {
      statement.exports.push({ ...common, target: declaring(checker.getSymbolAtLocation(element.name)) });
      continue;
    }
    const local = checker.getExportSpecifierLocalTargetSymbol(element);
    const declaration = local && local.flags & ts.SymbolFlags.Alias ? local.declarations?.[0] : undefined;
    statement.exports.push({ ...common, target: declaring(local), via: declaration && bindingOf.get(declaration) });
  }
}

/** Puts statements that declare the same symbol (overloads, merged declarations) in one group. */
function groupMergedDeclarations(
  modules: Map<string, ModuleDeclarations>,
  checker: TS.TypeChecker,
  byNode: Map<TS.Statement, TopLevelStatement>,
): void {
  for (const module of modules.values()) {
    for (const statement of module.statements) {
      if (statement.kind !== 'declaration') continue;
      for (const name of declarationNameNodes(statement.node)) {
        const symbol = checker.getSymbolAtLocation(name);
        for (const declaration of symbol?.declarations ?? []) {
          const other = byNode.get(declaringStatement(declaration) as TS.Statement);
          if (!other || other === statement || other.file !== statement.file || statement.group.includes(other)) continue;
          const merged = [...new Set([...statement.group, ...other.group])].sort((a, b) => a.node.pos - b.node.pos);
          for (const member of merged) member.group = merged;
        }
      }
    }
  }
}

function declarationNameNodes(node: TS.Statement): TS.Node[] {
  if (ts.isVariableStatement(node)) return node.declarationList.declarations.map((d) => d.name).filter(ts.isIdentifier);
  const name = (node as TS.DeclarationStatement).name;
  return name && ts.isIdentifier(name) ? [name] : [];
}
