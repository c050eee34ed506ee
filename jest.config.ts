import type { Config } from 'jest';

// One Jest run covers every package; each package keeps its own config beside its code.
const config: Config = {
  projects: ['<rootDir>/packages/*/jest.config.ts', '<rootDir>/tools/*/jest.config.ts'],
};

export default config;
