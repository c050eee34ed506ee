import { e2eContext, type Prepared, reportPrepared, shareE2eContext } from './e2e-context';
import { logStep } from './log';
import { releasePackages } from './release';
import { makeTempDir } from './temp-dir';
import { createTestWorkspace, removeTestWorkspace, startTopo } from './test-workspace';

declare global {
  // The work the global setup left running in the background; the teardown waits for it.
  var topoE2ePreparing: Promise<unknown> | undefined;
}

/**
 * Makes this run's release tarballs (`npm run release`, into a temporary folder), then, in
 * the background while the first tests run, prepares the workspace that every spec copies:
 * create-nx-workspace, then what docs/getting-started.md has a new user do first (install
 * the tarballs, `nx add @topo/nx`, `nx g @topo/nx:service hello`), once, not once per spec.
 * Specs wait for it with `whenPrepared`. The release comes first, so that no test sees the
 * packages' dist change.
 */
export default async function globalSetup(): Promise<void> {
  process.stderr.write('\n');
  const releaseDir = makeTempDir('release');
  const released = await releasePackages(releaseDir);
  logStep(`released ${Object.values(released.tarballs).join(', ')}`);
  shareE2eContext({ released, releaseDir, preparedDir: makeTempDir('prepared') });
  globalThis.topoE2ePreparing = prepare('template', async () => {
    const root = await createTestWorkspace('e2eapp');
    try {
      return await startTopo(root, released);
    } catch (error) {
      removeTestWorkspace(root);
      throw error;
    }
  });
}

/** Runs `work` and reports its value, or its error, for the specs waiting on `what`. */
async function prepare<K extends keyof Prepared>(what: K, work: () => Promise<Prepared[K]>): Promise<void> {
  const { preparedDir } = e2eContext();
  try {
    reportPrepared(preparedDir, what, { value: await work() });
  } catch (error) {
    reportPrepared(preparedDir, what, { error: (error as Error).message });
  }
}
