// Shared Jest settings for the packages: TypeScript through ts-jest, tests beside the code.
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', target: 'ES2022', esModuleInterop: true, strict: true, skipLibCheck: true, resolveJsonModule: true, isolatedModules: true, sourceMap: true }, diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/?(*.)+(spec|test).ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/__fixtures__/', '/files/'],
};
