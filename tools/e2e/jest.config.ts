import type { Config } from 'jest';

// The end-to-end suite works as a new user would: a local registry, a fresh workspace from
// create-nx-workspace, real `nx` commands. How many specs run at a time is the root config's
// maxWorkers (a project config cannot set it); run alone, pass `-w 2` to run two.
const config: Config = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/src/setup/test-timeout.ts'],
  // The registry is started once for all specs; the packages are published, and the fresh
  // workspace every spec copies is made, in the background while the first tests run.
  globalSetup: '<rootDir>/src/setup/global-setup.ts',
  globalTeardown: '<rootDir>/src/setup/global-teardown.ts',
};

export default config;
