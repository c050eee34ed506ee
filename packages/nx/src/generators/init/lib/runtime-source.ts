import { readJson, type Tree } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';

export const RUNTIME_PACKAGE = '@topo/runtime';
export const PLUGIN_PACKAGE = '@topo/nx';

/** Where init takes `@topo/runtime` from, decided before anything is written. */
export type RuntimeSource =
  /** package.json names it already: left as it is. */
  | { kind: 'listed'; spec: string }
  /** Added to package.json with this spec: the version (a registry) or a `file:` beside @topo/nx. */
  | { kind: 'add'; spec: string }
  /** Installed (as @topo/nx's dependency) from a source package.json cannot name: left unlisted. */
  | { kind: 'installed'; path: string };

/**
 * `@topo/runtime` comes from where `@topo/nx` came from, at the same version:
 * - already in package.json: kept (a plain version other than this one is moved to it,
 *   unless `keepExistingVersions`);
 * - @topo/nx from a registry (a version or range in package.json, or not listed): the
 *   same version from the same registry;
 * - @topo/nx from a tarball (`file:…/topo-nx-0.1.0.tgz`): `topo-runtime-0.1.0.tgz` from the
 *   same folder; from a folder (`file:…/packages/nx`): the runtime's folder beside it.
 * Throws, before init writes anything, when it sits nowhere it could be installed from.
 */
export function findRuntimeSource(tree: Tree, version: string, keepExistingVersions: boolean): RuntimeSource {
  const { dependencies = {}, devDependencies = {} } = tree.exists('package.json') ? readJson(tree, 'package.json') : {};
  const listed: string | undefined = dependencies[RUNTIME_PACKAGE] ?? devDependencies[RUNTIME_PACKAGE];
  if (listed !== undefined) {
    const stale = /^[~^]?\d+\.\d+\.\d+/.test(listed) && listed.replace(/^[~^]/, '') !== version && !keepExistingVersions;
    return stale ? { kind: 'add', spec: version } : { kind: 'listed', spec: listed };
  }
  const pluginSpec: string | undefined = devDependencies[PLUGIN_PACKAGE] ?? dependencies[PLUGIN_PACKAGE];
  const pluginPath = pluginSpec === undefined ? undefined : localPath(pluginSpec);
  if (pluginSpec === undefined || pluginPath === undefined) return { kind: 'add', spec: version };

  const beside = pluginPath.endsWith('.tgz')
    ? posix.join(posix.dirname(pluginPath), `topo-runtime-${version}.tgz`)
    : posix.join(posix.dirname(pluginPath), 'runtime');
  const besideOnDisk = isAbsolute(beside) ? beside : join(tree.root, beside);
  if (beside.endsWith('.tgz') ? existsSync(besideOnDisk) : packageVersionAt(besideOnDisk, RUNTIME_PACKAGE) === version) {
    return { kind: 'add', spec: `file:${beside}` };
  }
  const installed = installedRuntime(tree.root);
  if (installed?.version === version) return { kind: 'installed', path: installed.path };
  throw new Error(
    `${RUNTIME_PACKAGE} ${version} cannot be installed: ${PLUGIN_PACKAGE} comes from ${pluginSpec}, and ${beside} ` +
      `is not there. Nothing was written. Put ${RUNTIME_PACKAGE} ${version} beside it, or install both packages at once ` +
      `(npm install -D ${pluginPath} <folder>/topo-runtime-${version}.tgz), then run nx g @topo/nx:init again.`,
  );
}

/** The path of a `file:` spec (or a bare relative path, as npm writes some), else undefined. */
function localPath(spec: string): string | undefined {
  if (spec.startsWith('file:')) return spec.slice('file:'.length).replace(/\\/g, '/').replace(/\/$/, '');
  if (/^\.{1,2}\//.test(spec) || spec.startsWith('/')) return spec.replace(/\/$/, '');
  return undefined;
}

function packageVersionAt(folder: string, name: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf-8'));
    return manifest.name === name ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

function installedRuntime(workspaceRoot: string): { path: string; version: string } | undefined {
  try {
    const path = require.resolve(`${RUNTIME_PACKAGE}/package.json`, { paths: [workspaceRoot] });
    return { path, version: JSON.parse(readFileSync(path, 'utf-8')).version };
  } catch {
    return undefined;
  }
}
