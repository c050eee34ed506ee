import { createHash } from 'node:crypto';
import { ANY_METHOD, type Checked, readBodyLimit, readDatabaseName, readExpose, readMethods, readRoutePath, readTimeout } from '@topo/runtime/contract';
import type * as TS from 'typescript';
import type { AnalysisErrorCode } from './errors';
import { typescript } from './typescript';

// Set by the entry points below, so that TypeScript is loaded only when a file is parsed.
let ts: typeof TS;

/** The package that service code imports `Service`, `api` and `client` from. */
export const RUNTIME_MODULE = '@topo/runtime';

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
  /** `export const hello = client<typeof endpoints>('hello')`: the clients this module exports. */
  clients: ClientFacts[];
  /** `new SQLDatabase('orders', { migrations })` and `SQLDatabase.named('orders')` in this file. */
  databases: DatabaseFacts[];
  problems: ProblemFacts[];
}

export interface DatabaseFacts {
  /** `own`: declared here (`new SQLDatabase`); `named`: another service's, used by name. */
  kind: 'own' | 'named';
  /** The literal name; absent when a problem says why. */
  name?: string;
  line: number;
  /** The `migrations` option as written (a folder relative to this file), when there is one. */
  migrations?: string;
  /** The variable it is assigned to at the top level, when it is. */
  variable?: string;
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
  /**
   * The options given to `new Service(name, options)`, in a canonical form that ignores
   * formatting, comments and quote style ('' for none): two services are configured alike
   * when their forms are equal. Identifiers bound by imports read `<specifier>#<name>`.
   */
  options?: string;
  /** The doc comment on the export (or on the variable it exports), as text. */
  doc?: string;
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
  /** A typed endpoint's body limit, as written or the default; absent when it is not a literal. */
  bodyLimit?: number;
  /** The doc comment on its declaration, as text. */
  doc?: string;
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

export interface ClientFacts {
  /** The name other modules import the client by. */
  exportName: string;
  /** The service named in `client('<service>')`; absent when it is not a literal. */
  service?: string;
  line: number;
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
    clients: [],
    databases: [],
    problems: [],
  };
  private readonly runtime: RuntimeBindings = { named: new Map(), namespaces: new Set() };
  /** Local names bound by value imports, mapped to whether they are namespace imports. */
  private readonly importedLocals = new Map<string, 'binding' | 'namespace'>();
  /** Local names bound by imports, mapped to `<specifier>#<imported name>`. */
  private readonly importOrigins = new Map<string, string>();
  /** The `api(...)` calls that declare a top-level endpoint; any other is one no process serves. */
  private readonly declaredEndpoints = new Set<TS.CallExpression>();
  /** Local declaration name -> the names it is exported as (`export { a as b }`). */
  private readonly exportedAs = new Map<string, string[]>();

  constructor(private readonly sourceFile: TS.SourceFile) {}

