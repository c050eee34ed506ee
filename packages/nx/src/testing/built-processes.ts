import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { parse } from 'yaml';
import { findFreePorts } from '../executors/serve/lib/ports';

/** A service of the docker-compose.yml that `nx build` writes. */
export interface ComposeService {
  image: string;
  build: { context: string };
  environment: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck: { test: string[] };
}

export function readCompose(outDir: string): { name: string; services: Record<string, ComposeService> } {
  return parse(readFileSync(join(outDir, 'docker-compose.yml'), 'utf8'));
}

export interface RunningBuild {
  /** The port clients use: the gateway's, or the edge process's. */
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs every process of a built topology as the compose file describes it, with `node
 * main.js` in each build context instead of a container: the same environment, with each
 * compose host name pointing at 127.0.0.1 and each port replaced by a free one.
 */
export async function runComposeOnHost(outDir: string): Promise<RunningBuild> {
  const compose = readCompose(outDir);
  const names = Object.keys(compose.services);
  const free = await findFreePorts(names.length, '127.0.0.1');
  const ports = new Map(names.map((name, i) => [name, free[i]]));
  const secret = randomBytes(32).toString('hex');
  const relocate = (discovery: string) =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries<string>(JSON.parse(discovery)).map(([service, url]) => {
          const { hostname } = new URL(url);
          return [service, `http://127.0.0.1:${ports.get(hostname)}`];
        }),
      ),
    );
  const started: { name: string; child: ChildProcess; port: number }[] = [];
  let output = '';
  // Processes first, then whatever depends on them (the gateway).
  const ordered = [...names].sort((a, b) => Number(!!compose.services[a].depends_on) - Number(!!compose.services[b].depends_on));
  try {
    for (const name of ordered) {
      const service = compose.services[name];
      const port = ports.get(name)!;
      const env = {
        ...process.env,
        ...service.environment,
        PORT: String(port),
        HOST: '127.0.0.1',
        TOPO_DISCOVERY: relocate(service.environment.TOPO_DISCOVERY),
        ...(service.environment.TOPO_SECRET !== undefined ? { TOPO_SECRET: secret } : {}),
      };
      const child = spawn(process.execPath, ['main.js'], { cwd: join(outDir, service.build.context), env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (chunk: Buffer) => (output += `[${name}] ${chunk}`));
      child.stderr!.on('data', (chunk: Buffer) => (output += `[${name}] ${chunk}`));
      started.push({ name, child, port });
      await waitForHealth(port, () => output);
    }
  } catch (error) {
    await stopAll(started.map((s) => s.child));
    throw error;
  }
  const edge = names.find((name) => compose.services[name].ports?.length) ?? names[0];
  return { port: ports.get(edge)!, output: () => output, stop: () => stopAll(started.map((s) => s.child)) };
}

/** Runs one built bundle (`node main.js` in `dir`) on a free port; for mono. */
export async function runBundle(dir: string, env: Record<string, string> = {}): Promise<RunningBuild> {
  const [port] = await findFreePorts(1, '127.0.0.1');
  let output = '';
  const child = spawn(process.execPath, ['main.js'], { cwd: dir, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  try {
    await waitForHealth(port, () => output);
  } catch (error) {
    await stopAll([child]);
    throw error;
  }
  return { port, output: () => output, stop: () => stopAll([child]) };
}

/** Polls `/__topo/health` until it answers 200; fails with what the process printed after 15 s. */
export async function waitForHealth(port: number, printed: () => string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await healthStatus(port)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing healthy on port ${port} after ${timeoutMs} ms:\n${printed()}`);
}

function healthStatus(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/__topo/health', timeout: 1_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}
