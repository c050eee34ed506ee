import http from 'node:http';
import https from 'node:https';
import type { Discovery } from '../environment';

const HEALTH_PATH = '/__topo/health';
const PROBE_INTERVAL_MS = 50;
/** A process that accepts the connection but does not answer its health within this is not ready yet. */
const PROBE_TIMEOUT_MS = 1_000;

/** A process the gateway sends requests to that did not answer its health in time. */
export interface UnreadyProcess {
  readonly baseUrl: string;
  readonly services: readonly string[];
}

/**
 * Waits until every process of `discovery` answers `GET /__topo/health` with 200, or until
 * `timeoutMs` has passed; resolves with the processes that were still not ready then (none
 * when all are). The gateway calls it before it listens, so that its first answer comes
 * from a service, not a 503 for a process still starting; the bound keeps one process that
 * never starts from keeping the others unreachable.
 *
 * @example
 * ```ts
 * const unready = await waitForProcesses({ hello: 'http://127.0.0.1:4101' }, 15_000);
 * if (unready.length > 0) console.warn(describeUnready(unready, 15_000));
 * ```
 */
export async function waitForProcesses(discovery: Discovery, timeoutMs: number): Promise<UnreadyProcess[]> {
  const processes = new Map<string, string[]>();
  for (const [service, baseUrl] of Object.entries(discovery)) processes.set(baseUrl, [...(processes.get(baseUrl) ?? []), service]);
  const deadline = Date.now() + timeoutMs;
  const ready = await Promise.all([...processes.keys()].map((baseUrl) => waitForHealth(baseUrl, deadline)));
  return [...processes].filter((_, i) => !ready[i]).map(([baseUrl, services]) => ({ baseUrl, services }));
}

/** The line the gateway prints when it listens before every process is ready. */
export function describeUnready(unready: readonly UnreadyProcess[], timeoutMs: number): string {
  const list = unready.map(({ baseUrl, services }) => `${baseUrl} (${services.join(', ')})`).join(', ');
  return (
    `not ready after ${timeoutMs} ms (TOPO_GATEWAY_STARTUP_TIMEOUT_MS): ${list}; ` +
    `listening anyway, their routes answer 503 unavailable until they answer /__topo/health`
  );
}

async function waitForHealth(baseUrl: string, deadline: number): Promise<boolean> {
  const url = new URL(HEALTH_PATH, baseUrl);
  for (;;) {
    if (await isHealthy(url, Math.max(1, Math.min(PROBE_TIMEOUT_MS, deadline - Date.now())))) return true;
    if (Date.now() + PROBE_INTERVAL_MS > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
}

function isHealthy(url: URL, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const get = url.protocol === 'https:' ? https.get : http.get;
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
