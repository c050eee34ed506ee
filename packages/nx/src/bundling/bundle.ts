import { builtinModules } from 'node:module';
import { sep } from 'node:path';
import type { BuildOptions, OnResolveResult, Plugin, ResolveResult } from 'esbuild';

/** Packages that stay outside every bundle whatever their location: the runtime is shared. */
const ALWAYS_EXTERNAL = /^@topo\/runtime(\/|$)/;
const BUILTINS = new Set(builtinModules);

/** Resolves a specifier as esbuild would, from the importer of the import being decided. */
export type ResolveBare = (specifier: string) => Promise<ResolveResult>;

/**
 * An esbuild plugin that decides where each bare import (`express`, `@scope/pkg/sub`) goes:
 * Node's built-ins always stay external; `decide` answers for the rest, resolving what it
 * needs with `resolve`.
 */
export function bareImports(
  name: string,
  decide: (specifier: string, resolve: ResolveBare, importer: string) => Promise<OnResolveResult>,
): Plugin {
  return {
    name,
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        // The plugin's own resolutions come back through it: let esbuild answer those.
        if (args.pluginData?.topoResolving) return undefined;
        const bare = args.path.startsWith('node:') ? args.path.slice(5) : args.path;
        if (BUILTINS.has(bare.split('/')[0]) || BUILTINS.has(bare)) return { path: args.path, external: true };
        return decide(
          args.path,
          (specifier) => build.resolve(specifier, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { topoResolving: true } }),
          args.importer,
        );
      });
    },
  };
}

/**
 * Keeps installed packages external and bundles workspace code. A bare import that resolves
 * into a `node_modules` folder is left for Node to load at run time; one that resolves to a
 * workspace library (npm workspaces link them, tsconfig paths map them) is bundled, so a
 * process's bundle holds exactly the source it runs.
 */
export function keepInstalledPackagesExternal(): Plugin {
  return bareImports('topo-installed-packages-external', async (specifier, resolve) => {
    if (ALWAYS_EXTERNAL.test(specifier)) return { path: specifier, external: true };
    const resolved = await resolve(specifier);
    if (resolved.errors.length > 0) return { errors: resolved.errors };
    if (resolved.path.includes(`${sep}node_modules${sep}`)) return { path: specifier, external: true };
    return { path: resolved.path };
  });
}

/**
 * Whether an import that does not resolve is an installed package's optional dependency
 * that is not installed (`pg` requires `pg-native` inside a try): it stays a `require` for
 * the package to handle at run time, as it does unbundled. Workspace code gets the error.
 */
export function isMissingOptionalDependency(importer: string): boolean {
  return importer.includes(`${sep}node_modules${sep}`);
}

/** esbuild options shared by `nx serve` and `nx build` for one process's bundle. */
export function processBundleOptions(entryFile: string, outFile: string, workspaceRoot: string): BuildOptions {
  return {
    entryPoints: [entryFile],
    outfile: outFile,
    absWorkingDir: workspaceRoot,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    metafile: true,
    logLevel: 'silent',
    plugins: [keepInstalledPackagesExternal()],
  };
}
