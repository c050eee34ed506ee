/** Stops the registry that the global setup started, and removes its storage. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.topoE2eRegistry?.stop();
  globalThis.topoE2eRegistry = undefined;
}
