import { ChildProcess, spawn } from 'node:child_process';
import { logger } from '@nx/devkit';

export interface SupervisedProcessOptions {
  name: string;
  bundleFile: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const RESTART_DELAYS_MS = [200, 500, 1000, 2000, 5000];
/** The line a Topo process (or gateway) prints once it accepts connections (see @topo/runtime's run-process and run-gateway). */
const LISTENING_LINE = /^topo: (process|gateway) .* listening on \S+$/;
const STOP_GRACE_MS = 5000;

/**
 * Keeps one process of the app running: prefixes its output, restarts it when it crashes
 * (with a growing delay while it keeps crashing; a clean exit, code 0, is a stop and not a
 * crash) and when asked to after a code change. The process stops by itself when this one
 * goes away, even killed with -9 (see TOPO_SUPERVISED in @topo/runtime).
 */
export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private listeningWaiters: (() => void)[] = [];

  constructor(private readonly options: SupervisedProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.stopping = false;
    // The IPC channel is how the child knows its supervisor is alive: it stops when the
    // channel closes (TOPO_SUPERVISED), even if this process is killed with -9.
    const child = spawn(process.execPath, ['--enable-source-maps', this.options.bundleFile], {
      cwd: this.options.cwd,
      env: { ...this.options.env, TOPO_SUPERVISED: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    // Nothing is sent over it: it must not keep this process alive either.
    child.channel?.unref();
    this.child = child;
    pipeWithPrefix(child.stdout!, process.stdout, this.options.name, (line) => {
      if (LISTENING_LINE.test(line)) for (const resolve of this.listeningWaiters.splice(0)) resolve();
    });
    pipeWithPrefix(child.stderr!, process.stderr, this.options.name);
    const startedAt = Date.now();
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.stopping) return;
      // A process exits 0 only when told to stop (Ctrl-C reaches the children with nx serve,
      // SIGTERM from outside): that is no crash, and it stays stopped.
      if (code === 0) {
        logger.warn(`topo: process ${this.options.name} stopped (code 0); it is not restarted`);
        return;
      }
      if (Date.now() - startedAt > 10_000) this.crashes = 0;
      const delay = RESTART_DELAYS_MS[Math.min(this.crashes, RESTART_DELAYS_MS.length - 1)];
      this.crashes += 1;
      logger.warn(`topo: process ${this.options.name} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
      this.restartTimer = setTimeout(() => this.start(), delay);
    });
  }

  /**
   * Resolves when the process says it listens (the next time it does, after a crash too): the
   * process reports it, so that nobody probes its port to learn it.
   */
  listening(): Promise<void> {
    return new Promise((resolve) => this.listeningWaiters.push(resolve));
  }

  /** Stops the process and starts it again: after its code changed. */
  async restart(): Promise<void> {
    await this.stop();
    this.crashes = 0;
    this.start();
  }

  /** Sends SIGTERM, waits for the process to finish its requests, then SIGKILL after a grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  /** Last resort on exit of the executor: no process may outlive it. */
  killNow(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.child?.kill('SIGKILL');
  }
}

function pipeWithPrefix(from: NodeJS.ReadableStream, to: NodeJS.WritableStream, name: string, onLine: (line: string) => void = () => undefined): void {
  let pending = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      to.write(`[${name}] ${line}\n`);
      onLine(line);
    }
  });
  from.on('end', () => {
    if (pending) to.write(`[${name}] ${pending}\n`);
  });
}
