// Tests beside the code. ts-jest only transpiles (isolatedModules): `tsc --noEmit -p .` checks the types.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./apps/uptime/tsconfig.json');

/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: 'node',
    roots: ['<rootDir>/apps'],
    transform: { '^.+\\.ts$': 'ts-jest' },
    moduleFileExtensions: ['ts', 'js', 'json'],
    // The app's path aliases (apps/uptime/tsconfig.json), for Jest's resolver.
    moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/apps/uptime/' }),
};
