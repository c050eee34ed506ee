import * as fs from 'node:fs';
import * as path from 'node:path';
import { registryEnv } from './child-env';
import { whenPrepared } from './e2e-context';
import { timed } from './log';
import { runCommand, runCommandOrThrow, describeFailure, CommandResult } from './run-command';
import { makeTempDir, removeTempDir } from './temp-dir';

/** The Nx version users start from; Topo is tested against it. */
export const NX_VERSION = '23.2.1';

/**
 * A fresh workspace made the way a new user makes one, `create-nx-workspace` with the TS
 * preset (npm workspaces), in a new temporary dir. Every package comes through the given
 * registry, and the workspace keeps it in its own `.npmrc`, so that `npm install` and `nx`
 * run there later use it too. Returns the workspace's root.
 */
export async function createTestWorkspace(name: string, registryUrl: string): Promise<string> {
  const parent = makeTempDir('workspace');
  const args = [
    '-y',
    `create-nx-workspace@${NX_VERSION}`,
    name,
    '--preset=ts',
    '--nxCloud=skip',
    '--no-interactive',
    '--analytics=false',
    '--aiAgents=none',
    '--skipGitHubPush',
  ];
  const result = await timed('create-nx-workspace', () =>
    runCommand('npx', args, { cwd: parent, env: registryEnv(registryUrl) }),
  );
  const root = path.join(parent, name);
  if (result.code !== 0 || !fs.existsSync(path.join(root, 'nx.json'))) {
    removeTempDir(parent);
    throw new Error(describeFailure(result));
  }
  fs.writeFileSync(path.join(root, '.npmrc'), `registry=${registryUrl}\n`);
  return root;
}

/** Removes a workspace made by {@link createTestWorkspace} or {@link freshTestWorkspace}, with the temporary dir around it. */
export function removeTestWorkspace(root: string): void {
  removeTempDir(path.dirname(root));
}

/**
 * A fresh workspace for one spec: a copy, in a new temporary dir, of the workspace that the
 * global setup made with {@link createTestWorkspace} (which a spec must not change), once
 * this run's packages are in the registry. Nothing has run in it: it is the workspace a new
 * user has right after create-nx-workspace, `.npmrc` included; Nx's cache (`.nx`) is left
 * out, as it holds paths of the original. Returns the copy's root.
 */
export async function freshTestWorkspace(name: string): Promise<string> {
  const [template] = await Promise.all([whenPrepared('template'), whenPrepared('published')]);
  const parent = makeTempDir('workspace');
  const root = path.join(parent, name);
  await timed('copy the fresh workspace', () => runCommandOrThrow('cp', ['-a', template, root], { cwd: parent }));
  fs.rmSync(path.join(root, '.nx'), { recursive: true, force: true });
  return root;
}

/** `npm install <args>` in a workspace, through the given registry. */
export function npmInstall(root: string, args: readonly string[], registryUrl: string): Promise<CommandResult> {
  return timed(`npm install ${args.join(' ')}`, () =>
    runCommandOrThrow('npm', ['install', ...args], { cwd: root, env: registryEnv(registryUrl) }),
  );
}

/** Reads a JSON file of the workspace, e.g. `readWorkspaceJson(root, 'nx.json')`. */
export function readWorkspaceJson<T = Record<string, unknown>>(root: string, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as T;
}

/** Resolves a module the way code in the workspace would, e.g. `resolveFromWorkspace(root, '@topo/runtime')`. */
export function resolveFromWorkspace(root: string, request: string): string {
  return require.resolve(request, { paths: [root] });
}
