import { createHash } from 'node:crypto';
import type * as TS from 'typescript';
import { typescript } from './typescript';

// Set by the entry points below, so that TypeScript is loaded only when a file is parsed.
let ts: typeof TS;
import type { AnalysisErrorCode } from './errors';

/** The package that service code imports `Service`, `api`, `client` and `SQLDatabase` from. */
export const RUNTIME_MODULE = '@topo/runtime';

/** The methods the runtime serves; raw endpoints may also say '*' for any. */
export const HTTP_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

/**
 * What one source file says, read from its syntax alone (no type checker, no other
 * file): fast enough for the graph plugin, and plain data so it can be cached on disk.
 */
export interface FileFacts {
  /** Whether the file imports `@topo/runtime` (or one of its subpaths). */
  usesRuntime: boolean;
  imports: ImportFacts[];
  /** The file's default export, when it is (or tries to be) `new Service(...)`. */
  service?: ServiceExportFacts;
  endpoints: EndpointFacts[];
  /** `x.m(...)` and `ns.x.m(...)` where `x` / `ns` is bound by an import of this file. */
  memberCalls: MemberCallFacts[];
  databases: DatabaseFacts[];
  problems: ProblemFacts[];
}

export interface ImportFacts {
  specifier: string;
  line: number;
  /** Offsets of the whole import declaration, for generators that rewrite it. */
  start: number;
  end: number;
  /** `import type ...` */
  typeOnly: boolean;
  defaultName?: string;
  namespaceName?: string;
  named: { imported: string; local: string; typeOnly: boolean }[];
}

export interface ServiceExportFacts {
  line: number;
  /** The literal service name; absent when `problem` says why. */
  name?: string;
  problem?: 'not-a-service' | 'non-literal-name';
}

export interface EndpointFacts {
  /** The name other modules import it by; the variable's name when it is not exported. */
  exportName: string;
  exported: boolean;
  kind: 'typed' | 'raw';
  line: number;
  /** Offsets of the whole variable statement that declares the endpoint. */
  start: number;
  end: number;
  expose: boolean;
  /** Methods as written, `['*']` for any (raw endpoints); absent for the runtime's default. */
  methods?: string[];
  /** The path as written; absent only when a problem says why. */
  path?: string;
}

export interface MemberCallFacts {
  /** The imported local name the call goes through (`hello` in `hello.h1()`). */
  local: string;
  /** For `ns.hello.h1()` with `ns` a namespace import: `hello`. */
  property?: string;
  member: string;
  line: number;
  start: number;
  end: number;
}

export interface DatabaseFacts {
  name: string;
  /** `new SQLDatabase(...)` owns the database; `SQLDatabase.named(...)` uses another's. */
  kind: 'owned' | 'shared';
  line: number;
  /** The top-level variable that holds it, if any. */
  variable?: string;
  /** The `migrations` option as written, relative to the file. */
  migrations?: string;
}

export interface ProblemFacts {
  code: AnalysisErrorCode;
  line: number;
  message: string;
  fix: string;
}

/** A file's facts with the hash of the content they were read from. */
export interface CachedFileFacts {
  hash: string;
  facts: FileFacts;
}

/** Facts per file path, reused while the content hash is unchanged. */
export type FileFactsCache = Map<string, CachedFileFacts>;

const defaultCache: FileFactsCache = new Map();

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/**
 * Reads what `file` declares. Results are cached per path by content hash, so calling
 * this for every file of a workspace on each graph computation only parses what changed.
 *
 * @example
 * const facts = readFileFacts('apps/api/services/hello/hello.ts', text);
 * facts.endpoints.map((e) => e.exportName); // ['h1']
 */
export function readFileFacts(file: string, text: string, cache: FileFactsCache = defaultCache): FileFacts {
  const hash = contentHash(text);
  const cached = cache.get(file);
  if (cached?.hash === hash) return cached.facts;
  const facts = parseFileFacts(file, text);
  cache.set(file, { hash, facts });
  return facts;
}

/** Parses a file's facts, uncached. */
export function parseFileFacts(file: string, text: string): FileFacts {
  ts = typescript();
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  return new FactsReader(sourceFile).read();
}

/** Runtime exports the analysis recognises, by the local names this file binds them to. */
interface RuntimeBindings {
  named: Map<string, string>;
  namespaces: Set<string>;
}

