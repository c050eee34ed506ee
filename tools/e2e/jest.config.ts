import type { Config } from 'jest';

// The end-to-end suite works as a new user would: a local registry, a fresh workspace from
// create-nx-workspace, real `nx` commands. One worker, because every spec starts servers and
// installs packages, and the machines that run it have few cores.
const config: Config = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/src/setup/test-timeout.ts'],
  // The registry is started and the packages are published once for all specs.
  globalSetup: '<rootDir>/src/setup/global-setup.ts',
  globalTeardown: '<rootDir>/src/setup/global-teardown.ts',
};

export default config;
