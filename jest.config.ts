import type { Config } from 'jest';

// One Jest run covers every package; each package keeps its own config beside its code.
const config: Config = {
  projects: ['<rootDir>/packages/*/jest.config.ts', '<rootDir>/tools/*/jest.config.ts'],
  // Two test files at a time, whatever the cores (Jest's default is one fewer than the cores:
  // one on the 2-core machines that run this). The slow files spend most of their time in
  // the processes they start (nx, tsc, servers, create-nx-workspace), so a second worker
  // keeps both cores busy. Ports come from the OS, and workspace copies do not share caches.
  maxWorkers: 2,
  // Jest's order, with the e2e specs last (see the file).
  testSequencer: '<rootDir>/tools/e2e/test-sequencer.js',
};

export default config;