  read(): FileFacts {
    for (const statement of this.sourceFile.statements) {
      if (ts.isImportDeclaration(statement)) this.readImport(statement);
      else if (ts.isExportDeclaration(statement)) this.readExportList(statement);
    }
    for (const statement of this.sourceFile.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      this.readEndpoints(statement);
      this.readClients(statement);
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
      this.importOrigins.set(clause.name.text, `${specifier}#default`);
      if (!typeOnly) this.importedLocals.set(clause.name.text, 'binding');
    }
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) {
      facts.namespaceName = bindings.name.text;
      this.importOrigins.set(bindings.name.text, `${specifier}#*`);
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
        this.importOrigins.set(local, `${specifier}#${imported}`);
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
        doc: docOf(declaration),
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
      this.declaredEndpoints.add(call);
    }
  }

  /**
   * Reads `expose`, `method`, `path`, `bodyLimit` and `timeout` from the options literal and checks each
   * with the runtime's own rules (`@topo/runtime/contract`), so that an endpoint the runtime
   * would refuse at start is reported here first, in the same words.
   */
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
    const spread = options.properties.find(ts.isSpreadAssignment);
    if (spread) {
      this.problem(
        spread,
        'non-literal-option',
        `The options of endpoint "${name}" use a spread, so they cannot be read without running the code.`,
        'Write expose, method and path as literals in the options object.',
      );
      return;
    }
    const written = new Map<string, TS.ObjectLiteralElementLike>();
    for (const property of options.properties) {
      const key = property.name && propertyName(property.name);
      if (key === 'expose' || key === 'method' || key === 'path' || key === 'bodyLimit' || key === 'timeout') written.set(key, property);
    }
    /** The option's literal value (undefined when absent), or NON_LITERAL when it cannot be read. */
    const valueOf = (key: string): unknown => {
      const property = written.get(key);
      if (property === undefined) return undefined;
      return ts.isPropertyAssignment(property) ? literalValue(property.initializer) : NON_LITERAL;
    };
    const check = <T>(key: string, read: (value: unknown) => Checked<T>, use: (value: T) => void, example: string | undefined): void => {
      const value = valueOf(key);
      const at = written.get(key) ?? options;
      if (value === NON_LITERAL) {
        // bodyLimit and timeout only matter to the runtime, which checks them at start.
        if (example === undefined) return;
        this.problem(
          at,
          'non-literal-option',
          `The "${key}" option of endpoint "${name}" is not a literal, so it cannot be read without running the code.`,
          `Use a literal ${example}.`,
        );
        return;
      }
      const checked = read(value);
      if (checked.ok) use(checked.value);
      else this.problem(at, 'invalid-endpoint-option', `Endpoint "${name}": ${checked.problem.message}.`, checked.problem.fix);
    };
    check('expose', readExpose, (expose) => (endpoint.expose = expose), '`true` or `false`');
    check('method', (value) => readMethods(value, endpoint.kind), (methods) => {
      // Absent: the runtime's default, left for the reader of the facts to fill in.
      if (valueOf('method') !== undefined) endpoint.methods = methods === ANY_METHOD ? [ANY_METHOD] : [...methods];
    }, `string or array of strings, such as 'GET' or ['GET', 'HEAD']`);
    check('path', readRoutePath, () => (endpoint.path = valueOf('path') as string), `string, such as '/${name}'`);
    if (endpoint.kind === 'typed') check('bodyLimit', readBodyLimit, (limit) => (endpoint.bodyLimit = limit), undefined);
    check('timeout', readTimeout, () => undefined, undefined);
  }

  /** `export const hello = client<typeof endpoints>('hello')`, with `client` from the runtime. */
  private readClients(statement: TS.VariableStatement): void {
    const exportModifier = ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
      const call = unwrap(declaration.initializer);
      if (!ts.isCallExpression(call) || !this.isRuntimeExport(call.expression, 'client')) continue;
      const variable = declaration.name.text;
      const exportName = exportModifier ? variable : this.exportedAs.get(variable)?.[0];
      if (exportName === undefined) continue;
      const argument = call.arguments[0] && stringLiteral(unwrap(call.arguments[0]));
      this.facts.clients.push({ exportName, service: argument, line: this.line(declaration) });
    }
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
    if (name === undefined) return { line, problem: 'non-literal-name' };
    const options = value.arguments?.[1];
    const declared = ts.isIdentifier(exported) ? this.topLevelDeclaration(exported.text) : undefined;
    const doc = docOf(statement) ?? (declared && docOf(declared));
    return { line, name, options: options === undefined ? '' : this.canonical(options), ...(doc ? { doc } : {}) };
  }

  /**
   * An expression in a canonical form: literals as JSON, identifiers bound by imports as
   * `<specifier>#<name>`, everything else rebuilt from its parts, so that formatting,
   * comments and quote style do not count.
   */
  private canonical(node: TS.Node): string {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return JSON.stringify(node.text);
    if (ts.isNumericLiteral(node)) return String(Number(node.text));
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isName = (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node);
      return isName ? node.text : (this.importOrigins.get(node.text) ?? node.text);
    }
    const parts: string[] = [];
    ts.forEachChild(node, (child) => void parts.push(this.canonical(child)));
    if (parts.length === 0) return node.getText(this.sourceFile);
    return `${ts.SyntaxKind[node.kind]}(${parts.join(',')})`;
  }

  private topLevelDeclaration(variable: string): TS.VariableDeclaration | undefined {
    for (const statement of this.sourceFile.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === variable) return declaration;
      }
    }
    return undefined;
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
      this.readUnroutedEndpoint(node);
      this.readNamedDatabase(node);
    }
    if (ts.isNewExpression(node) && this.isRuntimeExport(node.expression, 'SQLDatabase')) this.readOwnDatabase(node);
    ts.forEachChild(node, (child) => this.visit(child));
  }

  /** `new SQLDatabase('orders', { migrations: './migrations' })`: a database this file's service owns. */
  private readOwnDatabase(call: TS.NewExpression): void {
    const database = this.readDatabaseCall(call, 'own');
    if (!database) return;
    const options = call.arguments?.[1] && unwrap(call.arguments[1]);
    if (options) {
      const migrations = ts.isObjectLiteralExpression(options)
        ? options.properties.find((p) => p.name && propertyName(p.name) === 'migrations')
        : undefined;
      const value = migrations && ts.isPropertyAssignment(migrations) ? literalValue(migrations.initializer) : undefined;
      if (!ts.isObjectLiteralExpression(options) || (migrations && typeof value !== 'string')) {
        this.problem(
          migrations ?? options,
          'non-literal-option',
          `The options of database "${database.name ?? '?'}" are not literals, so its migrations cannot be found without running the code.`,
          "Write them inline: `new SQLDatabase('orders', { migrations: './migrations' })`.",
        );
      } else if (typeof value === 'string') database.migrations = value;
    }
    this.facts.databases.push(database);
  }

  /** `SQLDatabase.named('orders')`: a database of another service, used by name. */
  private readNamedDatabase(call: TS.CallExpression): void {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'named' || !this.isRuntimeExport(callee.expression, 'SQLDatabase')) return;
    const database = this.readDatabaseCall(call, 'named');
    if (database) this.facts.databases.push(database);
  }

  /** The name and place of a database declaration, with a problem when it is not a literal, valid name at the top level. */
  private readDatabaseCall(call: TS.NewExpression | TS.CallExpression, kind: DatabaseFacts['kind']): DatabaseFacts | undefined {
    const written = kind === 'own' ? 'new SQLDatabase' : 'SQLDatabase.named';
    const argument = call.arguments?.[0] && unwrap(call.arguments[0]);
    const value = argument ? literalValue(argument) : undefined;
    const database: DatabaseFacts = { kind, line: this.line(call) };
    const declaration = call.parent && ts.isVariableDeclaration(call.parent) ? call.parent : undefined;
    if (declaration && ts.isIdentifier(declaration.name) && ts.isSourceFile(declaration.parent.parent.parent)) {
      database.variable = declaration.name.text;
    } else {
      this.problem(
        call,
        'database-not-top-level',
        `This ${written}(...) is not the value of a top-level const, so each call would open connections of its own and no tool can tell which service uses the database.`,
        `Declare it once at the top level of a module of the service: \`export const db = ${written}('orders'${kind === 'own' ? ", { migrations: './migrations' }" : ''})\`.`,
      );
    }
    if (typeof value !== 'string') {
      this.problem(
        argument ?? call,
        'non-literal-option',
        `The name of this database (${written}) is not a literal string, so it cannot be read without running the code.`,
        `Write it as a literal: \`${written}('orders')\`.`,
      );
      return undefined;
    }
    const name = readDatabaseName(value);
    if (!name.ok) {
      this.problem(argument!, 'invalid-database-name', name.problem.message[0].toUpperCase() + name.problem.message.slice(1) + '.', name.problem.fix);
      return undefined;
    }
    database.name = name.value;
    return database;
  }

  /**
   * `api(...)` anywhere but as the value of a top-level variable: made by a factory, in a
   * loop, inside a function. No process can route it, since a process serves the endpoints
   * its modules export; without this problem it would answer 404 without a word.
   */
  private readUnroutedEndpoint(call: TS.CallExpression): void {
    const kind = this.endpointKind(call);
    if (kind === undefined || this.declaredEndpoints.has(call)) return;
    const declare = kind === 'raw' ? 'api.raw' : 'api';
    this.problem(
      call,
      'endpoint-not-routable',
      `This ${declare}(...) call is not the value of a top-level exported const, so no process can serve the endpoint it makes: it would answer 404.`,
      `Declare each endpoint at the top level of a module of its service: \`export const name = ${declare}({ ... }, handler)\`; share the handler's code through a function instead of making endpoints in a factory or a loop.`,
    );
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
}

