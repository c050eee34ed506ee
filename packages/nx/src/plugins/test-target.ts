import type { TargetConfiguration } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';

/** The runner configs a service's specs can run under, nearest first at each folder. */
const RUNNER_CONFIGS: ReadonlyArray<{ runner: 'jest' | 'vitest'; file: string }> = [
  ...['ts', 'js', 'cjs', 'mjs', 'cts', 'mts'].map((ext) => ({ runner: 'jest' as const, file: `jest.config.${ext}` })),
  ...['ts', 'mts', 'js', 'mjs', 'cts', 'cjs'].map((ext) => ({ runner: 'vitest' as const, file: `vitest.config.${ext}` })),
];

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
export function serviceTestTarget(workspaceRoot: string, serviceRoot: string): TargetConfiguration | undefined {
  const config = nearestRunnerConfig(workspaceRoot, serviceRoot);
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

function nearestRunnerConfig(workspaceRoot: string, serviceRoot: string): { runner: 'jest' | 'vitest'; path: string } | undefined {
  for (let dir = serviceRoot; ; dir = posix.dirname(dir)) {
    const folder = dir === '.' ? '' : dir;
    const found = RUNNER_CONFIGS.find(({ file }) => existsSync(join(workspaceRoot, folder, file)));
    if (found) return { runner: found.runner, path: folder ? `${folder}/${found.file}` : found.file };
    if (folder === '') return undefined;
  }
}
