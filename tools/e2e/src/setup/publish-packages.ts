import * as fs from 'node:fs';
import * as path from 'node:path';
import { childEnv } from './child-env';
import { timed } from './log';
import { repoRoot } from './paths';
import { runCommandOrThrow } from './run-command';
import { makeTempDir, removeTempDir } from './temp-dir';

/** The repository's packages, in publishing order (dependencies first). */
export const topoPackageDirs = ['packages/runtime', 'packages/nx'] as const;

export interface PublishedPackages {
  /** The version every package was published with, e.g. `0.1.0-e2e.1732412345678`. */
  version: string;
  /** Package name → version, e.g. `{ '@topo/nx': '0.1.0-e2e.1732412345678' }`. */
  packages: Record<string, string>;
}

/**
 * The version this run publishes every package with, chosen up front so that the specs
 * know it while the packages are still being published.
 */
export function plannedVersions(): PublishedPackages {
  const manifests = topoPackageDirs.map((dir) => readJson(path.join(repoRoot, dir, 'package.json')));
  const baseVersion = String(manifests[0].version).replace(/-.*$/, '');
  const version = `${baseVersion}-e2e.${Date.now()}`;
  return { version, packages: Object.fromEntries(manifests.map((manifest) => [String(manifest.name), version])) };
}

/** Builds the packages as they are in the repository now (`tsc -b`). */
export async function buildPackages(): Promise<void> {
  await timed('build packages', () =>
    runCommandOrThrow('npx', ['tsc', '-b', ...topoPackageDirs.map((dir) => `${dir}/tsconfig.lib.json`)], {
      cwd: repoRoot,
    }),
  );
}

/**
 * Publishes each package, as built by {@link buildPackages}, to the registry with a version
 * of its own for this run (see {@link plannedVersions}), so that no cache can serve an older
 * build. The repository's package.json files are left alone: each package is packed,
 * unpacked in a temporary dir, and its copy gets the new version.
 */
export async function publishPackages(registryUrl: string, planned: PublishedPackages = plannedVersions()): Promise<PublishedPackages> {
  const work = makeTempDir('publish');
  try {
    for (const dir of topoPackageDirs) {
      await timed(`publish ${dir}`, () => publishOne(path.join(repoRoot, dir), work, planned.packages, registryUrl));
    }
  } finally {
    removeTempDir(work);
  }
  return planned;
}

async function publishOne(
  packageDir: string,
  work: string,
  versions: Record<string, string>,
  registryUrl: string,
): Promise<void> {
  const packDir = fs.mkdtempSync(path.join(work, `${path.basename(packageDir)}-`));
  const { stdout } = await runCommandOrThrow('npm', ['pack', '--json', '--pack-destination', packDir], {
    cwd: packageDir,
  });
  const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
  await runCommandOrThrow('tar', ['-xzf', path.join(packDir, path.basename(filename)), '-C', packDir], { cwd: packDir });

  const unpacked = path.join(packDir, 'package');
  const manifestFile = path.join(unpacked, 'package.json');
  const manifest = readJson(manifestFile);
  manifest.version = versions[String(manifest.name)];
  // A dependency on another Topo package must name the version published in this run.
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
    const deps = manifest[field] as Record<string, string> | undefined;
    for (const name of Object.keys(deps ?? {})) {
      if (deps && versions[name] !== undefined) deps[name] = versions[name];
    }
  }
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

  const host = new URL(registryUrl).host;
  // `--tag latest`: npm wants a tag for a prerelease, and a user who installs without a
  // version must get this build.
  await runCommandOrThrow(
    'npm',
    ['publish', '--registry', registryUrl, `--//${host}/:_authToken=e2e-fake-token`, '--tag', 'latest', '--ignore-scripts'],
    { cwd: unpacked, env: childEnv() },
  );
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}
