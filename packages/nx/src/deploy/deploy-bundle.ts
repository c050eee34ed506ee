import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { bareImports, isMissingOptionalDependency } from '../bundling/bundle';
import { renderEntry } from '../bundling/entry';
import { assertOwnCodeOnly } from '../bundling/foreign-code';
import type { ProcessPlan } from '../app/process-plan';

/** A package the bundle leaves for `npm ci` to install: it cannot be bundled (native code, or named by the user). */
export interface ExternalPackage {
  name: string;
  version: string;
  /** Why it stays out of the bundle. */
  reason: 'native' | 'option';
}

export interface DeployBundle {
  /** Absolute path of `main.js`. */
  mainFile: string;
  /** Its size in bytes. */
  bytes: number;
  externals: ExternalPackage[];
  metafile: Metafile;
}

/**
 * Bundles one process for deployment into `outDir/main.js` (source map beside it, esbuild's
 * metafile in `meta.json`): the process's own services, the runtime and every package they
 * use, so the image needs no node_modules. Node's built-ins stay out, and so do packages
 * that cannot be bundled (native addons) or that `external` names: those are returned, for
 * the package.json that installs them.
 */
export async function bundleForDeploy(
  app: string,
  plan: ProcessPlan,
  outDir: string,
  workspaceRoot: string,
  external: readonly string[] = [],
  options: { usesExpress?: boolean; usesDatabase?: boolean } = {},
): Promise<DeployBundle> {
  mkdirSync(outDir, { recursive: true });
  const entryFile = join(outDir, 'entry.js');
  writeFileSync(entryFile, renderEntry(app, plan));
  const mainFile = join(outDir, 'main.js');
  const externals = new Map<string, ExternalPackage>();
  const result = await build({
    entryPoints: [entryFile],
    outfile: mainFile,
    absWorkingDir: workspaceRoot,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    plugins: [
      ...(options.usesExpress === false && !external.includes('express') ? [leftOut(workspaceRoot, 'express', 'no service of this process has a raw endpoint or middleware')] : []),
      ...(options.usesDatabase === false && !external.includes('pg') ? [leftOut(workspaceRoot, 'pg', 'no service of this process uses a database')] : []),
      externalsOnly(new Set(external), externals),
    ],
  }).catch((error: { errors?: { text: string; location?: { file: string; line: number } | null }[] }) => {
    const details = (error.errors ?? []).map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
    throw new Error(`Process ${plan.name} of app ${app} does not build:\n${details.join('\n') || String(error)}`);
  });
  writeFileSync(join(outDir, 'meta.json'), JSON.stringify(result.metafile));
  if (plan.kind === 'process') assertOwnCodeOnly(app, plan, result.metafile!, workspaceRoot);
  return { mainFile, bytes: readFileSync(mainFile).length, externals: [...externals.values()].sort((a, b) => a.name.localeCompare(b.name)), metafile: result.metafile! };
}

/**
 * Leaves a package the runtime loads on demand out of a process that will never ask for it:
 * express, which the runtime loads only for services with raw endpoints or middleware, and
 * pg, which it loads only for a database (the two are most of a bundle otherwise: 1.2 MB and
 * 170 KB). The runtime's `require(name)` gets a module that says why if it is ever called;
 * an import of the package by the services' own code still gets the package.
 */
function leftOut(workspaceRoot: string, name: 'express' | 'pg', why: string): Plugin {
  let runtimeRoot: string | undefined;
  try {
    runtimeRoot = dirname(realpathSync(require.resolve('@topo/runtime/package.json', { paths: [workspaceRoot] })));
  } catch {
    runtimeRoot = undefined;
  }
  const namespace = `topo-${name}-left-out`;
  const message = `${name} is not in this bundle: ${why}; rebuild with nx build`;
  return {
    name: namespace,
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${name}$`) }, (args) => {
        if (runtimeRoot === undefined || !args.importer.startsWith(runtimeRoot + sep)) return undefined;
        return { path: name, namespace };
      });
      build.onLoad({ filter: /.*/, namespace }, () => ({
        contents: `const missing = () => { throw new Error(${JSON.stringify(message)}); };\nmodule.exports = new Proxy(missing, { get: missing });`,
        loader: 'js',
      }));
    },
  };
}

/** Leaves out Node's built-ins, native packages and the packages named; bundles the rest. */
function externalsOnly(named: ReadonlySet<string>, found: Map<string, ExternalPackage>): Plugin {
  return bareImports('topo-deploy-externals', async (specifier, resolve, importer) => {
    const name = packageName(specifier);
    if (named.has(name)) {
      const manifest = await resolve(`${name}/package.json`);
      found.set(name, { name, version: manifest.errors.length ? '*' : readVersion(dirname(manifest.path)), reason: 'option' });
      return { path: specifier, external: true };
    }
    const resolved = await resolve(specifier);
    if (resolved.errors.length > 0) return isMissingOptionalDependency(importer) ? { path: specifier, external: true } : { errors: resolved.errors };
    if (!resolved.path.includes(`${sep}node_modules${sep}`)) return { path: resolved.path };
    const root = packageRootOf(resolved.path, name);
    if (root && isNative(root)) {
      found.set(name, { name, version: readVersion(root), reason: 'native' });
      return { path: specifier, external: true };
    }
    return { path: resolved.path };
  });
}

/** `@scope/name` or `name` of a bare specifier. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The folder of package `name` that holds `file`. */
function packageRootOf(file: string, name: string): string | undefined {
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const at = file.lastIndexOf(marker);
  return at < 0 ? undefined : file.slice(0, at + marker.length - 1);
}

function readVersion(root: string): string {
  try {
    return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version ?? '*';
  } catch {
    return '*';
  }
}

/** A package with a native addon: node-gyp builds it, or it loads a prebuilt `.node` file. */
function isNative(root: string): boolean {
  if (existsSync(join(root, 'binding.gyp'))) return true;
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    if (manifest.gypfile || manifest.binary) return true;
    const dependencies = Object.keys(manifest.dependencies ?? {});
    return dependencies.some((d) => ['node-gyp-build', 'bindings', 'prebuild-install', '@mapbox/node-pre-gyp', 'node-addon-api'].includes(d));
  } catch {
    return false;
  }
}
