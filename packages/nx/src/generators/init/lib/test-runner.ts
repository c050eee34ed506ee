import { joinPathFragments, readJson, readNxJson, type Tree, updateNxJson, writeJson } from '@nx/devkit';
import { readFileSync } from 'node:fs';
import { isTsSolutionSetup } from '../../utils/workspace';

export type TestRunner = 'jest' | 'vitest';

/**
 * The packages of each runner, at the versions Nx 23's own generators install (`@nx/jest`,
 * `@nx/vitest`): the Nx plugin at the workspace's Nx version, the runner at the line that
 * plugin supports. A version the workspace has already is kept.
 */
export function testRunnerPackages(runner: TestRunner, nxVersion: string): Record<string, string> {
  if (runner === 'vitest') return { '@nx/vitest': nxVersion, vitest: '~4.1.0' };
  return { '@nx/jest': nxVersion, jest: '~30.3.0', 'ts-jest': '^29.4.7', '@types/jest': '~30.0.0' };
}

/** The Nx plugin that infers the app's `test` target from the config init writes. */
const NX_PLUGIN: Record<TestRunner, { plugin: string; options: Record<string, string> }> = {
  jest: { plugin: '@nx/jest/plugin', options: { targetName: 'test' } },
  vitest: { plugin: '@nx/vitest', options: { testTargetName: 'test' } },
};

/**
 * The runner the workspace uses already (vitest when it has vitest or an Nx vitest/vite
 * plugin, jest when it has jest), else jest.
 */
export function detectTestRunner(tree: Tree): TestRunner {
  const { dependencies = {}, devDependencies = {} } = tree.exists('package.json') ? readJson(tree, 'package.json') : {};
  const has = (name: string) => name in dependencies || name in devDependencies;
  if (has('vitest') || has('@nx/vitest') || has('@nx/vite')) return 'vitest';
  return 'jest';
}

/**
 * The Nx version of the workspace: the installed `nx`, else the version package.json asks
 * for, else the one this plugin was built with.
 */
export function workspaceNxVersion(tree: Tree): string {
  try {
    return JSON.parse(readFileSync(require.resolve('nx/package.json', { paths: [tree.root] }), 'utf-8')).version;
  } catch {
    const { dependencies = {}, devDependencies = {} } = tree.exists('package.json') ? readJson(tree, 'package.json') : {};
    const asked = String(devDependencies.nx ?? dependencies.nx ?? '').replace(/^[~^]/, '');
    if (/^\d+\.\d+\.\d+/.test(asked)) return asked;
    return JSON.parse(readFileSync(require.resolve('@nx/devkit/package.json'), 'utf-8')).version;
  }
}

/**
 * The app's test set-up: a runner config at the app's root, which takes every spec below
 * it (`nx test <app>`, inferred by the runner's Nx plugin), and from which Topo's plugin
 * infers each service's `test` target (`nx test <service>`, that service's specs alone).
 * An app that has a config of either runner keeps it.
 */
export function setUpTestRunner(tree: Tree, runner: TestRunner, appDirectory: string, appName: string): void {
  registerRunnerPlugin(tree, runner);
  const existing = tree.children(appDirectory).find((file) => /^(jest|vitest|vite)\.config\.[cm]?[jt]s$/.test(file));
  if (existing) return;
  if (runner === 'vitest') {
    tree.write(
      joinPathFragments(appDirectory, 'vitest.config.mts'),
      `import { defineConfig } from 'vitest/config';

// The specs of every service of this app: \`nx test ${appName}\`; one service's: \`nx test <service>\`.
export default defineConfig({
  test: {
    name: '${appName}',
    environment: 'node',
    include: ['**/*.{spec,test}.ts'],
  },
});
`,
    );
    return;
  }
  tree.write(
    joinPathFragments(appDirectory, 'jest.config.cjs'),
    `// The specs of every service of this app: \`nx test ${appName}\`; one service's: \`nx test <service>\`.
module.exports = {
  displayName: '${appName}',
  testEnvironment: 'node',
  transform: { '^.+\\\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
};
`,
  );
  writeSpecTsconfig(tree, appDirectory);
}

/** ts-jest compiles the specs with this: the app's settings plus jest's globals. */
function writeSpecTsconfig(tree: Tree, appDirectory: string): void {
  const path = joinPathFragments(appDirectory, 'tsconfig.spec.json');
  if (tree.exists(path)) return;
  const { dependencies = {}, devDependencies = {} } = readJson(tree, 'package.json');
  const types = '@types/node' in dependencies || '@types/node' in devDependencies ? ['jest', 'node'] : ['jest'];
  const solution = isTsSolutionSetup(tree);
  writeJson(tree, path, {
    extends: './tsconfig.json',
    compilerOptions: {
      outDir: solution ? './out-tsc/jest' : joinPathFragments(relativeToRoot(appDirectory), 'dist/out-tsc'),
      // A TypeScript solution's nodenext compiles these CommonJS files as CommonJS already.
      ...(solution ? {} : { module: 'commonjs' }),
      types,
    },
    include: ['**/*.spec.ts', '**/*.test.ts', '**/*.d.ts'],
    exclude: ['node_modules', 'dist', 'out-tsc'],
  });
}

function relativeToRoot(directory: string): string {
  return directory
    .split('/')
    .map(() => '..')
    .join('/');
}

function registerRunnerPlugin(tree: Tree, runner: TestRunner): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const { plugin } = NX_PLUGIN[runner];
  const registered = plugins.some((entry) => {
    const name = typeof entry === 'string' ? entry : entry.plugin;
    return name === plugin || (runner === 'vitest' && name === '@nx/vitest/plugin');
  });
  if (registered) return;
  updateNxJson(tree, { ...nxJson, plugins: [...plugins, NX_PLUGIN[runner]] });
}
