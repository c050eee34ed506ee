import { builtinModules } from 'node:module';
import { sep } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

/** Packages that stay outside every bundle whatever their location: the runtime is shared. */
const ALWAYS_EXTERNAL = /^@topo\/runtime(\/|$)/;
const BUILTINS = new Set(builtinModules);

/**
 * Keeps installed packages external and bundles workspace code. A bare import that resolves
 * into a `node_modules` folder is left for Node to load at run time; one that resolves to a
 * workspace library (npm workspaces link them, tsconfig paths map them) is bundled, so a
 * process's bundle holds exactly the source it runs.
 */
export function keepInstalledPackagesExternal(): Plugin {
  return {
    name: 'topo-installed-packages-external',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.topoResolving) return undefined;
        const bare = args.path.startsWith('node:') ? args.path.slice(5) : args.path;
        if (BUILTINS.has(bare.split('/')[0]) || BUILTINS.has(bare)) return { path: args.path, external: true };
        if (ALWAYS_EXTERNAL.test(args.path)) return { path: args.path, external: true };
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { topoResolving: true },
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (resolved.path.includes(`${sep}node_modules${sep}`)) return { path: args.path, external: true };
        return { path: resolved.path };
      });
    },
  };
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
