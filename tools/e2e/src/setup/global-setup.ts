import { e2eContext, type Prepared, reportPrepared, shareE2eContext } from './e2e-context';
import { logStep, timed } from './log';
import { startLocalRegistry, LocalRegistry } from './local-registry';
import { buildPackages, plannedVersions, publishPackages } from './publish-packages';
import { makeTempDir } from './temp-dir';
import { createTestWorkspace, removeTestWorkspace, startTopo } from './test-workspace';

declare global {
  // Handed from the global setup to the global teardown, which run in the same process.
  var topoE2eRegistry: LocalRegistry | undefined;
  // The work the global setup left running in the background; the teardown waits for it.
  var topoE2ePreparing: Promise<unknown> | undefined;
}

/**
 * Builds the packages and starts the local registry, then, in the background while the
 * first tests run, publishes the packages and prepares the workspace that every spec copies:
 * create-nx-workspace, then, once the packages are published, what every spec would start
 * with (`npm install -D @topo/nx`, `nx g @topo/nx:init`, `nx g @topo/nx:service hello`),
 * once, not once per spec. Specs wait for what they need with `whenPrepared`. The build
 * comes first, so that no test sees the packages' dist change.
 */
export default async function globalSetup(): Promise<void> {
  process.stderr.write('\n');
  await buildPackages();
  const registry = await timed('start verdaccio', () => startLocalRegistry());
  globalThis.topoE2eRegistry = registry;
  logStep(`verdaccio listens on ${registry.url}`);
  const published = plannedVersions();
  shareE2eContext({ registryUrl: registry.url, published, preparedDir: makeTempDir('prepared') });
  const publishing = timed('publish the packages', async () => {
    await publishPackages(registry.url, published);
    logStep(`published ${Object.keys(published.packages).join(', ')} as ${published.version}`);
    return published;
  });
  globalThis.topoE2ePreparing = Promise.all([
    prepare('published', () => publishing),
    prepare('template', async () => {
      const root = await createTestWorkspace('e2eapp', registry.url);
      try {
        const packages = await publishing;
        return await timed('start Topo in the workspace', () => startTopo(root, registry.url, packages));
      } catch (error) {
        removeTestWorkspace(root);
        throw error;
      }
    }),
  ]);
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
