import { posix } from 'node:path';
import type { JsonSchema } from '@topo/runtime/contract';
import type * as TS from 'typescript';
import type { SourceHost } from './files';
import { typescript } from './typescript';
import type { EndpointInfo, ServiceInfo } from './workspace';

// Set by the entry point below, so that TypeScript is loaded only when schemas are asked for.
let ts: typeof TS;

export type { JsonSchema };

export interface EndpointSchemas {
  /** The handler's first parameter; `{}` when it takes none. */
  request: JsonSchema;
  /** What the handler's promise resolves to; `{}` for `void`. */
  response: JsonSchema;
}

export interface SchemaOptions {
  /**
   * Workspace-relative tsconfig whose compiler options the program uses; default: the
   * nearest tsconfig.json above the first service, else the root tsconfig.base.json.
   */
  tsconfig?: string;
  /**
   * Told of every path outside the workspace's own files that the program reads or probes
   * (TypeScript's libraries, installed packages): a cache of the schemas checks them.
   */
  onInstalledPath?: (path: string) => void;
}

/**
 * Request and response schemas of every typed endpoint, keyed `"<service>.<exportName>"`,
 * read with the type checker. Workspace files come from `host` (the disk, or a generator's
 * Tree with its pending changes); TypeScript's libraries and installed packages from the
 * disk. Builds one program over the services' files, so call it once, when bundling or
 * writing the catalog, not on every graph computation.
 *
 * @example
 * const schemas = endpointSchemas(diskHost(workspaceRoot), services);
 * schemas.get('hello.h1')?.request; // { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }
 */
export function endpointSchemas(host: SourceHost, services: readonly ServiceInfo[], options: SchemaOptions = {}): Map<string, EndpointSchemas> {
  const schemas = new Map<string, EndpointSchemas>();
  const endpoints = services.flatMap((service) => service.endpoints).filter((e) => e.kind === 'typed');
  if (endpoints.length === 0) return schemas;
  ts = typescript();
  const files = workspaceFiles(host, options.onInstalledPath);
  const program = ts.createProgram({
    rootNames: services.flatMap((service) => service.sourceFiles).map(files.absolute),
    options: compilerOptions(host, files, services, options),
    host: files.compilerHost,
  });
  const checker = program.getTypeChecker();
  for (const endpoint of endpoints) {
    const sourceFile = program.getSourceFile(files.absolute(endpoint.file));
    const handler = sourceFile && findHandler(sourceFile, endpoint);
    const signature = handler && handlerSignature(checker, handler);
    if (!signature) {
      schemas.set(`${endpoint.service}.${endpoint.exportName}`, { request: {}, response: {} });
      continue;
    }
    const converter = new SchemaConverter(checker, handler);
    const parameter = signature.getParameters()[0];
    const request = parameter ? converter.toSchema(checker.getTypeOfSymbolAtLocation(parameter, handler)) : {};
    const returned = checker.getReturnTypeOfSignature(signature);
    const response = converter.toSchema(checker.getAwaitedType(returned) ?? returned);
    schemas.set(`${endpoint.service}.${endpoint.exportName}`, { request, response });
  }
  return schemas;
}

/** Parsed library and package declaration files, by path and language version. */
const PARSED_INSTALLED = new Map<string, TS.SourceFile>();

interface WorkspaceFiles {
  absolute(file: string): string;
  compilerHost: TS.CompilerHost;
  parseConfigHost: TS.ParseConfigHost;
}

/**
 * A compiler host that reads the workspace's own files through `host` and everything
 * else (TypeScript's libraries, node_modules) from the disk.
 */
