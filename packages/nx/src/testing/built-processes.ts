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

/** One process of a compose file, moved onto this host: its build context, environment and port. */
export interface HostedProcess {
  name: string;
  /** The build context, absolute. */
  dir: string;
  image: string;
  port: number;
  env: Record<string, string>;
  /** Whether clients reach the app through it (the gateway, or a lone process). */
  edge: boolean;
}

/**
 * The processes of a built topology as its docker-compose.yml describes them, moved onto
 * this host: each compose host name points at 127.0.0.1 and each port is replaced by a free
 * one, in PORT and in service discovery. Processes come before what depends on them.
 */
export async function composeOnHost(outDir: string, secret = randomBytes(32).toString('hex')): Promise<HostedProcess[]> {
  const compose = readCompose(outDir);
  const names = Object.keys(compose.services);
  const free = await findFreePorts(names.length, '127.0.0.1');
  const ports = new Map(names.map((name, i) => [name, free[i]]));
  const relocate = (discovery: string) =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries<string>(JSON.parse(discovery)).map(([service, url]) => [service, `http://127.0.0.1:${ports.get(new URL(url).hostname)}`]),
      ),
    );
  return [...names]
    .sort((a, b) => Number(!!compose.services[a].depends_on) - Number(!!compose.services[b].depends_on))
    .map((name) => {
      const service = compose.services[name];
      return {
        name,
        dir: join(outDir, service.build.context),
        image: service.image,
        port: ports.get(name)!,
        edge: !!service.ports?.length,
        env: {
          ...service.environment,
          PORT: String(ports.get(name)),
          TOPO_DISCOVERY: relocate(service.environment.TOPO_DISCOVERY),
          ...(service.environment.TOPO_SECRET !== undefined ? { TOPO_SECRET: secret } : {}),
        },
      };
    });
}

/**
 * Runs every process of a built topology as the compose file describes it (see
 * composeOnHost), with `node main.js` in each build context instead of a container.
 */
export async function runComposeOnHost(outDir: string): Promise<RunningBuild> {
  const processes = await composeOnHost(outDir);
  const started: ChildProcess[] = [];
  let output = '';
  try {
    for (const process of processes) {
      const child = spawn(globalThis.process.execPath, ['main.js'], {
        cwd: process.dir,
        env: { ...globalThis.process.env, ...process.env, HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (chunk: Buffer) => (output += `[${process.name}] ${chunk}`));
      child.stderr!.on('data', (chunk: Buffer) => (output += `[${process.name}] ${chunk}`));
      started.push(child);
      await waitForHealth(process.port, () => output);
    }
  } catch (error) {
    await stopAll(started);
    throw error;
  }
  const edge = processes.find((p) => p.edge) ?? processes[0];
  return { port: edge.port, output: () => output, stop: () => stopAll(started) };
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
