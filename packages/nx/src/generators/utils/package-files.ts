import { readJsonFile } from '@nx/devkit';
import { join } from 'node:path';

/**
 * The root of this package: three levels up from `src/generators/utils` and from
 * `dist/generators/utils` alike (the build writes to dist/, the templates stay in src/).
 */
const PACKAGE_ROOT = join(__dirname, '..', '..', '..');

/**
 * The version of this package, read at run time so that init adds `@topo/runtime` and
 * `@topo/nx` at the version that is running.
 */
export function topoVersion(): string {
  return readJsonFile<{ version: string }>(join(PACKAGE_ROOT, 'package.json')).version;
}

/** The templates of a generator, which ship in src/ beside its schema.json. */
export function templatesOf(generator: string, ...folder: string[]): string {
  return join(PACKAGE_ROOT, 'src', 'generators', generator, 'files', ...folder);
}
