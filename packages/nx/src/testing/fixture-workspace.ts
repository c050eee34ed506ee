import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

/** This repository's root: its node_modules has nx, typescript, jest, ts-jest and the @topo packages. */
export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * Copies a fixture workspace to a fresh temporary folder (below `parent` when given), with a
 * `node_modules` that links every package of this repository's, so that `nx`, `tsc`, `jest`
 * and `@topo/*` resolve as in an installed workspace. Returns the folder (its real path, as
 * Nx reports paths).
 *
 * @example
 * const root = copyFixtureWorkspace(join(__dirname, '__fixtures__/shop'), { prefix: 'topo-serve-' });
 */
export function copyFixtureWorkspace(fixture: string, options: { prefix?: string; exclude?: readonly string[]; parent?: string } = {}): string {
  const root = realpathSync(mkdtempSync(join(options.parent ?? tmpdir(), options.prefix ?? 'topo-fixture-')));
  const excluded = new Set(options.exclude ?? []);
  cpSync(fixture, root, {
    recursive: true,
    filter: (source) => !excluded.has(relative(fixture, source).split(sep).join('/')),
  });
  linkNodeModules(root);
  return root;
}

const REPO_NODE_MODULES = join(REPO_ROOT, 'node_modules');

/**
 * A `node_modules` folder in `root` with a link to each entry of this repository's, and a
 * `.cache` of its own: `nx serve` keeps its bundles in `node_modules/.cache/topo/serve/<app>`,
 * and copies of one fixture served at the same time (by test files in parallel workers)
 * must not write over each other's.
 */
export function linkNodeModules(root: string): void {
  const dir = join(root, 'node_modules');
  mkdirSync(dir);
  for (const entry of readdirSync(REPO_NODE_MODULES)) {
    if (entry !== '.cache') symlinkSync(join(REPO_NODE_MODULES, entry), join(dir, entry));
  }
}

export function removeWorkspace(root: string | undefined): void {
  if (root && !process.env.TOPO_KEEP_FIXTURES) rmSync(root, { recursive: true, force: true });
}

/** What a command printed and how it ended. */
export interface CommandResult {
  /** Exit code; null when it was killed (signal or timeout). */
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr, as a terminal would show them. */
  output: string;
}

/**
 * Runs a command in a workspace as a user would from its root, without the Nx daemon, the
 * TUI, Nx Cloud or colours, and without the variables Jest sets for its own workers.
 *
 * Nx loads the plugins in its own process (NX_ISOLATE_PLUGINS=false) rather than starting
 * a worker process for each (five of them, about 4 s of CPU per command on the 2-core
 * machines that run this, against 1.5 s for the whole command in-process). The plugins
 * compute the same projects and dependencies either way; the e2e suite (tools/e2e) runs
 * Nx as a new user has it, plugin workers included.
 */
export function runInWorkspace(root: string, command: string, args: readonly string[], timeoutMs = 180_000): Promise<CommandResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NX_DAEMON: 'false',
    NX_ISOLATE_PLUGINS: 'false',
    NX_TUI: 'false',
    NX_NO_CLOUD: 'true',
    FORCE_COLOR: '0',
    CI: 'true',
  };
  for (const name of Object.keys(env)) if (name.startsWith('JEST_')) delete env[name];
  delete env.NODE_ENV;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), (output += chunk)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => ((stderr += chunk), (output += chunk)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, output });
    });
  });
}

/**
 * A command of the workspace's `node_modules/.bin` (`nx`, `tsc`, `jest`), run as `npx <name>`
 * runs it, by this Node, without npm's own start-up.
 */
export function runBin(root: string, name: string, args: readonly string[], timeoutMs?: number): Promise<CommandResult> {
  return runInWorkspace(root, process.execPath, [join(root, 'node_modules', '.bin', name), ...args], timeoutMs);
}

/** `nx <args>` in the workspace: the workspace's Nx CLI, as `npx nx` finds it. */
export function runNx(root: string, args: readonly string[], timeoutMs?: number): Promise<CommandResult> {
  return runBin(root, 'nx', args, timeoutMs);
}

/** Folders that are not the workspace's own files: the linked packages, and Nx's caches. */
export const NOT_WORKSPACE_FILES = ['node_modules', '.nx'];

/**
 * A SHA-256 of every file below `root` (symlinks by their target path), by workspace-relative
 * path, leaving out the top-level folders in `ignore`: what "no file changed" compares.
 */
export function fileHashes(root: string, ignore: readonly string[] = NOT_WORKSPACE_FILES): Record<string, string> {
  const hashes: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      const rel = relative(root, path).split(sep).join('/');
      if (dir === root && ignore.includes(entry)) continue;
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isSymbolicLink()) hashes[rel] = `-> ${readlinkSync(path)}`;
      else hashes[rel] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(root);
  return hashes;
}
