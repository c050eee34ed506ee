import * as fs from 'node:fs';
import * as path from 'node:path';
import { sleep } from './process-tree';
import type { ReleasedPackages } from './release';
import type { TemplateWorkspace } from './test-workspace';

/**
 * What the global setup hands to every spec: the release tarballs of this run, and the
 * folder where the work it does in the background reports (see {@link whenPrepared}).
 */
export interface E2eContext {
  released: ReleasedPackages;
  /** The folder of the tarballs, removed by the teardown. */
  releaseDir: string;
  preparedDir: string;
}

const VARIABLE = 'TOPO_E2E_CONTEXT';

/** Called by the global setup; Jest's workers inherit the variable. */
export function shareE2eContext(context: E2eContext): void {
  process.env[VARIABLE] = JSON.stringify(context);
}

/** This run's release tarballs, for a spec. */
export function e2eContext(): E2eContext {
  const value = process.env[VARIABLE];
  if (value === undefined) {
    throw new Error(`${VARIABLE} is not set: run the e2e specs with \`npx jest -c tools/e2e/jest.config.ts\`, whose global setup makes the release tarballs.`);
  }
  return JSON.parse(value) as E2eContext;
}

/** What the global setup prepares while the first tests run: the workspace every spec copies. */
export interface Prepared {
  /** The workspace create-nx-workspace made, with Topo installed, the app and service hello (see `startTopo`). */
  template: TemplateWorkspace;
}

/** Records that `what` is ready (its value) or failed (the error), for the specs to read. */
export function reportPrepared<K extends keyof Prepared>(preparedDir: string, what: K, outcome: { value: Prepared[K] } | { error: string }): void {
  const file = path.join(preparedDir, `${what}.json`);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(outcome));
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * Waits until the global setup has prepared `what`, and returns it; throws the setup's own
 * error if it failed, so that every spec that needs it fails with the reason.
 */
export async function whenPrepared<K extends keyof Prepared>(what: K, timeoutMs = 10 * 60_000): Promise<Prepared[K]> {
  const file = path.join(e2eContext().preparedDir, `${what}.json`);
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`The global setup did not prepare the ${what} within ${timeoutMs} ms.`);
    await sleep(200);
  }
  const outcome = JSON.parse(fs.readFileSync(file, 'utf8')) as { value: Prepared[K] } | { error: string };
  if ('error' in outcome) throw new Error(`The global setup could not prepare the ${what}:\n${outcome.error}`);
  return outcome.value;
}
