import { globMatches } from './update-typescript-config';

describe('globMatches', () => {
  it.each([
    ['**/*.ts', 'shared/hello/a.ts', true],
    ['services/**/*.ts', 'shared/hello/a.ts', false],
    ['services/**/*.ts', 'services/yo/a.ts', true],
    ['services/*.ts', 'services/yo/a.ts', false],
    ['./shared', 'shared/hello/a.ts', true],
    ['src', 'shared/a.ts', false],
    ['**/*.spec.ts', 'shared/a.ts', false],
    ['shared/**/*', 'shared/x/y/a.ts', true],
  ])('%s takes %s: %s', (pattern, path, expected) => {
    expect(globMatches(pattern, path)).toBe(expected);
  });
});
