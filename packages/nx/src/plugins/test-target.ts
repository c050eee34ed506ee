import type { TargetConfiguration } from '@nx/devkit';
import { readdirSync } from 'node:fs';
import { join, posix } from 'node:path';

/** The runner configs a service's specs can run under, nearest first at each folder. */
const RUNNER_CONFIGS: ReadonlyArray<{ runner: 'jest' | 'vitest'; file: string }> = [
  ...['ts', 'js', 'cjs', 'mjs', 'cts', 'mts'].map((ext) => ({ runner: 'jest' as const, file: `jest.config.${ext}` })),
  ...['ts', 'mts', 'js', 'mjs', 'cts', 'cjs'].map((ext) => ({ runner: 'vitest' as const, file: `vitest.config.${ext}` })),
];

/** The names of those configs, for whoever needs to know when one appears or goes. */
export const RUNNER_CONFIG_FILES: readonly string[] = RUNNER_CONFIGS.map(({ file }) => file);

/**
 * A service's `test` target: its specs alone, run by the jest or vitest config nearest
 * above its folder (the one `nx g @topo/nx:init` writes at the app's root, which takes
 * every service of the app). None when no folder from the service's up to the workspace
 * root has such a config.
 *
 * @example
 * // apps/api/jest.config.cjs and apps/api/services/hello/service.ts give hello:
 * // { command: 'jest --config apps/api/jest.config.cjs --passWithNoTests "apps/api/services/hello/"' }
 */
export function serviceTestTarget(workspaceRoot: string, serviceRoot: string, folders: RunnerConfigLookup = runnerConfigLookup()): TargetConfiguration | undefined {
  const config = nearestRunnerConfig(workspaceRoot, serviceRoot, folders);
  if (!config) return undefined;
  // Jest reads the pattern as a regular expression, vitest as a part of the path: both match the folder alone.
  const folder = `${serviceRoot}/`;
  const command =
    config.runner === 'jest'
      ? `jest --config ${config.path} --passWithNoTests "${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`
      : `vitest run --config ${config.path} --passWithNoTests "${folder}"`;
  return {
    executor: 'nx:run-commands',
    options: { command, cwd: '{workspaceRoot}' },
    cache: true,
    inputs: ['default', '^default', `{workspaceRoot}/${config.path}`, { externalDependencies: [config.runner] }],
    outputs: [],
    metadata: {
      technologies: ['topo', config.runner],
      description: `Runs the service's specs with ${config.runner} (${config.path}).`,
    },
  };
}

/**
 * The runner config found in each folder already looked at ('' for none): services share
 * their parent folders, so one call of the plugin lists each folder once instead of asking
 * the disk about twelve names per folder and service.
 */
export type RunnerConfigLookup = Map<string, { runner: 'jest' | 'vitest'; file: string } | null>;

/** A fresh lookup, for one call of the plugin: a later call sees configs added since. */
export function runnerConfigLookup(): RunnerConfigLookup {
  return new Map();
}

function nearestRunnerConfig(workspaceRoot: string, serviceRoot: string, folders: RunnerConfigLookup): { runner: 'jest' | 'vitest'; path: string } | undefined {
  for (let dir = serviceRoot; ; dir = posix.dirname(dir)) {
    const folder = dir === '.' ? '' : dir;
    const found = runnerConfigIn(workspaceRoot, folder, folders);
    if (found) return { runner: found.runner, path: folder ? `${folder}/${found.file}` : found.file };
    if (folder === '') return undefined;
  }
}

function runnerConfigIn(workspaceRoot: string, folder: string, folders: RunnerConfigLookup): { runner: 'jest' | 'vitest'; file: string } | undefined {
  let found = folders.get(folder);
  if (found === undefined) {
    const files = new Set(filesIn(join(workspaceRoot, folder)));
    found = RUNNER_CONFIGS.find(({ file }) => files.has(file)) ?? null;
    folders.set(folder, found);
  }
  return found ?? undefined;
}

/** The names of the files (and links to files) in a folder; none when it cannot be read. */
function filesIn(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((entry) => !entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}
