import type { Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { createModuleResolver, type DeclarationGraph, type EndpointInfo, importNeedles, isInside, readDeclarations, readModuleSyntax, treeHost } from '../../../analysis';
import type { NormalizedMergeOptions } from './normalize-options';
import type { TypedEndpoint } from './client-modules';
import { mergeModules } from './merge-modules';
import { mergedFileName } from './merged-file-names';
import { followMigrations, joinDatabaseHandles, migrationsDestination, type MigrationsMove, planMigrationsMoves } from './merge-databases';
import { type AliasMove, planAliasMoves } from './path-aliases';
import { joinReexports, reexportsName } from './reexports';
import { type ClientConversion, rewriteModule } from './rewrite-module';
import { planSharedReturn, type SharedLibraryReturn } from './shared-library';
import { TEST_FILE } from './test-blocks';
import { updateTestHosts } from './test-hosts';
import { type ImportsBefore, importsBefore, tidyImports } from './tidy-imports';
import { unexportReturned } from './unexport-returned';

/** Everything the merge will write, decided before anything is. */
export interface MergePlan {
  /** Each file of the merged service, and where it goes in the remaining one. */
  readonly moves: ReadonlyMap<string, string>;
  /** Files of the merged service that go with it: its service.ts, client.ts and project configuration. */
  readonly dropped: readonly string[];
  /** What comes back from the shared libraries (its modules are in `moves` too). */
  readonly shared: readonly SharedLibraryReturn[];
  /** The path aliases of modules that move, which follow them. */
  readonly aliasMoves: readonly AliasMove[];
  /** The new text of each TypeScript file that changes, by its path after the merge. */
  readonly texts: ReadonlyMap<string, string>;
  /** The remaining service's client after the merge: its export name and the modules it types itself from. */
  readonly client?: {
    readonly exportName: string;
    readonly endpointModules: readonly string[];
    /** Its typed endpoints, with the module that declares each after the merge. */
    readonly endpoints: readonly TypedEndpoint[];
    /** Modules the remaining client types itself from that hold no endpoint after the merge. */
    readonly staleModules: readonly string[];
    readonly example: string;
  };
}

/** The merged service's own project files: they go with it, the remaining service keeps its own. */
const PROJECT_FILES = /^(project\.json|package\.json|tsconfig(\..+)?\.json|(jest|vitest|vite)\.config\.[cm]?[jt]s|\.eslintrc(\.json)?|eslint\.config\.[cm]?[jt]s)$/;

const CODE_FILE = /\.[cm]?tsx?$/;

/**
 * Decides the merge: where each file of the merged service goes (the same relative place in
 * the remaining service, its main module to the remaining one's), what comes back from the
 * shared library, and the new text of every module that imports from it or that it
 * moves. Client calls that become calls inside one service turn into direct calls of the
 * endpoint; the other callers call the remaining service's client. Refuses, before anything
 * is written, a destination that is taken and any use of a client it cannot rewrite.
 */
export function planMerge(tree: Tree, options: NormalizedMergeOptions): MergePlan {
  const { from, into } = options;
  const host = treeHost(tree);
  const { moves: serviceMoves, dropped, migrations } = planMoves(tree, options);
  const landing = new Set(serviceMoves.values());
  const shared = planSharedReturn(host, { from, into }, (file) => tree.exists(file) || landing.has(file));
  // What comes back from the library is joined first, where the kept code imported it.
  const moves = new Map([...shared.flatMap((library) => [...library.modules]), ...serviceMoves]);
  const movedPath = (file: string) => moves.get(file) ?? file;
  const aliasMoves = planAliasMoves(host, moves);
  const resolver = createModuleResolver(host);
  const problems: string[] = [];

  // Every module that names what moves, rewritten; tests without the hosts the split added.
  const { rewritten, graph } = rewriteModules(tree, options, { moves, dropped, shared, aliasMoves, problems });
  const hosts = (file: string, text: string) =>
    TEST_FILE.test(file)
      ? updateTestHosts(file, text, { hostsRemaining: (specifier) => resolver.resolve(file, specifier) === into.serviceFile, ownTest: isInside(file, into.root) })
      : text;
  for (const [file, text] of rewritten) rewritten.set(file, hosts(movedPath(file), text));
  for (const file of host.list(into.root)) {
    if (rewritten.has(file) || !TEST_FILE.test(file)) continue;
    const text = tree.read(file, 'utf-8') ?? '';
    const hosted = hosts(file, text);
    if (hosted !== text) rewritten.set(file, hosted);
  }

  // The import declarations each module had before the merge: the merge's own are put in order at the end.
  const texts = new Map<string, string>();
  const untouched = new Map<string, ImportsBefore>();
  const before = (...files: string[]) => importsBefore(files.map((file) => [file, tree.read(file, 'utf-8') ?? ''] as const));
  for (const [file, text] of rewritten) {
    if (moves.has(file) || text === (tree.read(file, 'utf-8') ?? '')) continue;
    texts.set(file, text);
    untouched.set(file, before(file));
  }

  // Modules that land at one place become one, in the order of `moves`: the library's first.
  const added = new Map<string, { file: string; text: string }[]>();
  for (const file of moves.keys()) {
    const text = rewritten.get(file);
    if (text !== undefined) added.set(movedPath(file), [...(added.get(movedPath(file)) ?? []), { file, text }]);
  }
  const readNow = (file: string) => texts.get(file) ?? host.read(file);
  const exportsThrough = (barrel: string, module: string, name: string) => reexportsName(readNow, (f, specifier) => resolver.resolve(f, specifier), barrel, module, name);
  for (const [destination, modules] of added) {
    const stays = tree.exists(destination) && !moves.has(destination);
    let text = stays ? (texts.get(destination) ?? tree.read(destination, 'utf-8') ?? '') : undefined;
    untouched.set(destination, before(...(stays ? [destination] : []), ...modules.map((module) => module.file)));
    for (const module of modules) {
      if (text === undefined) {
        text = module.text;
        continue;
      }
      const joined = joinDatabaseHandles(destination, text, module.text);
      const merged = mergeModules(destination, joined.kept, joined.added, { exportsThrough });
      if ('text' in merged) text = merged.text;
      else {
        const what = isInside(module.file, from.root) ? `the module of "${from.name}"` : `${module.file}, from the shared library,`;
        problems.push(...merged.clashes.map((clash) => `${destination} and ${what} that goes there: ${clash}`));
      }
    }
    texts.set(destination, followMigrations(destination, text!, migrations));
  }
  if (problems.length) {
    throw new Error(
      `Cannot merge "${from.name}" into "${into.name}": \n` +
        problems.map((problem) => `  - ${problem}\n`).join('') +
        `Use a client only to call its endpoints (\`client.endpoint(req)\`), and rename what both services' modules at one place declare; then merge again.`,
    );
  }

  // The remaining service's re-exports of its endpoints by name take those that join their module.
  const joiningModule = (file: string) => from.endpoints.filter((e) => movedPath(e.file) === file).map((e) => e.exportName);
  for (const file of host.list(into.root).filter((f) => CODE_FILE.test(f) && !TEST_FILE.test(f))) {
    const text = texts.get(file) ?? tree.read(file, 'utf-8') ?? '';
    const joined = joinReexports(file, text, {
      resolve: (specifier) => resolver.resolve(file, specifier),
      endpointsIn: (module) => into.endpoints.filter((e) => e.file === module).map((e) => e.exportName),
      joining: joiningModule,
    });
    if (joined === text) continue;
    texts.set(file, joined);
    if (!untouched.has(file)) untouched.set(file, before(file));
  }
  for (const [file, text] of texts) texts.set(file, tidyImports(file, text, untouched.get(file) ?? before()));

  // What the split exported to share it, and nothing imports now, is the module's own again.
  const gone = (file: string) => moves.has(file) || dropped.includes(file);
  const after = createModuleResolver({
    ...host,
    read: (file) => texts.get(file) ?? (gone(file) ? undefined : host.read(file)),
    isFile: (file) => texts.has(file) || (!gone(file) && host.isFile(file)),
  });
  const returned = shared.flatMap((library) =>
    [...library.modules].map(([file, destination]) => ({ destination, names: readModuleSyntax(file, tree.read(file, 'utf-8') ?? '').exports })),
  );
  const unexported = unexportReturned(
    returned,
    [...new Set([...host.list(), ...texts.keys()])].filter((file) => !moves.has(file) && !dropped.includes(file)),
    (file) => texts.get(file) ?? host.read(file),
    (file, specifier) => after.resolve(file, specifier),
  );
  for (const [file, text] of unexported) texts.set(file, text);

  return { moves, dropped, shared, aliasMoves, texts, client: planClient(options, graph, movedPath) };
}

/**
 * Where each file of the merged service goes, and which go with it (its service.ts, client.ts
 * and project configuration). Refuses a destination that holds a file other than a module.
 */
function planMoves(tree: Tree, options: NormalizedMergeOptions): { moves: Map<string, string>; dropped: string[]; migrations: MigrationsMove[] } {
  const { from, into } = options;
  const migrations = planMigrationsMoves(tree, from, into);
  const moves = new Map<string, string>();
  const dropped: string[] = [];
  const clashes: string[] = [];
  const names = { from: from.name, into: into.name };
  for (const file of filesBelow(tree, from.root)) {
    const relative = posix.relative(from.root, file);
    if (file === from.serviceFile || file === from.clientFile || (!relative.includes('/') && PROJECT_FILES.test(relative)) || isCopyScript(tree, file)) {
      dropped.push(file);
      continue;
    }
    // A database's migrations go where nothing is, as a whole folder.
    const migration = migrationsDestination(migrations, file);
    if (migration) {
      moves.set(file, migration);
      continue;
    }
    const named = mergedFileName(
      relative,
      names,
      (r) => tree.exists(posix.join(into.root, r)),
      (r) => tree.exists(posix.join(from.root, r)),
      (fromModule, intoModule) => !declaresAlike(tree, posix.join(from.root, fromModule), posix.join(into.root, intoModule)),
    );
    const destination = posix.join(into.root, named);
    // Two modules at one place become one; any other file would be replaced.
    if (tree.exists(destination) && !(CODE_FILE.test(destination) && tree.isFile(destination))) clashes.push(`${file} would replace ${destination}`);
    moves.set(file, destination);
  }
  if (clashes.length) {
    throw new Error(
      `Cannot merge "${from.name}" into "${into.name}": files of "${from.name}" go to the same place in ${into.root}, and these are taken:\n` +
        clashes.map((clash) => `  - ${clash}\n`).join('') +
        `Rename one file of each pair first (nx g @nx/workspace:move does not apply to files; rename and update the imports), then merge again.`,
    );
  }
  return { moves, dropped, migrations };
}

/**
 * The new text of every module that moves or names what moves (found by the needles of the
 * folders it moves from), rewritten by rewriteModule: specifiers, client calls, titles.
 */
function rewriteModules(
  tree: Tree,
  options: NormalizedMergeOptions,
  plan: Pick<MergePlan, 'moves' | 'dropped' | 'shared' | 'aliasMoves'> & { problems: string[] },
): { rewritten: Map<string, string>; graph: DeclarationGraph } {
  const { from, into } = options;
  const host = treeHost(tree);
  const { moves } = plan;
  const movedPath = (file: string) => moves.get(file) ?? file;
  const intoClient = into.client?.exportName ?? options.intoClientName;
  const endpointModules = (endpoints: readonly EndpointInfo[]) =>
    new Map(endpoints.filter((e) => e.kind === 'typed').map((e) => [e.exportName, movedPath(e.file)]));
  const conversions: ClientConversion[] = [
    // from's client: direct calls inside the merged service, the remaining client elsewhere.
    { clientFile: from.clientFile, service: from.name, endpoints: endpointModules(from.endpoints), redirect: { clientFile: posix.join(into.root, 'client.ts'), exportName: intoClient } },
    // into's client called from moved code: direct calls now.
    { clientFile: into.clientFile, service: into.name, endpoints: endpointModules(into.endpoints), onlyFrom: new Set(moves.keys()) },
  ];
  const folders = [from.root, ...plan.shared.flatMap((library) => [...library.modules.keys()].map((file) => posix.dirname(file)))];
  const needles = [...new Set(folders.flatMap((folder) => importNeedles(host, folder)))];
  const candidates = host.list().filter((file) => {
    if (!CODE_FILE.test(file) || plan.dropped.includes(file)) return false;
    if (moves.has(file)) return true;
    const text = tree.read(file, 'utf-8') ?? '';
    return needles.some((needle) => text.includes(needle));
  });
  const context = {
    graph: readDeclarations(host, candidates),
    moves,
    serviceFiles: { from: from.serviceFile, into: into.serviceFile },
    into: into.root,
    names: { from: from.name, into: into.name },
    aliases: new Set(plan.aliasMoves.map((move) => move.alias.pattern)),
    conversions,
    importExtension: options.importExtension,
    problems: plan.problems,
  };
  return { rewritten: new Map(candidates.map((file) => [file, rewriteModule(context, file)])), graph: context.graph };
}

/**
 * The remaining service's client after the merge: when it has one, or when callers of the
 * merged one (outside the remaining service) need it now.
 */
function planClient(options: NormalizedMergeOptions, graph: DeclarationGraph, movedPath: (file: string) => string): MergePlan['client'] {
  const { from, into } = options;
  const typed = [...into.endpoints, ...from.endpoints].filter((e) => e.kind === 'typed');
  const redirected = [...graph.modules.values()].some(
    (module) => !isInside(movedPath(module.file), into.root) && module.imports.some((binding) => binding.resolvedFile !== undefined && binding.resolvedFile === from.clientFile),
  );
  if (!into.clientFile && !redirected) return undefined;
  return {
    exportName: into.client?.exportName ?? options.intoClientName,
    endpointModules: [...new Set(typed.map((e) => movedPath(e.file)))],
    endpoints: typed.map((e) => ({ name: e.exportName, module: movedPath(e.file) })),
    staleModules: [],
    example: typed[0]?.exportName ?? 'endpoint',
  };
}

/** The one-off data-copy script of `split-service --database=own`: it goes with the service it was written for. */
function isCopyScript(tree: Tree, file: string): boolean {
  return /(^|\/)copy-data-from-[^/]+\.mjs$/.test(file) && (tree.read(file, 'utf-8') ?? '').startsWith('// Written by `nx g @topo/nx:split-service --database=own`');
}

/** Whether two modules declare a name both (they cannot be one module then). */
function declaresAlike(tree: Tree, a: string, b: string): boolean {
  const declared = readModuleSyntax(b, tree.read(b, 'utf-8') ?? '').declares;
  return [...readModuleSyntax(a, tree.read(a, 'utf-8') ?? '').declares].some((name) => declared.has(name));
}

/** Every file below `dir`, whatever its name (fixtures too), installed packages aside. */
function filesBelow(tree: Tree, dir: string): string[] {
  const files: string[] = [];
  const visit = (path: string) => {
    for (const child of tree.children(path)) {
      if (child === 'node_modules') continue;
      const full = posix.join(path, child);
      if (tree.isFile(full)) files.push(full);
      else visit(full);
    }
  };
  visit(dir);
  return files.sort();
}

