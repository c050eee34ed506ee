export default {
  displayName: 'demo',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/services/**/*.spec.ts'],
};
