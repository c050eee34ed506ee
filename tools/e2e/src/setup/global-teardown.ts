import * as fs from 'node:fs';
import * as path from 'node:path';
import { e2eContext } from './e2e-context';
import { removeTempDir } from './temp-dir';
import { removeTestWorkspace } from './test-workspace';

/**
 * Waits for what the global setup still prepares, and removes the release tarballs and the
 * prepared workspace the specs copied.
 */
export default async function globalTeardown(): Promise<void> {
  await globalThis.topoE2ePreparing;
  globalThis.topoE2ePreparing = undefined;
  const { preparedDir, releaseDir } = e2eContext();
  const template = path.join(preparedDir, 'template.json');
  if (fs.existsSync(template)) {
    const outcome = JSON.parse(fs.readFileSync(template, 'utf8')) as { value?: { root: string } };
    if (outcome.value) removeTestWorkspace(outcome.value.root);
  }
  removeTempDir(preparedDir);
  removeTempDir(releaseDir);
}
