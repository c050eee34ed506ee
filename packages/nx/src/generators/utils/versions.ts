import { readJsonFile } from '@nx/devkit';
import { join } from 'node:path';

/**
 * The version of this package, read from its package.json at run time (three levels up,
 * from `src/generators/utils` and from `dist/generators/utils` alike), so that init adds
 * `@topo/runtime` and `@topo/nx` at the version that is running.
 */
export function topoVersion(): string {
  return readJsonFile<{ version: string }>(join(__dirname, '..', '..', '..', 'package.json')).version;
}
