import { posix } from 'node:path';
import type * as Devkit from '@nx/devkit';
import type { SourceHost } from './files';

/** Resolves an import specifier to a workspace file, as TypeScript would for source files. */
export interface ModuleResolver {
  /**
   * The workspace-relative file that `specifier`, imported from `fromFile`, names; or
   * `undefined` for a package from node_modules or a file that does not exist.
   */
  resolve(fromFile: string, specifier: string): string | undefined;
}

interface PathMapping {
  /** The pattern's text before and after its `*` (no `*`: exact match on `prefix`). */
  prefix: string;
  suffix?: string;
  /** Targets, workspace-relative, with their `*`. */
  targets: string[];
}

/** What a tsconfig says about resolving bare specifiers, its `extends` chain included. */
interface PathConfig {
  mappings: PathMapping[];
  /** Workspace-relative `baseUrl`, when one is set. */
  baseUrl?: string;
}

const ROOT_CONFIGS = ['tsconfig.base.json', 'tsconfig.json'];
const NO_PATHS: PathConfig = { mappings: [] };

/**
 * Resolves relative specifiers, and bare ones through the `compilerOptions.paths` and
 * `baseUrl` of the tsconfig that applies to the importing file, as TypeScript would: the
 * nearest `tsconfig.json` above it (an app's own, say), with the configs it `extends`, else
 * the workspace root's `tsconfig.base.json`.
 *
 * @example
 * const resolver = createModuleResolver(diskHost(workspaceRoot));
 * resolver.resolve('apps/api/services/yo/yo.ts', '../hello/client'); // 'apps/api/services/hello/client.ts'
 */
export function createModuleResolver(host: SourceHost): ModuleResolver {
  const configs = tsconfigReader(host);
  const cache = new Map<string, string | undefined>();
  return {
    resolve(fromFile, specifier) {
      const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
      const dir = posix.dirname(fromFile);
      const config = relative ? undefined : configs.forFolder(dir);
      const key = relative ? `${dir}\0${specifier}` : `${config?.file ?? ''}\0${specifier}`;
      if (!cache.has(key)) {
        const candidates = relative ? [posix.join(dir, specifier)] : mappedCandidates(specifier, config?.paths ?? NO_PATHS);
        cache.set(key, firstFile(host, candidates));
      }
      return cache.get(key);
    },
  };
}

/**
 * Strings one of which every import specifier that can resolve into `folder` contains: the
 * folder's own name (relative and `baseUrl` specifiers spell it out), and the path aliases
 * of any tsconfig of the workspace that map into the folder. A file whose text contains none
 * of them imports nothing from `folder`, so a caller can skip parsing it.
 *
 * @example
 * importNeedles(host, 'apps/api/services/hello'); // ['hello', '@acme/hello']
 */
export function importNeedles(host: SourceHost, folder: string): string[] {
  const needles = new Set([posix.basename(folder)]);
  const inside = (path: string) => path === folder || path.startsWith(`${folder}/`);
  const configs = tsconfigReader(host);
  const files = host.list().filter((file) => /^tsconfig(\..+)?\.json$/.test(posix.basename(file)));
  for (const file of new Set([...ROOT_CONFIGS, ...files])) {
    for (const mapping of configs.read(file).mappings) {
      for (const target of mapping.targets) {
        const fixed = posix.normalize(target.split('*')[0]).replace(/\/$/, '');
        if (inside(fixed)) needles.add(mapping.prefix);
      }
    }
  }
  return [...needles];
}

/** An exact `paths` alias a tsconfig declares itself (`"@acme/probe": ["services/probe/index.ts"]`). */
export interface PathAlias {
  /** Workspace-relative tsconfig file that declares it. */
  config: string;
  pattern: string;
  /** Position of the target in the pattern's list. */
  index: number;
  /** The target as written in the file. */
  written: string;
  /** The workspace-relative file or folder it names. */
  target: string;
  /** The folder written targets are relative to (`baseUrl`, else the config's own). */
  base: string;
}

/**
 * Every exact (no `*`) `paths` alias that the workspace's tsconfig files declare themselves,
 * with what each target names: what a generator repoints when it moves the module.
 *
 * @example
 * pathAliases(host); // [{ config: 'apps/up/tsconfig.json', pattern: '@up/probe', target: 'apps/up/services/probe/index.ts', ... }]
 */
export function pathAliases(host: SourceHost): PathAlias[] {
  const aliases: PathAlias[] = [];
  for (const config of host.list().filter((file) => /^tsconfig(\..+)?\.json$/.test(posix.basename(file)))) {
    let options: { baseUrl?: unknown; paths?: Record<string, unknown> } | undefined;
    try {
      options = parseJson(host.read(config) ?? '{}')?.compilerOptions;
    } catch {
      continue;
    }
    if (!options?.paths || typeof options.paths !== 'object') continue;
    const dir = posix.dirname(config);
    const base = typeof options.baseUrl === 'string' ? posix.normalize(posix.join(dir, options.baseUrl)) : dir;
    for (const [pattern, targets] of Object.entries(options.paths)) {
      if (pattern.includes('*') || !Array.isArray(targets)) continue;
      targets.forEach((written, index) => {
        if (typeof written === 'string') aliases.push({ config, pattern, index, written, target: posix.normalize(posix.join(base, written)), base });
      });
    }
  }
  return aliases;
}

