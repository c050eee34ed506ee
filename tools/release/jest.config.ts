import type { Config } from 'jest';

// The release step's test: it runs `npm run release` into a temporary folder and reads the tarballs.
const config: Config = {
  displayName: 'release',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/**/*.spec.ts'],
};

export default config;
