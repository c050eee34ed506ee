import { compareNames, compareSpecifiers, isSorted } from './import-order';

describe('import order', () => {
  it('orders names by their letters, case aside', () => {
    expect(['ErrCode', 'APIError', 'api'].sort(compareNames)).toEqual(['api', 'APIError', 'ErrCode']);
    expect(isSorted(['type Note', 'NOTES'].map((n) => n.replace('type ', '')), compareNames)).toBe(true);
  });

  it('orders specifiers: packages, then relative paths, ../ before ./', () => {
    expect(['./types', '../safety/service', 'node:http', '@topo/runtime/host', '../safety/safety'].sort(compareSpecifiers)).toEqual([
      '@topo/runtime/host',
      'node:http',
      '../safety/safety',
      '../safety/service',
      './types',
    ]);
  });

  it('tells a list in order from one out of it', () => {
    expect(isSorted(['./checks', './sites'], compareSpecifiers)).toBe(true);
    expect(isSorted(['./sites', './checks'], compareSpecifiers)).toBe(false);
    expect(isSorted([], compareSpecifiers)).toBe(true);
  });
});
