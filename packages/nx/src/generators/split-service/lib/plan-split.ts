import { getProjects, names, readJson, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import {
  bindingNamesIn,
  CLIENT_FILE,
  createModuleResolver,
  type DeclarationGraph,
  type EndpointInfo,
  isInside,
  type ModuleDeclarations,
  type PathAlias,
  pathAliases,
  readDeclarations,
  readFileFacts,
  readModuleSyntax,
  SERVICE_FILE,
  type TestHostSyntax,
  type TopLevelStatement,
  treeHost,
  typescript,
} from '../../../analysis';
import { classifyDeclarations, type Side } from './classify-declarations';
import { checkReferences } from './check-references';
import type { NormalizedSplitOptions } from './normalize-options';
import type { RenderContext } from './render-module';
import type { TestHostedService } from './host-in-tests';
import { type ClientModule, type ModulePlan, type Owner, ReferenceResolver, referencesIn } from './resolve-references';
import { refusal, type SplitProblem } from './split-problem';
import { splitTests, type TestFileSplit } from './split-tests';
import { type DatabaseSplit, planDatabaseSplit, planOwnDatabase } from './split-databases';

/** The shared library of an app: a nested Nx project both services import by relative path. */
export interface SharedLibrary {
  /** Workspace-relative folder. */
  readonly root: string;
  /** Nx project name. */
  readonly name: string;
  /** Whether an earlier split created it. */
  readonly exists: boolean;
}

/** Everything the split will write, decided before anything is. */
export interface SplitPlan {
  readonly graph: DeclarationGraph;
  /** Where each top-level statement of the source's code goes. */
  readonly sides: ReadonlyMap<TopLevelStatement, Side>;
  /** Every module to write: the source's files rewritten in place, the new service's, the shared library's, the callers'. */
  readonly modules: readonly ModulePlan[];
  /** Files that are left with nothing: the source's code files emptied by the move, test files that moved whole. */
  readonly deleted: ReadonlySet<string>;
  readonly render: RenderContext;
  readonly endpointOf: (statement: TopLevelStatement) => EndpointInfo | undefined;
  /** Modules of the new service that declare moved endpoints: what its client imports. */
  readonly endpointModules: readonly string[];
  readonly clients: { readonly source: ClientModule & { readonly needed: boolean }; readonly target: ClientModule };
  /** Set when something is shared. */
  readonly sharedLibrary?: SharedLibrary;
  /** Exact `paths` aliases whose module the split moves whole, with the module that holds its code now. */
  readonly aliasMoves: readonly { alias: PathAlias; home: string }[];
  /** What happens to the source's databases: handles twinned, migrations moved or divided, the data-copy script. */
  readonly databases: DatabaseSplit;
}

const isTestFile = (file: string) => /\.(spec|test)\.tsx?$/.test(file);

/**
 * Decides the split: reads the source service's code, its tests and the code that uses it
 * with the type checker, classifies every top-level declaration (stays, moves, shared),
 * divides the tests, and resolves every reference of every statement it will write.
 * Refuses, before anything is written, whatever it could not rewrite safely, naming each
 * place by file and line.
 */
export function planSplit(tree: Tree, options: NormalizedSplitOptions): SplitPlan {
  const ts = typescript();
  const { source } = options;
  const host = treeHost(tree);
  const codeFiles = source.sourceFiles.filter((file) => file !== source.serviceFile && file !== source.clientFile);
  const callers = findCallers(tree, options);
  const graph = readDeclarations(host, [source.serviceFile, ...codeFiles, ...source.testFiles, ...callers]);
  const modulesOf = (files: readonly string[]) => files.map((f) => graph.modules.get(f)).filter((m): m is ModuleDeclarations => !!m);
  const problems: SplitProblem[] = [];

  const endpoints = endpointStatements(graph, options, problems);
  const endpointOf = (statement: TopLevelStatement) => endpoints.get(statement);
  const selected = [...endpoints].filter(([, e]) => options.endpoints.includes(e)).map(([s]) => s);
  const code = modulesOf(codeFiles).flatMap((m) => m.statements);
  // service.ts stays, and the new service gets a copy under its name (the same middleware).
  const marker = (graph.modules.get(source.serviceFile)?.statements ?? []).filter((s) => s.kind === 'declaration' || s.kind === 'other');
  const sides = classifyDeclarations(code, (s) => endpoints.has(s), selected, marker);
  // A database handle both sides use is twinned: it stays, and the new service gets its own.
  const databaseInput = {
    typescript: ts,
    tree,
    source,
    services: options.services,
    target: { name: options.name, directory: options.directory },
    choice: options.database,
    code,
    sides,
    newFile: (file: string) => newFileOf(tree, options, file),
  };
  const databasePlan = planDatabaseSplit(databaseInput);
  problems.push(...databasePlan.problems);

  const paths = splitPaths(tree, options, sides);
  const sideOfFile = (file: string): Side | undefined => {
    const placed = code.filter((s) => s.file === file && (s.kind === 'declaration' || s.kind === 'other')).map((s) => sides.get(s));
    if (placed.length === 0) return undefined;
    return placed.includes('stay') ? 'stay' : placed.includes('move') ? 'move' : 'share';
  };
  const tests = splitTests(modulesOf(source.testFiles), { typescript: ts, sides, newFile: paths.newFile, sideOfFile });
  let databases: DatabaseSplit = databasePlan.split;
  if (databasePlan.owning) {
    const testStatements = tests.flatMap((t) => [
      ...t.stay.map((statement) => ({ statement, side: 'stay' as const })),
      ...t.move.map((statement) => ({ statement, side: 'move' as const })),
    ]);
    const own = planOwnDatabase({ ...databaseInput, tests: testStatements }, databasePlan.owning, databasePlan.handles, problems);
    if (own) databases = { ...databases, own: own.own, files: [...databases.files, ...own.files] };
  }
  const modules: ModulePlan[] = [
    { path: source.serviceFile, owner: 'source', test: false, inPlace: true, origin: source.serviceFile, statements: marker },
    {
      path: paths.serviceFile,
      owner: 'new',
      test: false,
      inPlace: false,
      origin: source.serviceFile,
      statements: marker,
      serviceMarker: true,
    },
    ...withTwins(codeModules(modulesOf(codeFiles), sides, paths.moduleOf), databases),
    ...testModules(tests),
    ...callerModules(modulesOf(callers)),
  ];
  const deleted = deletedFiles(modulesOf(codeFiles), sides, tests);
  /** Where a file's code is after the split: one module when it all goes there, else the file itself. */
  const homeOf = (file: string): string => {
    const homes = new Set(code.filter((s) => s.file === file && (s.kind === 'declaration' || s.kind === 'other')).map(paths.moduleOf));
    if (homes.size === 1) return [...homes][0];
    const test = tests.find((t) => t.file === file);
    return test && test.stay.length === 0 && test.move.length > 0 ? test.newFile : file;
  };
  // An alias to a module the split moves whole follows it, and imports through it keep it.
  const aliasMoves = pathAliases(host).flatMap((alias) => {
    const file = [alias.target, `${alias.target}.ts`, posix.join(alias.target, 'index.ts')].find((f) => codeFiles.includes(f));
    return file && deleted.has(file) && homeOf(file) !== file ? [{ alias, home: homeOf(file) }] : [];
  });

  const clients = clientModules(options);
  const namesIn = identifierNamesOf(tree, graph);
  const resolver = new ReferenceResolver({
    typescript: ts,
    source: source.name,
    target: options.name,
    sides,
    endpointOf,
    moduleOf: paths.moduleOf,
    clients,
    moved: new Set(options.endpoints.map((e) => e.exportName)),
    namesIn,
    codeFiles: new Set(codeFiles),
    aliasHome: (specifier) => aliasMoves.find((move) => move.alias.pattern === specifier)?.home,
    homeOf,
    serviceFiles: { source: source.serviceFile, target: paths.serviceFile },
    twins: databases.twins,
  });
  for (const module of modules) {
    for (const statement of module.statements) resolver.resolve(statement, module);
    problems.push(...bindingConflicts(module, resolver));
  }
  problems.push(...resolver.problems);
  problems.push(
    ...checkReferences({
      typescript: ts,
      graph,
      sides,
      endpointOf,
      moduleOf: paths.moduleOf,
      source: source.name,
      target: options.name,
    }),
  );
  if (problems.length) throw refusal(problems);

  const existingHosts = hostsInTests(modules, graph, options);
  const hosts = testHosts(modules, resolver, existingHosts, {
    [source.name]: {
      service: source.name,
      serviceFile: source.serviceFile,
      endpoints: [...endpoints]
        .filter(([statement, e]) => e.kind === 'typed' && sides.get(statement) === 'stay')
        .map(([, e]) => ({ name: e.exportName, module: e.file })),
    },
    [options.name]: {
      service: options.name,
      serviceFile: paths.serviceFile,
      endpoints: selected.filter((s) => endpointOf(s)?.kind === 'typed').map((s) => ({ name: endpointOf(s)!.exportName, module: paths.moduleOf(s) })),
    },
  });
  const moduleResolver = createModuleResolver(host);
  const callsSource = modules.some((m) =>
    m.statements.some((s) => resolver.resolve(s, m).bindings.some((b) => b.file === clients.source.file)),
  );
  return {
    graph,
    sides,
    modules,
    deleted,
    render: {
      typescript: ts,
      resolver,
      sides,
      moduleOf: paths.moduleOf,
      deleted,
      importExtension: options.importExtension,
      services: { from: source.name, to: options.name },
      resolve: (fromFile, specifier) => moduleResolver.resolve(fromFile, specifier),
      hostsOf: (module) => hosts.get(module) ?? [],
      existingHostOf: (module) => existingHosts.get(module)?.host,
      namesIn,
      homeOf,
      newHomeOf: (file) => {
        const relocated = code.filter((s) => s.file === file && (sides.get(s) ?? 'stay') !== 'stay');
        const home = relocated.find((s) => sides.get(s) === 'move') ?? relocated[0];
        return home && paths.moduleOf(home);
      },
      homesOf: (file) => {
        const homes: { move?: string; share?: string } = {};
        for (const statement of code) {
          const side = sides.get(statement);
          if (statement.file === file && (side === 'move' || side === 'share')) homes[side] = paths.moduleOf(statement);
        }
        return homes;
      },
    },
    endpointOf,
    endpointModules: [...new Set(selected.map(paths.moduleOf))].sort(),
    clients: { source: { ...clients.source, needed: callsSource && !source.clientFile }, target: clients.target },
    sharedLibrary: paths.sharedLibrary,
    aliasMoves,
    databases,
  };
}

/**
 * The new service's modules with the database handles it gets of its own (twins), each in
 * its copy of the handle's file: in the module the file's moved code goes to, or a new one.
 */
function withTwins(plans: ModulePlan[], databases: DatabaseSplit): ModulePlan[] {
  const result = [...plans];
  for (const twin of databases.twins.values()) {
    const statement = twin.handle.statement;
    const index = result.findIndex((plan) => plan.path === twin.home && plan.owner === 'new' && !plan.test);
    if (index < 0) {
      result.push({ path: twin.home, owner: 'new', test: false, inPlace: false, origin: statement.file, statements: [statement] });
      continue;
    }
    const plan = result[index];
    result[index] = { ...plan, statements: [...plan.statements, statement].sort((a, b) => a.node.pos - b.node.pos) };
  }
  return result;
}

/**
 * The statement declaring each endpoint of the source. A statement that declares an
 * endpoint that moves and one that stays cannot be divided: that is a problem.
 */
function endpointStatements(
  graph: DeclarationGraph,
  options: NormalizedSplitOptions,
  problems: SplitProblem[],
): Map<TopLevelStatement, EndpointInfo> {
  const { source } = options;
  const endpoints = new Map<TopLevelStatement, EndpointInfo>();
  for (const endpoint of source.endpoints) {
    const statement = graph.modules.get(endpoint.file)?.statements.find((s) => s.node.getStart() === endpoint.start);
    if (statement) endpoints.set(statement, endpoint);
    else if (options.endpoints.includes(endpoint)) {
      throw new Error(
        `Endpoint "${endpoint.exportName}" (${endpoint.file}:${endpoint.line}) was not found where the analysis read it; this is a bug in split-service.`,
      );
    }
  }
  for (const endpoint of options.endpoints) {
    const others = source.endpoints.filter((e) => e.file === endpoint.file && e.start === endpoint.start && !options.endpoints.includes(e));
    if (others.length === 0) continue;
    problems.push({
      file: endpoint.file,
      line: endpoint.line,
      message: `Endpoint "${endpoint.exportName}" is declared in one statement with ${others.map((e) => `"${e.exportName}"`).join(', ')}, which stays.`,
      fix: `Declare each endpoint in a statement of its own (\`export const ${endpoint.exportName} = api(...);\`), then run the split again.`,
    });
  }
  return endpoints;
}

/** Where a file of the source goes in the new service: the same place, `hello.ts` named `yo.ts` (unless the source has a `yo.ts` of its own). */
function newFileOf(tree: Tree, options: NormalizedSplitOptions, file: string): string {
  const { source } = options;
  const path = posix.relative(source.root, file);
  const renamedPath = renamed(path, source.name, options.name);
  return posix.join(options.directory, tree.exists(posix.join(source.root, renamedPath)) ? path : renamedPath);
}

/** Where things go: the new service's files mirror the source's; shared code goes to `shared/<source>/...`. */
function splitPaths(tree: Tree, options: NormalizedSplitOptions, sides: ReadonlyMap<TopLevelStatement, Side>) {
  const { source } = options;
  const newFile = (file: string) => newFileOf(tree, options, file);
  const sharedLibrary = [...sides.values()].includes('share') ? locateSharedLibrary(tree, options) : undefined;
  const sharedFile = (file: string) => posix.join(sharedLibrary!.root, source.name, posix.relative(source.root, file));
  const moduleOf = (statement: TopLevelStatement) => {
    const side = sides.get(statement);
    return side === 'move' ? newFile(statement.file) : side === 'share' ? sharedFile(statement.file) : statement.file;
  };
  return { newFile, moduleOf, sharedLibrary, serviceFile: posix.join(options.directory, SERVICE_FILE) };
}

/** The source's client module (as it is, or as it would be created) and the new service's. */
function clientModules(options: NormalizedSplitOptions): { source: ClientModule; target: ClientModule } {
  const { source } = options;
  return {
    source: {
      service: source.name,
      file: source.clientFile ?? posix.join(source.root, CLIENT_FILE),
      exportName: source.client?.exportName ?? names(source.name).propertyName,
    },
    target: { service: options.name, file: posix.join(options.directory, CLIENT_FILE), exportName: options.clientName },
  };
}

/**
 * The services each test file has to host in its own process after the split: those the
 * code it exercises (through its helpers, the code they call, across the split too) now
 * calls through a client where it called directly before.
 */
function testHosts(
  modules: readonly ModulePlan[],
  resolver: ReferenceResolver,
  existing: ReadonlyMap<ModulePlan, ExistingHost>,
  services: Record<string, TestHostedService>,
): Map<ModulePlan, TestHostedService[]> {
  const placement = new Map<TopLevelStatement, ModulePlan>();
  for (const module of modules) {
    if (module.test) continue;
    for (const statement of module.statements) if (!placement.has(statement)) placement.set(statement, module);
  }
  const hosts = new Map<ModulePlan, TestHostedService[]>();
  for (const test of modules.filter((m) => m.test)) {
    const own = new Set(test.statements);
    const needed = new Set<string>();
    const seen = new Set<TopLevelStatement>();
    const queue = test.statements.map((statement) => ({ statement, module: test }));
    for (let next = queue.pop(); next; next = queue.pop()) {
      const { statement, module } = next;
      if (seen.has(statement)) continue;
      seen.add(statement);
      for (const service of resolver.resolve(statement, module).calls) needed.add(service);
      for (const reference of referencesIn(statement, module)) {
        const target = reference.target;
        const home = target && (own.has(target) ? test : placement.get(target));
        if (target && home) queue.push({ statement: target, module: home });
      }
    }
    // A service the test hosts already is not hosted twice.
    const already = existing.get(test)?.services ?? new Set<string>();
    const hosted = [...needed].filter((name) => !already.has(name)).map((name) => services[name]).filter((s) => s && s.endpoints.length > 0);
    if (hosted.length) hosts.set(test, hosted);
  }
  return hosts;
}

/** A host a test module creates already, and the services it hosts. */
interface ExistingHost {
  host: TestHostSyntax;
  services: Set<string>;
}

/**
 * The hosts test modules create already (`createHost({ register: true, services })`), read
 * through the analysis, with the names of the services they host: a split adds what it
 * needs to such a host rather than a second one, and never hosts a service twice.
 */
function hostsInTests(modules: readonly ModulePlan[], graph: DeclarationGraph, options: NormalizedSplitOptions): Map<ModulePlan, ExistingHost> {
  const serviceAt = new Map(options.services.map((service) => [service.serviceFile, service.name]));
  const found = new Map<ModulePlan, ExistingHost>();
  for (const module of modules) {
    if (!module.test) continue;
    const origin = graph.modules.get(module.origin);
    if (!origin) continue;
    const positions = new Set(module.statements.map((s) => s.node.pos));
    const host = readModuleSyntax(origin.file, origin.sourceFile.text).hosts.find((h) => positions.has(h.statement.pos));
    if (!host) continue;
    const services = new Set<string>();
    for (const entry of host.entries) {
      const file = origin.imports.find((binding) => binding.local === entry.service)?.resolvedFile;
      const name = file && serviceAt.get(file);
      if (name) services.add(name);
    }
    found.set(module, { host, services });
  }
  return found;
}

/**
 * The files outside the source service that the split may have to rewrite: those that call
 * a moved endpoint through the source's client, and those that import the source's files
 * (tests of other services included). Found by the syntactic analysis, so the checker only
 * reads what the split touches.
 */
function findCallers(tree: Tree, options: NormalizedSplitOptions): string[] {
  const { source } = options;
  const moved = new Set(options.endpoints.map((e) => e.exportName));
  const files = new Set<string>();
  const resolver = createModuleResolver(treeHost(tree));
  for (const service of options.services) {
    if (service.name === source.name) continue;
    for (const call of service.calls) if (call.to === source.name && moved.has(call.endpoint)) files.add(call.file);
    for (const declaration of service.imports) {
      if (declaration.resolvedFile && isInside(declaration.resolvedFile, source.root) && declaration.resolvedFile !== source.clientFile) {
        files.add(declaration.file);
      }
    }
    for (const test of service.testFiles) {
      const text = tree.read(test, 'utf-8');
      if (text === null) continue;
      const imports = readFileFacts(test, text).imports;
      if (imports.some((i) => isInside(resolver.resolve(test, i.specifier) ?? '', source.root))) files.add(test);
    }
  }
  return [...files].sort();
}

/** `hello.ts` -> `yo.ts` and `hello.spec.ts` -> `yo.spec.ts`: a file named after its service is named after the new one. */
function renamed(path: string, from: string, to: string): string {
  const base = posix.basename(path);
  const [stem, ...rest] = base.split('.');
  if (stem !== from || rest.length === 0) return path;
  return posix.join(posix.dirname(path), [to, ...rest].join('.'));
}

function codeModules(
  modules: readonly ModuleDeclarations[],
  sides: ReadonlyMap<TopLevelStatement, Side>,
  moduleOf: (statement: TopLevelStatement) => string,
): ModulePlan[] {
  const plans: ModulePlan[] = [];
  const owners: Record<Side, Owner> = { stay: 'source', move: 'new', share: 'shared' };
  for (const module of modules) {
    const statements = module.statements.filter((s) => s.kind === 'declaration' || s.kind === 'other');
    // A file whose code all moves keeps its text (comments, export lists, layout): it is
    // rewritten in place at its new path.
    const whole = statements.length > 0 && statements.every((s) => sides.get(s) === 'move');
    for (const side of ['stay', 'move', 'share'] as const) {
      const placed = statements.filter((s) => sides.get(s) === side);
      if (side !== 'stay' && placed.length === 0) continue;
      if (side === 'stay' && whole) continue;
      plans.push({
        path: side === 'stay' ? module.file : moduleOf(placed[0]),
        owner: owners[side],
        test: false,
        inPlace: side === 'stay' || (side === 'move' && whole),
        origin: module.file,
        statements: placed,
      });
    }
  }
  return plans;
}

function testModules(tests: readonly TestFileSplit[]): ModulePlan[] {
  return tests.flatMap((split) => [
    ...(split.stay.length || !split.move.length
      ? [{ path: split.file, owner: 'source' as const, test: true, inPlace: true, origin: split.file, statements: split.stay, omit: split.omitFromStay }]
      : []),
    ...(split.move.length
      ? [
          {
            path: split.newFile,
            owner: 'new' as const,
            test: true,
            // A test file that moves whole keeps its text, rewritten at its new path.
            inPlace: split.stay.length === 0,
            origin: split.file,
            statements: split.move,
            omit: split.omitFromMove,
          },
        ]
      : []),
  ]);
}

function callerModules(modules: readonly ModuleDeclarations[]): ModulePlan[] {
  return modules.map((module) => ({
    path: module.file,
    owner: 'other' as const,
    test: isTestFile(module.file),
    inPlace: true,
    origin: module.file,
    statements: module.statements.filter((s) => s.kind === 'declaration' || s.kind === 'other'),
  }));
}

/** Code files that the move leaves with nothing of their own, and test files that move whole. */
function deletedFiles(
  modules: readonly ModuleDeclarations[],
  sides: ReadonlyMap<TopLevelStatement, Side>,
  tests: readonly TestFileSplit[],
): Set<string> {
  const deleted = new Set<string>();
  const stays = (target: TopLevelStatement | undefined) => !target || sides.get(target) === 'stay' || !sides.has(target);
  for (const module of modules) {
    const statements = module.statements;
    if (!statements.some((s) => (sides.get(s) ?? 'stay') !== 'stay')) continue;
    const content = statements.some(
      (s) =>
        ((s.kind === 'declaration' || s.kind === 'other') && sides.get(s) === 'stay') ||
        (s.kind === 'export-list' && s.exports.some((e) => stays(e.target))) ||
        s.kind === 're-export',
    );
    if (!content) deleted.add(module.file);
  }
  for (const split of tests) if (split.stay.length === 0 && split.move.length > 0) deleted.add(split.file);
  return deleted;
}

/**
 * Where the app's shared library is, or will be: `<app>/shared`, or `<app>/shared-lib` when
 * `shared` is taken by something else (a service, say).
 */
function locateSharedLibrary(tree: Tree, options: NormalizedSplitOptions): SharedLibrary {
  const app = options.apps[0];
  const base = app?.root ?? posix.dirname(posix.dirname(options.source.root));
  const appName = app?.name ?? posix.basename(base);
  const services = options.services.map((s) => s.root);
  const taken = (name: string) => name === options.name || getProjects(tree).get(name);
  for (const folder of ['shared', 'shared-lib']) {
    const root = posix.join(base, folder);
    const projectJson = posix.join(root, 'project.json');
    if (tree.exists(projectJson)) {
      const project = readJson(tree, projectJson);
      if (Array.isArray(project.tags) && project.tags.includes('topo:shared')) return { root, name: project.name, exists: true };
      continue;
    }
    if (services.some((service) => isInside(service, root) || isInside(root, service))) continue;
    if (tree.exists(root) && (tree.isFile(root) || tree.children(root).length > 0)) continue;
    const name = `${appName}-shared`;
    const owner = taken(name);
    if (owner) {
      throw new Error(
        `The split needs a shared library for code both "${options.source.name}" and "${options.name}" use, and its project name "${name}" is taken ` +
          `(${owner === true ? 'by the new service' : `by ${owner.root}`}). ${owner === true ? 'Pass another --name' : 'Rename that project, or tag it topo:shared to use it as the shared library'}, then run the split again.`,
      );
    }
    return { root, name, exists: false };
  }
  throw new Error(
    `The split needs a shared library for code both "${options.source.name}" and "${options.name}" use, ` +
      `and neither ${base}/shared nor ${base}/shared-lib is free. Move what is in one of them, then run the split again.`,
  );
}

/** The identifiers each module's code uses, so that a new import never shadows or clashes. */
function identifierNamesOf(tree: Tree, graph: DeclarationGraph): (module: ModulePlan) => ReadonlySet<string> {
  const cache = new Map<string, Set<string>>();
  return (module) => {
    let found = cache.get(module.path);
    if (found) return found;
    found = new Set();
    if (module.inPlace) {
      const origin = graph.modules.get(module.origin);
      if (origin) bindingNamesIn(origin.sourceFile, found);
    } else {
      for (const statement of module.statements) bindingNamesIn(statement.node, found);
      const existing = tree.read(module.path, 'utf-8');
      if (existing !== null) for (const name of readModuleSyntax(module.path, existing).bindingNames) found.add(name);
    }
    cache.set(module.path, found);
    return found;
  };
}

/** Two imports a module would need under one name: a namespace import the split divides, say. */
function bindingConflicts(module: ModulePlan, resolver: ReferenceResolver): SplitProblem[] {
  const seen = new Map<string, string>();
  const problems: SplitProblem[] = [];
  const kept = new Map<string, string>();
  for (const statement of module.statements) {
    const resolved = resolver.resolve(statement, module);
    for (const via of resolved.keeps) kept.set(via.local, `${via.kind}:${via.imported}:${via.resolvedFile ?? via.specifier}`);
  }
  for (const statement of module.statements) {
    for (const binding of resolver.resolve(statement, module).bindings) {
      const key = `${binding.kind}:${binding.imported}:${binding.file ?? binding.specifier}`;
      const other = seen.get(binding.local) ?? kept.get(binding.local);
      if (other !== undefined && other !== key) {
        problems.push({
          file: module.origin,
          line: statement.line,
          message: `After the split "${binding.local}" would have to name two modules in ${module.path}: the split divides what it imports.`,
          fix: `Import the names you use from that module one by one (\`import { a, b } from '...'\`), then run the split again.`,
        });
      }
      seen.set(binding.local, key);
    }
  }
  return problems;
}