function workspaceFiles(host: SourceHost, onInstalledPath: (path: string) => void = () => undefined): WorkspaceFiles {
  const root = host.root.replace(/\\/g, '/');
  const absolute = (file: string) => posix.join(root, file);
  /** The workspace-relative path of an absolute one, when the host owns it. */
  const own = (path: string): string | undefined => {
    const normalized = path.replace(/\\/g, '/');
    if (!normalized.startsWith(`${root}/`)) return undefined;
    const relative = normalized.slice(root.length + 1);
    return relative.split('/').includes('node_modules') ? undefined : relative;
  };
  const readFile = (path: string) => {
    const relative = own(path);
    if (relative !== undefined) return host.read(relative);
    onInstalledPath(path);
    return ts.sys.readFile(path);
  };
  // Module resolution asks about the same installed files and folders again and again (each
  // import probes every node_modules above it): what the disk answered holds for this program.
  const installedFiles = new Map<string, boolean>();
  const installedFolders = new Map<string, boolean>();
  const remembered = (answers: Map<string, boolean>, path: string, ask: (path: string) => boolean) => {
    onInstalledPath(path);
    let answer = answers.get(path);
    if (answer === undefined) answers.set(path, (answer = ask(path)));
    return answer;
  };
  const fileExists = (path: string) => {
    const relative = own(path);
    return relative === undefined ? remembered(installedFiles, path, ts.sys.fileExists) : host.isFile(relative);
  };
  const compilerHost = ts.createCompilerHost({});
  compilerHost.getCurrentDirectory = () => root;
  compilerHost.readFile = readFile;
  compilerHost.fileExists = fileExists;
  // Module resolution only probes folders to skip them; the workspace's may exist only in a Tree.
  compilerHost.directoryExists = (path) => own(path) !== undefined || remembered(installedFolders, path, ts.sys.directoryExists);
  compilerHost.getSourceFile = (fileName, languageVersion) => {
    // TypeScript's libraries and installed packages are parsed once per process: they are
    // most of what a program reads, and they do not change while it runs.
    const installed = own(fileName) === undefined;
    if (installed) onInstalledPath(fileName);
    const key = `${fileName}\0${typeof languageVersion === 'object' ? languageVersion.languageVersion : languageVersion}`;
    if (installed && PARSED_INSTALLED.has(key)) return PARSED_INSTALLED.get(key);
    const text = readFile(fileName);
    const sourceFile = text === undefined ? undefined : ts.createSourceFile(fileName, text, languageVersion, true);
    if (installed && sourceFile) PARSED_INSTALLED.set(key, sourceFile);
    return sourceFile;
  };
  compilerHost.writeFile = () => undefined;
  const parseConfigHost: TS.ParseConfigHost = {
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    // The program's files are given; a tsconfig's include globs are not needed.
    readDirectory: () => [],
    fileExists,
    readFile,
  };
  return { absolute, compilerHost, parseConfigHost };
}

function compilerOptions(host: SourceHost, files: WorkspaceFiles, services: readonly ServiceInfo[], options: SchemaOptions): TS.CompilerOptions {
  const configFile = options.tsconfig ?? nearestTsconfig(host, services[0]?.root ?? '.');
  let parsed: TS.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true };
  if (configFile) {
    const read = ts.parseConfigFileTextToJson(files.absolute(configFile), host.read(configFile) ?? '{}');
    if (!read.error) parsed = ts.parseJsonConfigFileContent(read.config, files.parseConfigHost, files.absolute(posix.dirname(configFile))).options;
  }
  return {
    ...parsed,
    // Only the types matter here: never emit, and see `undefined` and `null` in unions.
    noEmit: true,
    composite: false,
    incremental: false,
    declaration: false,
    emitDeclarationOnly: false,
    tsBuildInfoFile: undefined,
    strictNullChecks: true,
    skipLibCheck: true,
  };
}

/** The workspace-relative tsconfig nearest above `root`, else the root's base or own tsconfig. */
function nearestTsconfig(host: SourceHost, root: string): string | undefined {
  for (let dir = root; dir !== '.' && dir !== '' && dir !== '/'; dir = posix.dirname(dir)) {
    const candidate = posix.join(dir, 'tsconfig.json');
    if (host.isFile(candidate)) return candidate;
  }
  return ['tsconfig.base.json', 'tsconfig.json'].find((file) => host.isFile(file));
}

/** The handler argument of the `api(...)` call declaring `endpoint`. */
function findHandler(sourceFile: TS.SourceFile, endpoint: EndpointInfo): TS.Expression | undefined {
  const statement = sourceFile.statements.find((s) => s.getStart(sourceFile) === endpoint.start);
  if (!statement || !ts.isVariableStatement(statement)) return undefined;
  const declarations = statement.declarationList.declarations;
  const declaration =
    declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === endpoint.exportName) ?? declarations[0];
  let call = declaration?.initializer;
  while (call && (ts.isParenthesizedExpression(call) || ts.isAsExpression(call) || ts.isSatisfiesExpression(call))) {
    call = call.expression;
  }
  return call && ts.isCallExpression(call) ? call.arguments[1] : undefined;
}

function handlerSignature(checker: TS.TypeChecker, handler: TS.Expression): TS.Signature | undefined {
  if (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)) {
    return checker.getSignatureFromDeclaration(handler);
  }
  return checker.getSignaturesOfType(checker.getTypeAtLocation(handler), ts.SignatureKind.Call)[0];
}

/** Converts TypeScript types to JSON Schema as `JSON.stringify` would see the values. */
class SchemaConverter {
  /** Object types being converted, to cut recursion. */
  private readonly stack = new Set<TS.Type>();

  constructor(
    private readonly checker: TS.TypeChecker,
    private readonly location: TS.Node,
  ) {}

