import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const PACKAGE_ROOT = path.resolve(__dirname, '../..');

/** Builds the runtime into dist/ (incrementally), for fixtures that run it as users do. */
export function buildRuntime(): void {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-b', path.join(PACKAGE_ROOT, 'tsconfig.lib.json')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the runtime failed:\n${result.stdout}${result.stderr}`);
}

/** A fixture process, with its output and a way to wait for a line of it. */
export interface Fixture {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the match once stdout or stderr matches, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Starts `processes/<name>.js` with the given environment (on top of a minimal one). */
export function startFixture(name: string, env: Record<string, string>): Fixture {
  const child = spawn(process.execPath, [path.join(__dirname, 'processes', `${name}.js`)], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    listeners.forEach((listener) => listener());
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    listeners.forEach((listener) => listener());
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
      listeners.forEach((listener) => listener());
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = stdout.match(pattern) ?? stderr.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(new Error(`fixture ${name} exited before printing ${pattern}:\n${stdout}${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`fixture ${name} did not print ${pattern} within ${timeoutMs} ms:\n${stdout}${stderr}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Kills whatever fixture is still running: for afterEach, so no test leaves a process behind. */
export async function stopFixtures(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
