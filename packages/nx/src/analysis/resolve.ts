import { posix } from 'node:path';
import { parseJson } from '@nx/devkit';
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

const ROOT_CONFIGS = ['tsconfig.base.json', 'tsconfig.json'];

/**
 * Resolves relative specifiers and the root tsconfig `compilerOptions.paths` (from
 * `tsconfig.base.json`, then `tsconfig.json`) with its `baseUrl`.
 *
 * @example
 * const resolver = createModuleResolver(diskHost(workspaceRoot));
 * resolver.resolve('apps/api/services/yo/yo.ts', '../hello/client'); // 'apps/api/services/hello/client.ts'
 */
export function createModuleResolver(host: SourceHost): ModuleResolver {
  const { mappings, baseUrl } = readPathMappings(host);
  const cache = new Map<string, string | undefined>();
  return {
    resolve(fromFile, specifier) {
      const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
      const key = relative ? `${posix.dirname(fromFile)}\0${specifier}` : specifier;
      if (!cache.has(key)) {
        const candidates = relative
          ? [posix.join(posix.dirname(fromFile), specifier)]
          : mappedCandidates(specifier, mappings, baseUrl);
        cache.set(key, firstFile(host, candidates));
      }
      return cache.get(key);
    },
  };
}

/**
 * Strings one of which every import specifier that can resolve into `folder` contains: the
 * folder's own name (relative and `baseUrl` specifiers spell it out), and the root
 * tsconfig's path aliases that map into the folder. A file whose text contains none of them
 * imports nothing from `folder`, so a caller can skip parsing it.
 *
 * @example
 * importNeedles(host, 'apps/api/services/hello'); // ['hello', '@acme/hello']
 */
export function importNeedles(host: SourceHost, folder: string): string[] {
  const needles = new Set([posix.basename(folder)]);
  const inside = (path: string) => path === folder || path.startsWith(`${folder}/`);
  for (const mapping of readPathMappings(host).mappings) {
    for (const target of mapping.targets) {
      const fixed = posix.normalize(target.split('*')[0]).replace(/\/$/, '');
      if (inside(fixed)) needles.add(mapping.prefix);
    }
  }
  return [...needles];
}

function readPathMappings(host: SourceHost): { mappings: PathMapping[]; baseUrl?: string } {
  const byPattern = new Map<string, string[]>();
  let baseUrl: string | undefined;
  for (const config of ROOT_CONFIGS) {
    const text = host.read(config);
    if (text === undefined) continue;
    let options;
    try {
      options = parseJson(text)?.compilerOptions;
    } catch {
      continue;
    }
    if (!options) continue;
    if (typeof options.baseUrl === 'string') baseUrl = posix.normalize(options.baseUrl);
    const base = typeof options.baseUrl === 'string' ? posix.normalize(options.baseUrl) : '.';
    for (const [pattern, targets] of Object.entries(options.paths ?? {})) {
      if (!Array.isArray(targets)) continue;
      byPattern.set(
        pattern,
        targets.filter((t): t is string => typeof t === 'string').map((target) => posix.join(base, target)),
      );
    }
  }
  const mappings = [...byPattern].map(([pattern, targets]) => {
    const star = pattern.indexOf('*');
    return star < 0
      ? { prefix: pattern, targets }
      : { prefix: pattern.slice(0, star), suffix: pattern.slice(star + 1), targets };
  });
  // The longest prefix wins, as in TypeScript.
  mappings.sort((a, b) => b.prefix.length - a.prefix.length);
  return { mappings, baseUrl };
}

function mappedCandidates(specifier: string, mappings: PathMapping[], baseUrl: string | undefined): string[] {
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
