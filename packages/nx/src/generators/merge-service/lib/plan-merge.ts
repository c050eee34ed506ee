import type { Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { type EndpointInfo, importNeedles, readDeclarations, treeHost } from '../../../analysis';
import type { NormalizedMergeOptions } from './normalize-options';
import { mergeModules } from './merge-modules';
import { type ClientConversion, rewriteModule } from './rewrite-module';

/** Everything the merge will write, decided before anything is. */
export interface MergePlan {
  /** Each file of the merged service, and where it goes in the remaining one. */
  readonly moves: ReadonlyMap<string, string>;
  /** Files of the merged service that go with it: its service.ts, client.ts and project configuration. */
  readonly dropped: readonly string[];
  /** The new text of each TypeScript file that changes, by its path after the merge. */
  readonly texts: ReadonlyMap<string, string>;
  /** The remaining service's client after the merge: its export name and the modules it types itself from. */
  readonly client?: {
    readonly exportName: string;
    readonly endpointModules: readonly string[];
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
 * the remaining service), and the new text of every module that imports from it or that it
 * moves. Client calls that become calls inside one service turn into direct calls of the
 * endpoint; the other callers call the remaining service's client. Refuses, before anything
 * is written, a destination that is taken and any use of a client it cannot rewrite.
 */
export function planMerge(tree: Tree, options: NormalizedMergeOptions): MergePlan {
  const { from, into } = options;
  const moves = new Map<string, string>();
  const dropped: string[] = [];
  const clashes: string[] = [];
  for (const file of filesBelow(tree, from.root)) {
    const relative = posix.relative(from.root, file);
    if (file === from.serviceFile || file === from.clientFile || (!relative.includes('/') && PROJECT_FILES.test(relative))) {
      dropped.push(file);
      continue;
    }
    const destination = posix.join(into.root, relative);
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

  const host = treeHost(tree);
  const intoClient = into.client?.exportName ?? options.intoClientName;
  const movedPath = (file: string) => moves.get(file) ?? file;
  const endpointModules = (endpoints: readonly EndpointInfo[]) =>
    new Map(endpoints.filter((e) => e.kind === 'typed').map((e) => [e.exportName, movedPath(e.file)]));
  const conversions: ClientConversion[] = [
    // from's client: direct calls inside the merged service, the remaining client elsewhere.
    { clientFile: from.clientFile, service: from.name, endpoints: endpointModules(from.endpoints), redirect: { clientFile: posix.join(into.root, 'client.ts'), exportName: intoClient } },
    // into's client called from moved code: direct calls now.
    { clientFile: into.clientFile, service: into.name, endpoints: endpointModules(into.endpoints), onlyFrom: new Set(moves.keys()) },
  ];

  const needles = importNeedles(host, from.root);
  const candidates = host.list().filter((file) => {
    if (!CODE_FILE.test(file) || dropped.includes(file)) return false;
    if (moves.has(file)) return true;
    const text = tree.read(file, 'utf-8') ?? '';
    return needles.some((needle) => text.includes(needle));
  });
  const problems: string[] = [];
  const texts = new Map<string, string>();
  const context = {
    graph: readDeclarations(host, candidates),
    moves,
    serviceFiles: { from: from.serviceFile, into: into.serviceFile },
    into: into.root,
    conversions,
    importExtension: options.importExtension,
    problems,
  };
  const added = new Map<string, string>();
  for (const file of candidates) {
    const text = tree.read(file, 'utf-8') ?? '';
    const rewritten = rewriteModule(context, file);
    if (moves.has(file)) added.set(movedPath(file), rewritten);
    else if (rewritten !== text) texts.set(file, rewritten);
  }
  for (const [destination, text] of added) {
    if (!tree.exists(destination)) {
      texts.set(destination, text);
      continue;
    }
    const merged = mergeModules(destination, texts.get(destination) ?? tree.read(destination, 'utf-8') ?? '', text);
    if ('text' in merged) texts.set(destination, merged.text);
    else problems.push(...merged.clashes.map((clash) => `${destination} and the module of "${from.name}" that goes there: ${clash}`));
  }
  if (problems.length) {
    throw new Error(
      `Cannot merge "${from.name}" into "${into.name}": \n` +
        problems.map((problem) => `  - ${problem}\n`).join('') +
        `Use a client only to call its endpoints (\`client.endpoint(req)\`), and rename what both services' modules at one place declare; then merge again.`,
    );
  }

  const typed = [...into.endpoints, ...from.endpoints].filter((e) => e.kind === 'typed');
  const client =
    into.clientFile || from.clientFile
      ? {
          exportName: intoClient,
          endpointModules: [...new Set(typed.map((e) => movedPath(e.file)))],
          staleModules: [],
          example: typed[0]?.exportName ?? 'endpoint',
        }
      : undefined;
  return { moves, dropped, texts, client };
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

