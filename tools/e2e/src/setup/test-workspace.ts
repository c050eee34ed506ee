import * as fs from 'node:fs';
import * as path from 'node:path';
import { AS_A_NEW_USER, childEnv } from './child-env';
import { whenPrepared } from './e2e-context';
import { guideArgs, readGettingStarted } from './getting-started';
import { timed } from './log';
import { findWorkspaceFiles, readProjectGraph } from './project-graph';
import type { ReleasedPackages } from './release';
import { runCommand, runCommandOrThrow, runNxOrThrow, describeFailure } from './run-command';
import { makeTempDir, removeTempDir } from './temp-dir';

/** The Nx version users start from; Topo is tested against it. */
export const NX_VERSION = '23.2.1';

/**
 * A fresh workspace made the way a new user makes one, `create-nx-workspace` with the TS
 * preset (npm workspaces), in a new temporary dir, from the registry npm is configured with.
 * Returns the workspace's root.
 */
export async function createTestWorkspace(name: string): Promise<string> {
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
    runCommand('npx', args, { cwd: parent, env: childEnv() }),
  );
  const root = path.join(parent, name);
  if (result.code !== 0 || !fs.existsSync(path.join(root, 'nx.json'))) {
    removeTempDir(parent);
    throw new Error(describeFailure(result));
  }
  return root;
}

/** Removes a workspace made by {@link createTestWorkspace} or {@link freshTestWorkspace}, with the temporary dir around it. */
export function removeTestWorkspace(root: string): void {
  removeTempDir(path.dirname(root));
}

/**
 * Where things are in a workspace the specs use: its apps and its projects. Paths are
 * relative to the workspace root in {@link TemplateWorkspace}, absolute in {@link TestWorkspace}.
 */
interface WorkspaceLayout {
  root: string;
  /** Every `topo.json` of the workspace: one per Topo app. */
  topoJsonFiles: string[];
  /** Every project of the workspace's project graph (`nx graph`), by name: its folder. */
  projectRoots: Record<string, string>;
}

/**
 * The workspace the global setup prepares once for every spec (see {@link startTopo}): the
 * root is absolute, the other paths are relative to it.
 */
export interface TemplateWorkspace extends WorkspaceLayout {
  /** The lines of docs/getting-started.md that made it, as the guide writes them, in order. */
  guideLines: string[];
}

/** A spec's own copy of the {@link TemplateWorkspace}, every path absolute. */
export type TestWorkspace = WorkspaceLayout;

/**
 * What a new user does first in the workspace create-nx-workspace made, done once by the
 * global setup for every spec, line by line as docs/getting-started.md says: the release
 * tarballs installed (`npm install -D …/topo-runtime-<version>.tgz`, then `nx add
 * @topo/nx@file:…/topo-nx-<version>.tgz`, which runs `nx g @topo/nx:init`), then the first
 * line of its Services block, `nx g @topo/nx:service hello`. Returns where the app and the
 * projects are, as found on disk and in the project graph; the specs check what these
 * commands made (init and the service in `topo.spec.ts`, the install in `harness.spec.ts`,
 * the guide's lines in `getting-started.spec.ts`).
 */
export async function startTopo(root: string, released: ReleasedPackages): Promise<TemplateWorkspace> {
  const guide = readGettingStarted();
  const tarballDir = path.dirname(released.tarballs['@topo/nx']);
  const lines = [...guide.fromTarballs, guide.services[0]];
  // As a new user has Nx, plugin workers and all (see AS_A_NEW_USER).
  const env = childEnv(AS_A_NEW_USER);
  for (const line of lines) {
    const [program, ...args] = guideArgs(line, tarballDir);
    if (program === 'npx' && args[0] === 'nx') await timed(line.command, () => runNxOrThrow(root, args.slice(1), { env }));
    else if (program === 'npm') await timed(line.command, () => runCommandOrThrow('npm', args, { cwd: root, env }));
    else throw new Error(`docs/getting-started.md: the e2e setup runs npm and npx nx lines, not "${line.command}".`);
  }
  const graph = await timed('nx graph', () => readProjectGraph(root, { env }));
  return {
    root,
    guideLines: lines.map((line) => line.command),
    topoJsonFiles: findWorkspaceFiles(root, 'topo.json').map((file) => path.relative(root, file)),
    projectRoots: Object.fromEntries(Object.entries(graph.nodes).map(([name, project]) => [name, project.data.root])),
  };
}

/**
 * A fresh workspace for one spec: a copy, in a new temporary dir, of the workspace that the
 * global setup prepared (create-nx-workspace with {@link createTestWorkspace}, then
 * {@link startTopo}; a spec must not change it): the workspace of a new user who has just
 * installed Topo, made the app and a first service, `hello`. Nx's cache (`.nx`) is left
 * out, as it holds paths of the original.
 */
export async function freshTestWorkspace(name: string): Promise<TestWorkspace> {
  const template = await whenPrepared('template');
  const parent = makeTempDir('workspace');
  const root = path.join(parent, name);
  await timed('copy the prepared workspace', () => runCommandOrThrow('cp', ['-a', template.root, root], { cwd: parent }));
  fs.rmSync(path.join(root, '.nx'), { recursive: true, force: true });
  return {
    root,
    topoJsonFiles: template.topoJsonFiles.map((file) => path.join(root, file)),
    projectRoots: Object.fromEntries(Object.entries(template.projectRoots).map(([project, dir]) => [project, path.join(root, dir)])),
  };
}

/** The name of the project whose folder is `dir` (absolute), in a spec's workspace. */
export function projectAt(workspace: TestWorkspace, dir: string): string | undefined {
  return Object.entries(workspace.projectRoots).find(([, projectRoot]) => projectRoot === dir)?.[0];
}

/** Reads a JSON file of the workspace, e.g. `readWorkspaceJson(root, 'nx.json')`. */
export function readWorkspaceJson<T = Record<string, unknown>>(root: string, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as T;
}

/** Resolves a module the way code in the workspace would, e.g. `resolveFromWorkspace(root, '@topo/runtime')`. */
export function resolveFromWorkspace(root: string, request: string): string {
  return require.resolve(request, { paths: [root] });
}
