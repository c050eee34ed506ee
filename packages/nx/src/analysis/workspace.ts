import { posix } from 'node:path';
import { DEFAULT_METHODS, paramNames, parseRoutePath, readMigrationFiles } from '@topo/runtime/contract';
import type { AnalysisError } from './errors';
import { diskHost, isIgnoredPath, type SourceHost } from './files';
import { createModuleResolver, type ModuleResolver } from './resolve';
import { CLIENT_FILE, findServices, type ReadOptions, type ServiceLocation } from './services';
import { type FileFacts, type FileFactsCache, readFileFacts } from './syntax';

export interface EndpointInfo {
  service: string;
  /** The name the endpoint is exported as; also its name in the service's client. */
  exportName: string;
  file: string;
  line: number;
  /** Offsets of the variable statement declaring the endpoint in `file`. */
  start: number;
  end: number;
  /** `api(...)` is typed; `api.raw(...)` is an express-style handler. */
  kind: 'typed' | 'raw';
  /** Public (through the gateway) or private (other services only). */
  expose: boolean;
  /** Upper-case HTTP methods, or `['*']` for any. */
  methods: string[];
  path: string;
  /**
   * A typed endpoint's largest request body, in bytes, when the analysis can read it (written
   * as a literal, or left to the default); the gateway refuses larger bodies itself.
   */
  bodyLimit?: number;
  /** Its doc comment, as text. */
  doc?: string;
  /** Names of the `:param` and final `*rest` segments of `path`, in order. */
  pathParams: string[];
}

/** A call from one service to another through the callee's client: `hello.h1(...)`. */
export interface CallInfo {
  /** Calling service. */
  from: string;
  /** Called service. */
  to: string;
  /** Endpoint name, as the client's member. */
  endpoint: string;
  file: string;
  line: number;
  /** Offsets of the call expression in `file`. */
  start: number;
  end: number;
}

export interface ImportInfo {
  file: string;
  line: number;
  /** Offsets of the import declaration in `file`. */
  start: number;
  end: number;
  specifier: string;
  /** The workspace file the specifier names; absent for packages and unresolvable ones. */
  resolvedFile?: string;
  typeOnly: boolean;
  defaultName?: string;
  namespaceName?: string;
  named: { imported: string; local: string; typeOnly: boolean }[];
}

export interface ServiceInfo extends ServiceLocation {
  /** `client.ts` beside `service.ts`, if present. */
  clientFile?: string;
  /** The client that `client.ts` exports (`export const hello = client<...>('hello')`), if it does. */
  client?: { exportName: string; line: number };
  /**
   * The options of `new Service(name, options)` in a canonical form ('' for none): two
   * services are configured alike when theirs are equal.
   */
  options: string;
  /** The doc comment on `new Service(...)`'s export, as text. */
  doc?: string;
  /** The service's .ts files, tests excluded, ordered. */
  sourceFiles: string[];
  /** The service's `*.spec.ts` / `*.test.ts` files. */
  testFiles: string[];
  endpoints: EndpointInfo[];
  /** Calls this service makes to other services' clients. */
  calls: CallInfo[];
  /** Every import in `sourceFiles`. */
  imports: ImportInfo[];
  /** The databases its code declares (`own`) or uses by name (`named`). */
  databases: DatabaseUse[];
}

/** A database declaration in a service's code. */
export interface DatabaseUse {
  name: string;
  kind: 'own' | 'named';
  file: string;
  line: number;
  /** For `own`: the workspace-relative migrations folder, when declared. */
  migrations?: string;
}

/** A database of the workspace: the service that owns it and every other service that uses it. */
export interface DatabaseInfo {
  name: string;
  /** The service that declares it with `new SQLDatabase`. */
  service: string;
  file: string;
  line: number;
  /** Workspace-relative folder of its migrations, when declared. */
  migrations?: string;
  /** Other services that use it by `SQLDatabase.named`, each once, in name order. */
  users: string[];
}

