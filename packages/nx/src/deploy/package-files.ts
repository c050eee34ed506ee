import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { ExternalPackage } from './deploy-bundle';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  link?: boolean;
  [field: string]: unknown;
}

/**
 * Writes the `package.json` of a bundle, naming only the packages it leaves external, and a
 * `package-lock.json` cut from the workspace's, so that `npm ci` installs exactly the
 * versions the workspace tested with.
 */
export function writePackageFiles(outDir: string, name: string, externals: readonly ExternalPackage[], workspaceRoot: string): void {
  const dependencies = Object.fromEntries(externals.map((e) => [e.name, e.version]));
  const manifest = { name, version: '0.0.0', private: true, main: 'main.js', scripts: { start: 'node main.js' }, dependencies };
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const packages: Record<string, LockEntry> = { '': { name, version: '0.0.0', dependencies } };
  if (externals.length > 0) Object.assign(packages, lockedClosure(workspaceRoot, externals.map((e) => e.name)));
  const lock = { name, version: '0.0.0', lockfileVersion: 3, requires: true, packages };
  writeFileSync(join(outDir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
}

/** The entries of the workspace's lockfile that installing `names` needs, at the same paths. */
function lockedClosure(workspaceRoot: string, names: readonly string[]): Record<string, LockEntry> {
  const file = join(workspaceRoot, 'package-lock.json');
  if (!existsSync(file)) {
    throw new Error(
      `The bundle leaves ${names.join(', ')} for npm to install, and the workspace has no package-lock.json to take their versions from. Run \`npm install\` at the workspace root first.`,
    );
  }
  const all: Record<string, LockEntry> = JSON.parse(readFileSync(file, 'utf8')).packages ?? {};
  const closure: Record<string, LockEntry> = {};
  const visit = (from: string, name: string) => {
    // Node's resolution: the nearest node_modules up from the package that needs it.
    for (let base = from; ; base = parentOf(base)) {
      const key = posix.join(base, 'node_modules', name);
      if (all[key]) {
        if (closure[key]) return;
        if (all[key].link) throw new Error(`${name} is a package of this workspace: it cannot be left external; let the bundle include it.`);
        const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = all[key];
        closure[key] = entry;
        for (const dependency of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) visit(key, dependency);
        return;
      }
      if (base === '') break;
    }
    throw new Error(`${name} is not in the workspace's package-lock.json. Run \`npm install\` at the workspace root, then build again.`);
  };
  for (const name of names) visit('', name);
  return closure;
}

/** `node_modules/a/node_modules/b` -> `node_modules/a`; `node_modules/a` -> ''. */
function parentOf(key: string): string {
  const at = key.lastIndexOf('/node_modules/');
  return at < 0 ? '' : key.slice(0, at);
}
