import * as fs from 'node:fs';
import * as path from 'node:path';
import { timed } from './log';
import { repoRoot } from './paths';
import { runCommandOrThrow } from './run-command';

/** What `npm run release` made for this run: one version, a tarball per package. */
export interface ReleasedPackages {
  /** The version both packages carry, e.g. `0.1.0`. */
  version: string;
  /** Package name → its tarball (absolute), e.g. `{ '@topo/nx': '/tmp/…/topo-nx-0.1.0.tgz' }`. */
  tarballs: Record<string, string>;
}

/**
 * The repository's release step, exactly as a maintainer runs it (`npm run release`, which
 * builds the packages as they are in the working tree and packs them), into `out` instead of
 * `dist/packages` so that the run leaves the repository as it was.
 */
export async function releasePackages(out: string): Promise<ReleasedPackages> {
  await timed('npm run release', () =>
    runCommandOrThrow('npm', ['run', 'release', '--', '--out', out], { cwd: repoRoot }),
  );
  const tarballs: Record<string, string> = {};
  let version = '';
  for (const dir of ['packages/runtime', 'packages/nx']) {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, dir, 'package.json'), 'utf8')) as { name: string; version: string };
    const file = path.join(out, `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`);
    if (!fs.existsSync(file)) throw new Error(`npm run release did not write ${file}.`);
    tarballs[manifest.name] = file;
    version = manifest.version;
  }
  return { version, tarballs };
}