/** The text of the doc comments (`/** ... *\/`) on a declaration or statement, tags aside; undefined when there is none. */
function docOf(node: TS.Node): string | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = docs
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .join('\n\n')
    .trim();
  return text === '' ? undefined : text;
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

/** What `literalValue` answers for an expression it cannot evaluate without running the code. */
const NON_LITERAL: unique symbol = Symbol('non-literal');

/**
 * The value of a literal expression: strings, numbers (with a sign, and `*`, `+` and `-`
 * between numbers, as in `64 * 1024`), booleans, null and arrays of those; NON_LITERAL for
 * anything else.
 */
function literalValue(expression: TS.Expression): unknown {
  const node = unwrap(expression);
  const text = stringLiteral(node);
  if (text !== undefined) return text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isPrefixUnaryExpression(node) && (node.operator === ts.SyntaxKind.MinusToken || node.operator === ts.SyntaxKind.PlusToken)) {
    const operand = literalValue(node.operand);
    if (typeof operand !== 'number') return NON_LITERAL;
    return node.operator === ts.SyntaxKind.MinusToken ? -operand : operand;
  }
  if (ts.isBinaryExpression(node)) {
    const [left, right] = [literalValue(node.left), literalValue(node.right)];
    if (typeof left !== 'number' || typeof right !== 'number') return NON_LITERAL;
    switch (node.operatorToken.kind) {
      case ts.SyntaxKind.AsteriskToken:
        return left * right;
      case ts.SyntaxKind.PlusToken:
        return left + right;
      case ts.SyntaxKind.MinusToken:
        return left - right;
      default:
        return NON_LITERAL;
    }
  }
  if (ts.isArrayLiteralExpression(node)) {
    const values = node.elements.map((element) => (ts.isSpreadElement(element) ? NON_LITERAL : literalValue(element)));
    return values.includes(NON_LITERAL) ? NON_LITERAL : values;
  }
  return NON_LITERAL;
}

function propertyName(name: TS.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
}