  toSchema(type: TS.Type): JsonSchema {
    const flags = type.flags;
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never)) return {};
    if (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return {};
    if (flags & ts.TypeFlags.Null) return { type: 'null' };
    if (type.isUnion()) return this.unionSchema(type.types);
    if (type.isStringLiteral()) return { const: type.value };
    if (type.isNumberLiteral()) return { const: type.value };
    if (flags & ts.TypeFlags.BooleanLiteral) return { const: this.isTrue(type) };
    if (flags & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping)) return { type: 'string' };
    if (flags & ts.TypeFlags.Number) return { type: 'number' };
    if (flags & ts.TypeFlags.Boolean) return { type: 'boolean' };
    if (flags & ts.TypeFlags.TypeParameter) {
      const constraint = this.checker.getBaseConstraintOfType(type);
      return constraint && constraint !== type ? this.toSchema(constraint) : {};
    }
    if (flags & ts.TypeFlags.NonPrimitive) return { type: 'object' };
    if (type.isIntersection()) {
      // A branded primitive (`string & { __brand: 'Id' }`) is the primitive on the wire.
      const primitive = type.types.find((t) => t.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike));
      if (primitive) return this.toSchema(primitive);
    }
    if (flags & ts.TypeFlags.Object || type.isIntersection()) return this.objectSchema(type);
    return {};
  }

  private unionSchema(members: readonly TS.Type[]): JsonSchema {
    // null last, whatever order the checker keeps the members in.
    const present = members
      .filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)))
      .sort((a, b) => (a.flags & ts.TypeFlags.Null ? 1 : 0) - (b.flags & ts.TypeFlags.Null ? 1 : 0));
    const hasTrue = present.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && this.isTrue(t));
    const hasFalse = present.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && !this.isTrue(t));
    const schemas: JsonSchema[] = [];
    if (hasTrue && hasFalse) schemas.push({ type: 'boolean' });
    for (const member of present) {
      if (hasTrue && hasFalse && member.flags & ts.TypeFlags.BooleanLiteral) continue;
      schemas.push(this.toSchema(member));
    }
    if (schemas.length === 0) return {};
    if (schemas.length === 1) return schemas[0];
    if (schemas.some((s) => Object.keys(s).length === 0)) return {};
    if (schemas.every((s) => s.const !== undefined || isNullSchema(s))) {
      return { enum: schemas.map((s) => (s.const === undefined ? null : s.const)) };
    }
    return { anyOf: schemas };
  }

  private objectSchema(type: TS.Type): JsonSchema {
    const name = type.getSymbol()?.getName();
    if (name === 'Date') return { type: 'string' };
    if (this.checker.isArrayType(type)) {
      const [element] = this.checker.getTypeArguments(type as TS.TypeReference);
      return { type: 'array', items: element ? this.within(type, () => this.toSchema(element)) : {} };
    }
    if (this.checker.isTupleType(type)) {
      const elements = this.checker.getTypeArguments(type as TS.TypeReference);
      const items = this.within(type, () => this.unionSchema(elements));
      return { type: 'array', items };
    }
    if (this.stack.has(type)) return {};
    const properties = this.checker.getPropertiesOfType(type);
    const callable = this.checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0;
    if (callable && properties.length === 0) return {};
    return this.within(type, () => {
      const schema: JsonSchema = { type: 'object', properties: {}, required: [] };
      for (const property of properties) {
        const propertyType = this.checker.getTypeOfSymbolAtLocation(property, this.location);
        // JSON drops functions and undefined.
        const defined = this.checker.getNonNullableType(propertyType);
        if (this.checker.getSignaturesOfType(defined, ts.SignatureKind.Call).length > 0) continue;
        const propertySchema = this.toSchema(propertyType);
        const description = ts.displayPartsToString(property.getDocumentationComment(this.checker)).trim();
        if (description) propertySchema.description = description;
        schema.properties![property.getName()] = propertySchema;
        const optional = (property.flags & ts.SymbolFlags.Optional) !== 0 || acceptsUndefined(propertyType);
        if (!optional) schema.required!.push(property.getName());
      }
      const index = this.checker.getIndexInfosOfType(type).find((info) => info.keyType.flags & ts.TypeFlags.String);
      if (index) schema.additionalProperties = this.toSchema(index.type);
      return schema;
    });
  }

  private isTrue(type: TS.Type): boolean {
    return this.checker.typeToString(type) === 'true';
  }

  private within<T>(type: TS.Type, convert: () => T): T {
    this.stack.add(type);
    try {
      return convert();
    } finally {
      this.stack.delete(type);
    }
  }
}

function isNullSchema(schema: JsonSchema): boolean {
  return schema.type === 'null' && Object.keys(schema).length === 1;
}

function acceptsUndefined(type: TS.Type): boolean {
  const members = type.isUnion() ? type.types : [type];
  return members.some((t) => t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Any | ts.TypeFlags.Unknown));
}
