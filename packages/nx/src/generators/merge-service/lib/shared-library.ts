import { parseJson } from '@nx/devkit';
import { posix } from 'node:path';
import { createModuleResolver, importNeedles, isInside, readModuleSyntax, type SourceHost } from '../../../analysis';
import { SHARED_TAG } from '../../split-service/lib/update-shared-library';
import { mergedFileName, type MergedNames } from './merged-file-names';
import { TEST_FILE } from './test-blocks';

/** What of an app's shared library comes back to the remaining service. */
export interface SharedLibraryReturn {
  /** The library's folder: an Nx project tagged `topo:shared`. */
  readonly root: string;
  /** Its modules that come back, and where each goes in the remaining service. */
  readonly modules: ReadonlyMap<string, string>;
}

/** The services of the merge: their folders and names. */
export interface MergedServices {
  readonly from: { readonly name: string; readonly root: string };
  readonly into: { readonly name: string; readonly root: string };
}

const CODE_FILE = /\.[cm]?tsx?$/;

/**
 * The modules of the shared libraries (`<lib>/hello/...` and `<lib>/yo/...`, where the split
 * puts what both sides of a split of `hello` or of `yo` use) that only the remaining service
 * uses after the merge: each goes back to the same relative place in the remaining service
 * (`<lib>/hello/money.ts` to `services/hello/money.ts`), where it is joined with the module
 * there, if any. A module stays in the library when another project imports it: through the
 * library's index (which would lose it), or directly from code that another service's
 * bundle holds. Type-only imports and tests may import a service's module, as they did
 * before the split; they are respelled. What a module that stays imports stays too.
 *
 * @example
 * planSharedReturn(treeHost(tree), { from, into }, (file) => tree.exists(file)).map((library) => [...library.modules]);
 * // [[['apps/guide/shared/hello/hello.ts', 'apps/guide/services/hello/hello.ts']]]
 */
export function planSharedReturn(
  host: SourceHost,
  services: MergedServices,
  landsInInto: (file: string) => boolean,
): SharedLibraryReturn[] {
  const { from, into } = services;
  const names: MergedNames = { from: from.name, into: into.name };
  const resolver = createModuleResolver(host);
  const libraries: SharedLibraryReturn[] = [];
  for (const root of sharedLibraries(host)) {
    const modules = new Map<string, string>();
    for (const name of new Set([into.name, from.name])) {
      const folder = posix.join(root, name);
      for (const file of host.list(folder).filter((f) => CODE_FILE.test(f))) {
        const relative = posix.relative(folder, file);
        const path =
          name === from.name && name !== into.name
            ? mergedFileName(relative, names, (r) => landsInInto(posix.join(into.root, r)), (r) => host.isFile(posix.join(folder, r)))
            : relative;
        modules.set(file, posix.join(into.root, path));
      }
    }
    if (modules.size === 0) continue;

    const index = host.isFile(posix.join(root, 'index.ts')) ? posix.join(root, 'index.ts') : undefined;
    const exportsOf = new Map<string, readonly string[]>();
    const exported = (file: string) => {
      if (!exportsOf.has(file)) exportsOf.set(file, readModuleSyntax(file, host.read(file) ?? '').exports);
      return exportsOf.get(file)!;
    };
    const reexported = index ? reexportedModules(host, resolver, index) : new Set<string>();
    const held = new Set<string>();
    const needles = [...new Set([...importNeedles(host, root), ...[...new Set([into.name, from.name])].flatMap((n) => importNeedles(host, posix.join(root, n)))])];
    for (const file of host.list().filter((f) => CODE_FILE.test(f))) {
      if (file === index || modules.has(file)) continue;
      const text = host.read(file) ?? '';
      if (!needles.some((needle) => text.includes(needle))) continue;
      const outside = !isInside(file, into.root) && !isInside(file, from.root);
      const module = readModuleSyntax(file, text);
      for (const specifier of module.specifiers) {
        const target = resolver.resolve(file, specifier.text);
        if (target === undefined) continue;
        const statement = specifier.kind === 'import' ? module.imports.find((i) => i.node.moduleSpecifier === specifier.literal) : undefined;
        if (target === index) {
          // Through the index, which would lose what comes back: each module that exports a name it takes stays.
          const taken = statement?.bindings.every((b) => b.imported !== '*' && b.imported !== 'default') ? statement.bindings.map((b) => b.imported) : undefined;
          for (const candidate of reexported) {
            if (modules.has(candidate) && (!taken || exported(candidate).some((name) => taken.includes(name)))) held.add(candidate);
          }
          continue;
        }
        if (!modules.has(target) || !outside) continue;
        const typeOnly = specifier.kind === 'import-type' || (statement !== undefined && statement.bindings.length > 0 && statement.bindings.every((b) => b.typeOnly));
        if (!typeOnly && !TEST_FILE.test(file)) held.add(target);
      }
    }
    // What a module that stays imports stays with it: the library never imports a service.
    for (let grew = true; grew; ) {
      grew = false;
      for (const file of [...held]) {
        const module = readModuleSyntax(file, host.read(file) ?? '');
        for (const specifier of module.specifiers) {
          const target = resolver.resolve(file, specifier.text);
          if (target !== undefined && modules.has(target) && !held.has(target)) {
            held.add(target);
            grew = true;
          }
        }
      }
    }
    for (const file of held) modules.delete(file);
    if (modules.size) libraries.push({ root, modules });
  }
  return libraries;
}

/**
 * The folders of the projects tagged `topo:shared`, read from their project.json (or the
 * `nx` field of their package.json) through the host, pending changes included.
 */
function sharedLibraries(host: SourceHost): string[] {
  const roots: string[] = [];
  for (const file of host.list()) {
    const base = posix.basename(file);
    if (base !== 'project.json' && base !== 'package.json') continue;
    let tags: unknown;
    try {
      const json = parseJson(host.read(file) ?? '{}');
      tags = base === 'project.json' ? json?.tags : json?.nx?.tags;
    } catch {
      continue;
    }
    if (Array.isArray(tags) && tags.includes(SHARED_TAG)) roots.push(posix.dirname(file));
  }
  return [...new Set(roots)];
}

/** The modules a library's index re-exports. */
function reexportedModules(host: SourceHost, resolver: ReturnType<typeof createModuleResolver>, index: string): Set<string> {
  const found = new Set<string>();
  for (const specifier of readModuleSyntax(index, host.read(index) ?? '').specifiers) {
    if (specifier.kind !== 'export') continue;
    const target = resolver.resolve(index, specifier.text);
    if (target) found.add(target);
  }
  return found;
}