class FactsReader {
  private readonly facts: FileFacts = {
    usesRuntime: false,
    imports: [],
    endpoints: [],
    memberCalls: [],
    databases: [],
    problems: [],
  };
  private readonly runtime: RuntimeBindings = { named: new Map(), namespaces: new Set() };
  /** Local names bound by value imports, mapped to whether they are namespace imports. */
  private readonly importedLocals = new Map<string, 'binding' | 'namespace'>();
  /** Local declaration name -> the names it is exported as (`export { a as b }`). */
  private readonly exportedAs = new Map<string, string[]>();

  constructor(private readonly sourceFile: TS.SourceFile) {}

  read(): FileFacts {
    for (const statement of this.sourceFile.statements) {
      if (ts.isImportDeclaration(statement)) this.readImport(statement);
      else if (ts.isExportDeclaration(statement)) this.readExportList(statement);
    }
    for (const statement of this.sourceFile.statements) {
      if (ts.isVariableStatement(statement)) this.readEndpoints(statement);
    }
    this.readDefaultExport();
    this.visit(this.sourceFile);
    return this.facts;
  }

  private line(node: TS.Node): number {
    return this.sourceFile.getLineAndCharacterOfPosition(node.getStart(this.sourceFile)).line + 1;
  }

  private problem(node: TS.Node, code: AnalysisErrorCode, message: string, fix: string): void {
    this.facts.problems.push({ code, line: this.line(node), message, fix });
  }

