import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { childEnv } from './child-env';
import { killProcessTree } from './process-tree';

export interface CommandResult {
  command: string;
  cwd: string;
  /** The exit code; `null` when the process was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the command and everything it started after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** Written to the command's stdin, then stdin is closed. */
  input?: string;
}

/**
 * Runs a command to completion and returns its output; never throws for a failing command.
 * The command stays in the test runner's process group, so that Ctrl-C on Jest stops it too;
 * a timeout kills it and everything below it.
 */
export function runCommand(file: string, args: readonly string[], options: RunOptions): Promise<CommandResult> {
  const command = [file, ...args].join(' ');
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? childEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.end(options.input ?? '');

    let timedOut = false;
    const timeoutMs = options.timeoutMs ?? 10 * 60 * 1000;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) void killProcessTree(child.pid);
    }, timeoutMs);

    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Could not start \`${command}\` in ${options.cwd}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\n[e2e] \`${command}\` was killed after ${timeoutMs} ms.`;
      resolve({ command, cwd: options.cwd, code, stdout, stderr, durationMs: Date.now() - start });
    });
  });
}

/** Like {@link runCommand}, but throws an error that shows the output when the command fails. */
export async function runCommandOrThrow(
  file: string,
  args: readonly string[],
  options: RunOptions,
): Promise<CommandResult> {
  const result = await runCommand(file, args, options);
  if (result.code !== 0) throw new Error(describeFailure(result));
  return result;
}

/** A readable account of a command that failed, for a test's failure message. */
export function describeFailure(result: CommandResult): string {
  return [
    `\`${result.command}\` in ${result.cwd} exited with ${result.code}.`,
    '--- stdout (last 6000 characters) ---',
    result.stdout.slice(-6000),
    '--- stderr (last 6000 characters) ---',
    result.stderr.slice(-6000),
  ].join('\n');
}

/**
 * The workspace's own command `name` (`nx`, `tsc`): its `node_modules/.bin/<name>`, run by
 * this Node, which is what `npx <name>` runs once npm has found it there, without npm's own
 * start-up (a second or so on the machines that run this, for every command).
 */
export function workspaceBin(cwd: string, name: string, args: readonly string[]): [string, string[]] {
  return [process.execPath, [path.join(cwd, 'node_modules', '.bin', name), ...args]];
}

/** Runs the workspace's `tsc` (as `npx tsc` would) with `args`. */
export function runTsc(cwd: string, args: readonly string[], options: Omit<RunOptions, 'cwd'> = {}): Promise<CommandResult> {
  return runCommand(...workspaceBin(cwd, 'tsc', args), { ...options, cwd });
}

/** Runs `nx <args>` in a workspace (its own nx, as `npx nx` would), with the daemon off. */
export function runNx(cwd: string, args: readonly string[], options: Omit<RunOptions, 'cwd'> = {}): Promise<CommandResult> {
  return runCommand(...workspaceBin(cwd, 'nx', args), { ...options, cwd });
}

/** Like {@link runNx}, but throws with the output when nx fails. */
export function runNxOrThrow(
  cwd: string,
  args: readonly string[],
  options: Omit<RunOptions, 'cwd'> = {},
): Promise<CommandResult> {
  return runCommandOrThrow(...workspaceBin(cwd, 'nx', args), { ...options, cwd });
}
