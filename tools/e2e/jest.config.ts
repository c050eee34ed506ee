import type { Config } from 'jest';

type TsJestTransform = Record<string, [string, { tsconfig: Record<string, unknown> } & Record<string, unknown>]>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const preset = require('../../jest.preset.js') as { transform: TsJestTransform };

// The preset's transform with source maps on, so that a failure points at the right line
// of the spec (without them, stack traces give lines of the compiled JavaScript).
const transform: TsJestTransform = Object.fromEntries(
  Object.entries(preset.transform).map(([pattern, [transformer, options]]) => [
    pattern,
    [transformer, { ...options, tsconfig: { ...options.tsconfig, sourceMap: true } }],
  ]),
);

// The end-to-end suite works as a new user would: a local registry, a fresh workspace from
// create-nx-workspace, real `nx` commands. One worker, because every spec starts servers and
// installs packages, and the machines that run it have few cores.
const config: Config = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  transform,
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/src/setup/test-timeout.ts'],
  // Honoured when this config is run on its own; the root config decides for a full run.
  maxWorkers: 1,
  // The registry is started and the packages are published once for all specs.
  globalSetup: '<rootDir>/src/setup/global-setup.ts',
  globalTeardown: '<rootDir>/src/setup/global-teardown.ts',
};

export default config;