export interface WorkspaceAnalysis {
  services: ServiceInfo[];
  /** Every database a service owns, with the services that use it by name. */
  databases: DatabaseInfo[];
  /**
   * Client calls made by workspace code outside every service, such as a shared library
   * (`from` is ''): the graph draws them from the project that holds the file.
   */
  libraryCalls: CallInfo[];
  errors: AnalysisError[];
}

/**
 * Reads every service of the workspace from its syntax: endpoints, client calls and
 * imports. Fast (no type checker) and cached per file by content hash. Route conflicts
 * depend on which services share an app: `analyzeApp` reports them.
 *
 * @example
 * const { services, errors } = analyzeWorkspace(workspaceRoot);
 * if (errors.length) throw new Error(formatAnalysisErrors(errors));
 * services.flatMap((s) => s.endpoints).map((e) => `${e.methods} ${e.path}`);
 */
export function analyzeWorkspace(workspaceRoot: string, options: ReadOptions = {}): WorkspaceAnalysis {
  const host = options.host ?? diskHost(workspaceRoot);
  const files = (options.files ?? host.list()).filter((file) => !isIgnoredPath(file));
  const found = findServices(workspaceRoot, { ...options, host, files });
  const context: AnalysisContext = {
    host,
    cache: options.cache,
    resolver: createModuleResolver(host),
    services: found.services,
    clientFiles: clientFilesOf(found.services),
    filesByService: assignFiles(files, found.services),
  };
  const errors = [...found.errors];
  const services = found.services.map((service) => readService(service, context, errors));
  const libraryCalls = readLibraryCalls(files, context, errors);
  return { services, databases: readDatabases(services, context.host, errors), libraryCalls, errors };
}

/**
 * The workspace's databases from its services' declarations: each owned by the one service
 * that declares it, used by the services that name it. A name two services declare, a name
 * no service declares, and migrations that cannot run are errors at the declaration.
 */
