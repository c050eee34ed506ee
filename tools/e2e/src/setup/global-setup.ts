import { shareE2eContext } from './e2e-context';
import { logStep, timed } from './log';
import { startLocalRegistry, LocalRegistry } from './local-registry';
import { publishPackages } from './publish-packages';

declare global {
  // Handed from the global setup to the global teardown, which run in the same process.
  var topoE2eRegistry: LocalRegistry | undefined;
}

/** Starts the local registry and publishes the packages once, for every spec. */
export default async function globalSetup(): Promise<void> {
  process.stderr.write('\n');
  const registry = await timed('start verdaccio', () => startLocalRegistry());
  globalThis.topoE2eRegistry = registry;
  logStep(`verdaccio listens on ${registry.url}`);
  try {
    const published = await timed('build and publish the packages', () => publishPackages(registry.url));
    logStep(`published ${Object.keys(published.packages).join(', ')} as ${published.version}`);
    shareE2eContext({ registryUrl: registry.url, published });
  } catch (error) {
    await registry.stop();
    globalThis.topoE2eRegistry = undefined;
    throw error;
  }
}