  private readImport(declaration: TS.ImportDeclaration): void {
    if (!ts.isStringLiteral(declaration.moduleSpecifier)) return;
    const specifier = declaration.moduleSpecifier.text;
    const clause = declaration.importClause;
    const typeOnly = clause?.isTypeOnly ?? false;
    const facts: ImportFacts = {
      specifier,
      line: this.line(declaration),
      start: declaration.getStart(this.sourceFile),
      end: declaration.getEnd(),
      typeOnly,
      named: [],
    };
    const isRuntime = specifier === RUNTIME_MODULE || specifier.startsWith(`${RUNTIME_MODULE}/`);
    if (isRuntime) this.facts.usesRuntime = true;
    if (clause?.name) {
      facts.defaultName = clause.name.text;
      if (!typeOnly) this.importedLocals.set(clause.name.text, 'binding');
    }
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) {
      facts.namespaceName = bindings.name.text;
      if (!typeOnly) {
        this.importedLocals.set(bindings.name.text, 'namespace');
        if (isRuntime) this.runtime.namespaces.add(bindings.name.text);
      }
    } else if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        const imported = (element.propertyName ?? element.name).text;
        const local = element.name.text;
        const elementTypeOnly = typeOnly || element.isTypeOnly;
        facts.named.push({ imported, local, typeOnly: elementTypeOnly });
        if (elementTypeOnly) continue;
        this.importedLocals.set(local, 'binding');
        if (isRuntime) this.runtime.named.set(local, imported);
      }
    }
    this.facts.imports.push(facts);
  }

  private readExportList(declaration: TS.ExportDeclaration): void {
    if (declaration.moduleSpecifier || !declaration.exportClause || !ts.isNamedExports(declaration.exportClause)) return;
    for (const element of declaration.exportClause.elements) {
      const local = (element.propertyName ?? element.name).text;
      const names = this.exportedAs.get(local) ?? [];
      names.push(element.name.text);
      this.exportedAs.set(local, names);
    }
  }

  /** Whether `expression` names the runtime export `name` (`api`, `topo.api`, an alias). */
  private isRuntimeExport(expression: TS.Expression, name: string): boolean {
    if (ts.isIdentifier(expression)) return this.runtime.named.get(expression.text) === name;
    return (
      ts.isPropertyAccessExpression(expression) &&
      ts.isIdentifier(expression.expression) &&
      this.runtime.namespaces.has(expression.expression.text) &&
      expression.name.text === name
    );
  }

  private endpointKind(call: TS.CallExpression): EndpointFacts['kind'] | undefined {
    const callee = call.expression;
    if (this.isRuntimeExport(callee, 'api')) return 'typed';
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'raw' && this.isRuntimeExport(callee.expression, 'api')) {
      return 'raw';
    }
    return undefined;
  }

  private readEndpoints(statement: TS.VariableStatement): void {
    const exportModifier = ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
      const call = unwrap(declaration.initializer);
      if (!ts.isCallExpression(call)) continue;
      const kind = this.endpointKind(call);
      if (!kind) continue;
      const variable = declaration.name.text;
      const exportName = exportModifier ? variable : this.exportedAs.get(variable)?.[0];
      const endpoint: EndpointFacts = {
        exportName: exportName ?? variable,
        exported: exportName !== undefined,
        kind,
        line: this.line(declaration),
        start: statement.getStart(this.sourceFile),
        end: statement.getEnd(),
        expose: false,
      };
      if (!endpoint.exported) {
        this.problem(
          declaration,
          'endpoint-not-exported',
          `Endpoint "${variable}" is not exported, so no process can serve it.`,
          `Export it: \`export const ${variable} = ...\`.`,
        );
      }
      this.readEndpointOptions(call, endpoint);
      this.facts.endpoints.push(endpoint);
    }
  }

  private readEndpointOptions(call: TS.CallExpression, endpoint: EndpointFacts): void {
    const options = call.arguments[0] && unwrap(call.arguments[0]);
    const name = endpoint.exportName;
    if (!options || !ts.isObjectLiteralExpression(options)) {
      this.problem(
        options ?? call,
        'non-literal-option',
        `The options of endpoint "${name}" are not an object literal, so they cannot be read without running the code.`,
        `Write them inline: \`api({ expose: true, method: 'GET', path: '/...' }, handler)\`.`,
      );
      return;
    }
    let pathWritten = false;
    for (const property of options.properties) {
      if (ts.isSpreadAssignment(property)) {
        this.problem(
          property,
          'non-literal-option',
          `The options of endpoint "${name}" use a spread, so they cannot be read without running the code.`,
          'Write expose, method and path as literals in the options object.',
        );
        continue;
      }
      const key = property.name && propertyName(property.name);
      if (key !== 'expose' && key !== 'method' && key !== 'path') continue;
      const value = ts.isPropertyAssignment(property) ? unwrap(property.initializer) : undefined;
      const nonLiteral = (expected: string) =>
        this.problem(
          property,
          'non-literal-option',
          `The "${key}" option of endpoint "${name}" is not a literal, so it cannot be read without running the code.`,
          `Use a literal ${expected}.`,
        );
      if (key === 'expose') {
        if (value?.kind === ts.SyntaxKind.TrueKeyword) endpoint.expose = true;
        else if (value?.kind !== ts.SyntaxKind.FalseKeyword) nonLiteral('`true` or `false`');
      } else if (key === 'path') {
        pathWritten = true;
        const path = value && stringLiteral(value);
        if (path === undefined) nonLiteral(`string, such as '/${name}'`);
        else endpoint.path = path;
      } else {
        const methods = value && methodsLiteral(value);
        if (!methods) nonLiteral(`string or array of strings, such as 'GET' or ['GET', 'HEAD']`);
        else this.checkMethods(property, endpoint, methods);
      }
    }
    if (!pathWritten && !options.properties.some(ts.isSpreadAssignment)) {
      this.problem(
        options,
        'invalid-endpoint-option',
        `Endpoint "${name}" has no path.`,
        `Add one to its options, such as path: '/${name}'.`,
      );
    }
  }

  private checkMethods(property: TS.Node, endpoint: EndpointFacts, methods: string[]): void {
    const allowed = endpoint.kind === 'raw' ? [...HTTP_METHODS, '*'] : HTTP_METHODS;
    const unknown = methods.filter((method) => !allowed.includes(method));
    if (methods.length === 0 || unknown.length) {
      this.problem(
        property,
        'invalid-endpoint-option',
        methods.length === 0
          ? `Endpoint "${endpoint.exportName}" lists no method.`
          : `Endpoint "${endpoint.exportName}" uses unknown method ${unknown.map((m) => `"${m}"`).join(', ')}.`,
        `Use ${allowed.join(', ')}.`,
      );
      return;
    }
    endpoint.methods = [...new Set(methods)];
  }

  private readDefaultExport(): void {
    for (const statement of this.sourceFile.statements) {
      let expression: TS.Node | undefined;
      if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
        expression = statement.expression;
      } else if (
        ts.isExportDeclaration(statement) &&
        !statement.moduleSpecifier &&
        statement.exportClause &&
        ts.isNamedExports(statement.exportClause)
      ) {
        const element = statement.exportClause.elements.find((e) => e.name.text === 'default');
        if (element) expression = element.propertyName ?? element.name;
      } else {
        continue;
      }
      if (!expression) continue;
      this.facts.service = this.readServiceExpression(statement, expression);
      return;
    }
  }

  private readServiceExpression(statement: TS.Statement, exported: TS.Node): ServiceExportFacts {
    const line = this.line(statement);
    const expression = ts.isIdentifier(exported) ? (this.topLevelInitializer(exported.text) ?? exported) : exported;
    const value = ts.isExpression(expression) ? unwrap(expression) : expression;
    if (!ts.isNewExpression(value) || !this.isRuntimeExport(value.expression, 'Service')) {
      return { line, problem: 'not-a-service' };
    }
    const argument = value.arguments?.[0];
    const name = argument && stringLiteral(unwrap(argument));
    return name === undefined ? { line, problem: 'non-literal-name' } : { line, name };
  }

  private topLevelInitializer(variable: string): TS.Expression | undefined {
    for (const statement of this.sourceFile.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === variable) return declaration.initializer;
      }
    }
    return undefined;
  }

  private visit(node: TS.Node): void {
    if (ts.isCallExpression(node)) {
      this.readMemberCall(node);
      this.readSharedDatabase(node);
    } else if (ts.isNewExpression(node)) {
      this.readOwnedDatabase(node);
    }
    ts.forEachChild(node, (child) => this.visit(child));
  }

  private readMemberCall(call: TS.CallExpression): void {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee)) return;
    const target = callee.expression;
    const base = {
      member: callee.name.text,
      line: this.line(call),
      start: call.getStart(this.sourceFile),
      end: call.getEnd(),
    };
    if (ts.isIdentifier(target) && this.importedLocals.get(target.text) === 'binding') {
      this.facts.memberCalls.push({ local: target.text, ...base });
    } else if (
      ts.isPropertyAccessExpression(target) &&
      ts.isIdentifier(target.expression) &&
      this.importedLocals.get(target.expression.text) === 'namespace'
    ) {
      this.facts.memberCalls.push({ local: target.expression.text, property: target.name.text, ...base });
    }
  }

  private readOwnedDatabase(expression: TS.NewExpression): void {
    if (!this.isRuntimeExport(expression.expression, 'SQLDatabase')) return;
    const name = this.databaseName(expression, expression.arguments?.[0], 'new SQLDatabase');
    if (name === undefined) return;
    const database: DatabaseFacts = { name, kind: 'owned', line: this.line(expression), variable: this.variableOf(expression) };
    const options = expression.arguments?.[1] && unwrap(expression.arguments[1]);
    if (options && ts.isObjectLiteralExpression(options)) {
      for (const property of options.properties) {
        if (!ts.isPropertyAssignment(property) || propertyName(property.name) !== 'migrations') continue;
        const migrations = stringLiteral(unwrap(property.initializer));
        if (migrations === undefined) {
          this.problem(
            property,
            'non-literal-option',
            `The "migrations" option of database "${name}" is not a literal, so the build cannot find the migrations.`,
            `Use a literal path relative to this file, such as './migrations'.`,
          );
        } else {
          database.migrations = migrations;
        }
      }
    }
    this.facts.databases.push(database);
  }

  private readSharedDatabase(call: TS.CallExpression): void {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'named') return;
    if (!this.isRuntimeExport(callee.expression, 'SQLDatabase')) return;
    const name = this.databaseName(call, call.arguments[0], 'SQLDatabase.named');
    if (name === undefined) return;
    this.facts.databases.push({ name, kind: 'shared', line: this.line(call), variable: this.variableOf(call) });
  }

  private databaseName(node: TS.Node, argument: TS.Expression | undefined, what: string): string | undefined {
    const name = argument && stringLiteral(unwrap(argument));
    if (name === undefined) {
      this.problem(
        node,
        'non-literal-option',
        `The database name given to ${what}(...) is not a string literal.`,
        `Name the database with a literal: ${what}('orders').`,
      );
    }
    return name;
  }

  private variableOf(node: TS.Node): string | undefined {
    let current = node.parent;
    while (current && (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current))) {
      current = current.parent;
    }
    if (
      current &&
      ts.isVariableDeclaration(current) &&
      ts.isIdentifier(current.name) &&
      ts.isVariableStatement(current.parent.parent) &&
      current.parent.parent.parent === this.sourceFile
    ) {
      return current.name.text;
    }
    return undefined;
  }
}

/** Strips parentheses, `as`, `satisfies` and `!` around an expression. */
function unwrap(expression: TS.Expression): TS.Expression {
  let current = expression;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isNonNullExpression(current) ||
    ts.isTypeAssertionExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

function stringLiteral(expression: TS.Expression): string | undefined {
  return ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression) ? expression.text : undefined;
}

function methodsLiteral(expression: TS.Expression): string[] | undefined {
  const single = stringLiteral(expression);
  if (single !== undefined) return [single.toUpperCase()];
  if (!ts.isArrayLiteralExpression(expression)) return undefined;
  const methods: string[] = [];
  for (const element of expression.elements) {
    const method = stringLiteral(unwrap(element));
    if (method === undefined) return undefined;
    methods.push(method);
  }
  return methods;
}

function propertyName(name: TS.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}