/** Reads tsconfig files through the host, each once, and finds the one that applies to a folder. */
function tsconfigReader(host: SourceHost): {
  read(file: string): PathConfig;
  forFolder(dir: string): { file: string; paths: PathConfig } | undefined;
} {
  const read = new Map<string, PathConfig>();
  const nearest = new Map<string, string | undefined>();
  const readConfig = (file: string, seen: Set<string>): PathConfig => {
    const known = read.get(file);
    if (known) return known;
    let config = NO_PATHS;
    const text = host.read(file);
    if (text !== undefined && !seen.has(file)) {
      seen.add(file);
      config = parseConfig(file, text, (parent) => readConfig(parent, seen));
    }
    read.set(file, config);
    return config;
  };
  const findNearest = (dir: string): string | undefined => {
    if (nearest.has(dir)) return nearest.get(dir);
    let found: string | undefined;
    if (dir === '.' || dir === '') found = ROOT_CONFIGS.find((file) => host.isFile(file));
    else {
      const candidate = posix.join(dir, 'tsconfig.json');
      found = host.isFile(candidate) ? candidate : findNearest(posix.dirname(dir));
    }
    nearest.set(dir, found);
    return found;
  };
  return {
    read: (file) => readConfig(file, new Set()),
    forFolder(dir) {
      const file = findNearest(dir);
      if (file === undefined) return undefined;
      const paths = readConfig(file, new Set());
      // A root tsconfig.json that only lists references still leaves the base's paths in force.
      if (paths.mappings.length === 0 && paths.baseUrl === undefined && file === 'tsconfig.json' && host.isFile('tsconfig.base.json')) {
        return { file: 'tsconfig.base.json', paths: readConfig('tsconfig.base.json', new Set()) };
      }
      return { file, paths };
    },
  };
}

/** The paths and baseUrl of one tsconfig: its own, else those of the config it extends. */
function parseConfig(file: string, text: string, readParent: (file: string) => PathConfig): PathConfig {
  let json: { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: Record<string, unknown> } } | undefined;
  try {
    json = parseJson(text);
  } catch {
    return NO_PATHS;
  }
  const dir = posix.dirname(file);
  const parents = (Array.isArray(json?.extends) ? json.extends : [json?.extends]).filter(
    (parent): parent is string => typeof parent === 'string' && parent.startsWith('.'),
  );
  // Later entries of an `extends` list win, as in TypeScript.
  let inherited: PathConfig = NO_PATHS;
  for (const parent of parents) {
    const path = posix.normalize(posix.join(dir, parent.endsWith('.json') ? parent : `${parent}.json`));
    const config = readParent(path);
    inherited = { mappings: config.mappings.length ? config.mappings : inherited.mappings, baseUrl: config.baseUrl ?? inherited.baseUrl };
  }
  const options = json?.compilerOptions;
  const baseUrl = typeof options?.baseUrl === 'string' ? posix.normalize(posix.join(dir, options.baseUrl)) : inherited.baseUrl;
  if (!options?.paths || typeof options.paths !== 'object') return { mappings: inherited.mappings, baseUrl };
  // Targets are relative to baseUrl when there is one, else to the config that declares them.
  const base = typeof options.baseUrl === 'string' ? baseUrl! : dir;
  const mappings = Object.entries(options.paths).flatMap(([pattern, targets]): PathMapping[] => {
    if (!Array.isArray(targets)) return [];
    const resolved = targets.filter((t): t is string => typeof t === 'string').map((target) => posix.join(base, target));
    const star = pattern.indexOf('*');
    return [star < 0 ? { prefix: pattern, targets: resolved } : { prefix: pattern.slice(0, star), suffix: pattern.slice(star + 1), targets: resolved }];
  });
  // The longest prefix wins, as in TypeScript.
  mappings.sort((a, b) => b.prefix.length - a.prefix.length);
  return { mappings, baseUrl };
}

function mappedCandidates(specifier: string, { mappings, baseUrl }: PathConfig): string[] {
  for (const mapping of mappings) {
    if (mapping.suffix === undefined) {
      if (specifier === mapping.prefix) return mapping.targets;
      continue;
    }
    const { prefix, suffix } = mapping;
    if (specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix)) {
      const matched = specifier.slice(prefix.length, specifier.length - suffix.length);
      return mapping.targets.map((target) => target.replace('*', matched));
    }
  }
  return baseUrl ? [posix.join(baseUrl, specifier)] : [];
}

function firstFile(host: SourceHost, bases: string[]): string | undefined {
  for (const base of bases) {
    const path = posix.normalize(base);
    if (path.startsWith('..')) continue;
    for (const candidate of candidatesFor(path)) {
      if (host.isFile(candidate)) return candidate;
    }
  }
  return undefined;
}

function candidatesFor(path: string): string[] {
  const candidates = [];
  if (/\.(ts|tsx)$/.test(path)) candidates.push(path);
  // ESM-style specifiers name the emitted .js file.
  const js = /\.(m|c)?js$/.exec(path);
  if (js) {
    const stem = path.slice(0, js.index);
    candidates.push(`${stem}.${js[1] ?? ''}ts`, `${stem}.tsx`);
  }
  candidates.push(`${path}.ts`, `${path}.tsx`, `${path}/index.ts`, `${path}/index.tsx`);
  return candidates;
}

/**
 * Nx's JSON reader (comments and trailing commas, as tsconfig files have them), loaded on
 * first use: the graph plugin answers from its cache without reading a tsconfig, and
 * loading @nx/devkit costs its worker about 200 ms.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function parseJson(text: string): any {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@nx/devkit') as typeof Devkit).parseJson(text);
}
