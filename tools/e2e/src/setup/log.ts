/**
 * Progress lines for the person watching a long run. Written straight to stderr so that Jest
 * neither buffers them until the end nor decorates them with a stack trace.
 */
export function logStep(message: string): void {
  process.stderr.write(`[e2e] ${message}\n`);
}

/** Runs `work` and logs how long it took, e.g. `[e2e] create-nx-workspace: 24.8 s`. */
export async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await work();
  } finally {
    logStep(`${label}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
}
