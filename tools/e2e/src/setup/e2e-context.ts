import type { PublishedPackages } from './publish-packages';

/** What the global setup hands to every spec: the registry and the versions it published. */
export interface E2eContext {
  registryUrl: string;
  published: PublishedPackages;
}

const VARIABLE = 'TOPO_E2E_CONTEXT';

/** Called by the global setup; Jest's workers inherit the variable. */
export function shareE2eContext(context: E2eContext): void {
  process.env[VARIABLE] = JSON.stringify(context);
}

/** The registry and published versions, for a spec. */
export function e2eContext(): E2eContext {
  const value = process.env[VARIABLE];
  if (value === undefined) {
    throw new Error(`${VARIABLE} is not set: run the e2e specs with \`npx jest -c tools/e2e/jest.config.ts\`, whose global setup starts the registry.`);
  }
  return JSON.parse(value) as E2eContext;
}
