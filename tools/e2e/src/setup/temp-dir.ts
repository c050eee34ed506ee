import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keepTempDirs } from './paths';
import { logStep } from './log';

/** A new empty directory under the OS temp dir, outside the repository. */
export function makeTempDir(purpose: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `topo-e2e-${purpose}-`));
}

/** Removes a directory made by {@link makeTempDir}, unless `TOPO_E2E_KEEP=1`. */
export function removeTempDir(dir: string): void {
  if (keepTempDirs) {
    logStep(`kept ${dir}`);
    return;
  }
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