function readDatabases(services: readonly ServiceInfo[], host: SourceHost, errors: AnalysisError[]): DatabaseInfo[] {
  const databases = new Map<string, DatabaseInfo>();
  for (const service of services) {
    for (const use of service.databases.filter((d) => d.kind === 'own')) {
      const first = databases.get(use.name);
      if (first) {
        errors.push({
          file: use.file,
          line: use.line,
          code: 'duplicate-database',
          message: `Database "${use.name}" is declared again here; service "${first.service}" declares it at ${first.file}:${first.line}.`,
          fix: `A database has one owner: use the other with \`SQLDatabase.named('${use.name}')\`, or give this one another name.`,
        });
        continue;
      }
      databases.set(use.name, { name: use.name, service: service.name, file: use.file, line: use.line, migrations: use.migrations, users: [] });
      if (use.migrations) readMigrations(use, host, errors);
    }
  }
  for (const service of services) {
    for (const use of service.databases.filter((d) => d.kind === 'named')) {
      const database = databases.get(use.name);
      if (!database) {
        const known = [...databases.keys()].sort();
        errors.push({
          file: use.file,
          line: use.line,
          code: 'unknown-database',
          message: `Database "${use.name}" is used here by name, but no service declares it${known.length ? ` (the workspace's databases: ${known.join(', ')})` : ''}.`,
          fix: `Declare it in the service that owns it: \`export const db = new SQLDatabase('${use.name}', { migrations: './migrations' })\`, or name one that exists.`,
        });
      } else if (database.service !== service.name && !database.users.includes(service.name)) database.users.push(service.name);
    }
  }
  for (const database of databases.values()) database.users.sort();
  return [...databases.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The migrations folder of a database is there and every SQL file in it is named as the runtime applies them. */
function readMigrations(use: DatabaseUse, host: SourceHost, errors: AnalysisError[]): void {
  const folder = use.migrations!;
  const files = host.list(folder).filter((file) => posix.dirname(file) === folder);
  const declared = { file: use.file, line: use.line, code: 'invalid-migrations' as const };
  if (files.length === 0 && !host.isFile(posix.join(folder, '.gitkeep'))) {
    errors.push({
      ...declared,
      message: `The migrations folder of database "${use.name}", ${folder}, does not exist or is empty.`,
      fix: 'Create it with a first migration such as 1_create_tables.up.sql, or correct the `migrations` path (relative to this file).',
    });
    return;
  }
  const read = readMigrationFiles(files.map((file) => posix.basename(file)));
  if (!read.ok) errors.push({ ...declared, message: `Database "${use.name}": ${read.problem.message} (in ${folder}).`, fix: read.problem.fix });
}

/** Client calls in TypeScript files that belong to no service; only files that name a client module are parsed. */
function readLibraryCalls(files: readonly string[], context: AnalysisContext, errors: AnalysisError[]): CallInfo[] {
  const inServices = new Set([...context.filesByService.values()].flat());
  const calls: CallInfo[] = [];
  for (const file of files) {
    if (inServices.has(file) || !/\.tsx?$/.test(file) || file.endsWith('.d.ts') || isTestFile(file)) continue;
    const text = context.host.read(file);
    if (text === undefined || !(text.includes(CLIENT_MODULE_NAME) || text.includes('SQLDatabase'))) continue;
    const facts = readFileFacts(file, text, context.cache);
    for (const database of facts.databases) {
      errors.push({
        file,
        line: database.line,
        code: 'database-outside-service',
        message: `Database${database.name ? ` "${database.name}"` : ''} is ${database.kind === 'own' ? 'declared' : 'used'} in a file of no service, so no process knows it is its own.`,
        fix: "Declare a database in the service that owns it (below the folder of its service.ts); other services use it with `SQLDatabase.named('<name>')`.",
      });
    }
    const imports = facts.imports.map((i) => ({ file, ...i, resolvedFile: context.resolver.resolve(file, i.specifier) }));
    calls.push(...clientCalls('', file, facts, imports, context));
  }
  return calls;
}

/**
 * Reads one service, given every service of the workspace (so that calls to their
 * clients can be recognised).
 *
 * @example
 * const { services } = findServices(workspaceRoot);
 * const { service } = analyzeService(workspaceRoot, services[0], services);
 */
export function analyzeService(
  workspaceRoot: string,
  service: ServiceLocation,
  allServices: readonly ServiceLocation[],
  options: Omit<ReadOptions, 'files'> = {},
): { service: ServiceInfo; errors: AnalysisError[] } {
  const host = options.host ?? diskHost(workspaceRoot);
  const files = host.list(service.root).filter((file) => !isIgnoredPath(file));
  const context: AnalysisContext = {
    host,
    cache: options.cache,
    resolver: createModuleResolver(host),
    services: allServices,
    clientFiles: clientFilesOf(allServices),
    filesByService: assignFiles(files, allServices),
  };
  const errors: AnalysisError[] = [];
  return { service: readService(service, context, errors), errors };
}

interface AnalysisContext {
  host: SourceHost;
  cache?: FileFactsCache;
  resolver: ModuleResolver;
  services: readonly ServiceLocation[];
  /** Each service by the path of its client.ts. */
  clientFiles: Map<string, ServiceLocation>;
  filesByService: Map<string, string[]>;
}

/** What a client module's file is called, without extension: a cheap filter before parsing. */
const CLIENT_MODULE_NAME = CLIENT_FILE.replace(/\.ts$/, '');

function clientFilesOf(services: readonly ServiceLocation[]): Map<string, ServiceLocation> {
  return new Map(services.map((service) => [posix.join(service.root, CLIENT_FILE), service]));
}

/** Gives each .ts file to the service whose root is its closest ancestor. */
function assignFiles(files: readonly string[], services: readonly ServiceLocation[]): Map<string, string[]> {
  const byRoot = new Map(services.map((service) => [service.root, service.name]));
  const filesByService = new Map<string, string[]>(services.map((service) => [service.name, []]));
  for (const file of files) {
    if (!/\.tsx?$/.test(file) || file.endsWith('.d.ts')) continue;
    for (let dir = posix.dirname(file); ; dir = posix.dirname(dir)) {
      const owner = byRoot.get(dir);
      if (owner) {
        filesByService.get(owner)?.push(file);
        break;
      }
      if (dir === '.' || dir === '') break;
    }
  }
  return filesByService;
}

function isTestFile(file: string): boolean {
  return /\.(spec|test)\.tsx?$/.test(file);
}

function readService(location: ServiceLocation, context: AnalysisContext, errors: AnalysisError[]): ServiceInfo {
  const files = [...(context.filesByService.get(location.name) ?? [])].sort();
  const clientFile = posix.join(location.root, CLIENT_FILE);
  const service: ServiceInfo = {
    ...location,
    clientFile: context.host.isFile(clientFile) ? clientFile : undefined,
    options: '',
    sourceFiles: files.filter((file) => !isTestFile(file)),
    testFiles: files.filter(isTestFile),
    endpoints: [],
    calls: [],
    imports: [],
    databases: [],
  };
  for (const file of service.sourceFiles) {
    const text = context.host.read(file);
    if (text === undefined) continue;
    const facts = readFileFacts(file, text, context.cache);
    for (const problem of facts.problems) errors.push({ file, ...problem });
    if (file === service.serviceFile) {
      service.options = facts.service?.options ?? '';
      if (facts.service?.doc) service.doc = facts.service.doc;
    }
    if (file === service.clientFile && facts.clients.length > 0) {
      const [client] = facts.clients;
      service.client = { exportName: client.exportName, line: client.line };
    }
    readEndpoints(service, file, facts);
    for (const database of facts.databases) {
      if (database.name === undefined) continue;
      const migrations = database.migrations === undefined ? undefined : posix.normalize(posix.join(posix.dirname(file), database.migrations));
      service.databases.push({ name: database.name, kind: database.kind, file, line: database.line, ...(migrations ? { migrations } : {}) });
    }
    const imports = facts.imports.map((i) => ({ file, ...i, resolvedFile: context.resolver.resolve(file, i.specifier) }));
    service.imports.push(...imports);
    service.calls.push(...clientCalls(service.name, file, facts, imports, context));
  }
  return service;
}

function readEndpoints(service: ServiceInfo, file: string, facts: FileFacts): void {
  for (const endpoint of facts.endpoints) {
    // Without an export or a literal path no process can serve it; a problem says so.
    const path = endpoint.path;
    if (!endpoint.exported || path === undefined) continue;
    service.endpoints.push({
      service: service.name,
      exportName: endpoint.exportName,
      file,
      line: endpoint.line,
      start: endpoint.start,
      end: endpoint.end,
      kind: endpoint.kind,
      expose: endpoint.expose,
      methods: endpoint.methods ?? [...DEFAULT_METHODS],
      path,
      pathParams: paramNames(parseRoutePath(path)),
      ...(endpoint.bodyLimit !== undefined ? { bodyLimit: endpoint.bodyLimit } : {}),
      ...(endpoint.doc ? { doc: endpoint.doc } : {}),
    });
  }
}

/** Calls `x.endpoint(...)` in `file` where `x` is imported from another service's client.ts. */
function clientCalls(from: string, file: string, facts: FileFacts, imports: ImportInfo[], context: AnalysisContext): CallInfo[] {
  // Local name -> called service, for value imports of another service's client.ts.
  const clients = new Map<string, { service: string; namespace: boolean }>();
  for (const declaration of imports) {
    if (declaration.typeOnly || !declaration.resolvedFile) continue;
    const callee = context.clientFiles.get(declaration.resolvedFile);
    if (!callee || callee.name === from) continue;
    for (const { local, typeOnly } of declaration.named) {
      if (!typeOnly) clients.set(local, { service: callee.name, namespace: false });
    }
    if (declaration.defaultName) clients.set(declaration.defaultName, { service: callee.name, namespace: false });
    if (declaration.namespaceName) clients.set(declaration.namespaceName, { service: callee.name, namespace: true });
  }
  const calls: CallInfo[] = [];
  for (const call of facts.memberCalls) {
    const client = clients.get(call.local);
    if (!client || client.namespace !== (call.property !== undefined)) continue;
    calls.push({ from, to: client.service, endpoint: call.member, file, line: call.line, start: call.start, end: call.end });
  }
  return calls;
}
