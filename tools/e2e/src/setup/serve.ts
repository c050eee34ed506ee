import { spawn } from 'node:child_process';
import { childEnv } from './child-env';
import { waitForHttp, HttpResponse } from './http';
import { workspaceBin } from './run-command';
import {
  describeProcesses,
  killProcessTree,
  listProcesses,
  ProcessInfo,
  processTree,
  waitUntilGone,
} from './process-tree';

export interface StartServeOptions {
  /** The URL that must answer before the server counts as started. */
  readyUrl: string;
  /** Which answer counts as ready. Default: any status below 500. */
  ready?: (response: HttpResponse) => boolean;
  /** How long to wait for the URL. Default 3 minutes (serve bundles before it listens). */
  timeoutMs?: number;
  /** Changes to the environment {@link childEnv} gives, e.g. `AS_A_NEW_USER`. */
  env?: Record<string, string | undefined>;
}

export interface ServeHandle {
  /** The pid of the command (`nx serve`), which leads the process group. */
  pid: number;
  /** Everything the command has printed so far, stdout and stderr interleaved. */
  output(): string;
  /**
   * Every process found so far in the group or below its leader, looked up again now: the
   * processes {@link ServeHandle.stop} waits for.
   */
  processes(): ProcessInfo[];
  /**
   * Ctrl-C: sends SIGINT to the process group, as a terminal does, and waits until every
   * process that the command started is gone. Throws, naming them, if any is left behind after
   * `timeoutMs` (they are then killed, so nothing outlives the test either way).
   */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Starts `nx serve <app> <args>` (the workspace's own nx, as `npx nx` runs it) in its own
 * process group and waits until `readyUrl` answers. Fails early, with nx's output, if serve exits first.
 */
export function startServe(cwd: string, app: string, args: readonly string[], options: StartServeOptions): Promise<ServeHandle> {
  const [file, nxArgs] = workspaceBin(cwd, 'nx', ['serve', app, ...args]);
  return startProcessGroup(file, nxArgs, { ...options, cwd, label: ['nx serve', app, ...args].join(' ') });
}

export interface StartProcessGroupOptions extends StartServeOptions {
  cwd: string;
  /** The command as a person would type it, for messages. */
  label: string;
}

/**
 * Starts a server in a process group of its own, as a terminal does, and waits until
 * `readyUrl` answers: what {@link startServe} does for `nx serve`, for any command (the
 * harness spec proves the handle with a server of its own). Fails early, with the command's
 * output, if it exits first.
 */
export async function startProcessGroup(file: string, args: readonly string[], options: StartProcessGroupOptions): Promise<ServeHandle> {
  const { label } = options;
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: childEnv(options.env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`Could not start \`${label}\` in ${options.cwd}.`);
  const pid = child.pid;
  liveServeGroups.add(pid);
  child.on('exit', () => liveServeGroups.delete(pid));
  stopServeGroupsWhenInterrupted();
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `\`${label}\` exited (${signal ?? code})`));

  // Processes seen while serving; checked again after Ctrl-C, in case one left the group.
  const seen = new Map<number, ProcessInfo>();
  const remember = () => {
    for (const p of processTree(pid, listProcesses())) seen.set(p.pid, p);
  };

  const handle: ServeHandle = {
    pid,
    output: () => output,
    processes() {
      remember();
      return [...seen.values()];
    },
    async stop(timeoutMs = 20_000) {
      remember();
      const tree = [...seen.values()];
      try {
        process.kill(-pid, 'SIGINT');
      } catch {
        // The group is already gone.
      }
      const remaining = await waitUntilGone(tree, timeoutMs);
      if (remaining.length > 0) {
        await killProcessTree(pid);
        for (const p of remaining) {
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
        throw new Error(
          `Ctrl-C on \`${label}\` left processes running after ${timeoutMs} ms:\n` +
            `${describeProcesses(remaining)}\n--- output ---\n${output.slice(-6000)}`,
        );
      }
    },
  };

  try {
    await waitForHttp(options.readyUrl, {
      timeoutMs: options.timeoutMs ?? 3 * 60_000,
      ready: options.ready,
      abortReason: () => {
        remember();
        return exited;
      },
    });
    remember();
  } catch (error) {
    await killProcessTree(pid);
    for (const p of seen.values()) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    throw new Error(`${(error as Error).message}\n--- ${label} output ---\n${output.slice(-6000)}`, { cause: error });
  }
  return handle;
}

/**
 * A serve runs in a process group of its own, which Ctrl-C on Jest does not reach: when
 * the test runner is interrupted, kill the groups still running, then let the signal
 * take its usual course.
 */
const liveServeGroups = new Set<number>();
let interruptHandlersInstalled = false;

function stopServeGroupsWhenInterrupted(): void {
  if (interruptHandlersInstalled) return;
  interruptHandlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const pgid of liveServeGroups) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      process.kill(process.pid, signal);
    });
  }
}
