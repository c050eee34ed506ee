import { mergedFileName } from './merged-file-names';

describe('mergedFileName', () => {
  const names = { from: 'yo', into: 'hello' };
  const files = (...paths: string[]) => (file: string) => paths.includes(file);

  it("sends the merged service's main module to the remaining service's, where the two are joined", () => {
    expect(mergedFileName('yo.ts', names, files('hello.ts'), files('yo.ts'))).toBe('hello.ts');
    expect(mergedFileName('api/yo.ts', names, files('api/hello.ts'), files('api/yo.ts'))).toBe('api/hello.ts');
  });

  it('sends the files named after the main module with it, whether the remaining service has them or not', () => {
    const intoHas = files('hello.ts', 'hello.spec.ts');
    const fromHas = files('yo.ts', 'yo.spec.ts', 'yo.test.ts');
    expect(mergedFileName('yo.spec.ts', names, intoHas, fromHas)).toBe('hello.spec.ts');
    expect(mergedFileName('yo.test.ts', names, intoHas, fromHas)).toBe('hello.test.ts');
  });

  it('keeps the name when the remaining service has no main module of that name: a module named after the new service by chance', () => {
    // uptime: checks.ts and checks.spec.ts were named so before "checks" was split out of "monitor".
    const intoHas = files('sites.ts', 'monitor.spec.ts');
    const fromHas = files('checks.ts', 'checks.spec.ts');
    const checks = { from: 'checks', into: 'monitor' };
    expect(mergedFileName('checks.ts', checks, intoHas, fromHas)).toBe('checks.ts');
    expect(mergedFileName('checks.spec.ts', checks, intoHas, fromHas)).toBe('checks.spec.ts');
  });

  it('keeps the names when the two main modules cannot be one, and the files beside them follow', () => {
    const intoHas = files('hello.ts', 'hello.spec.ts');
    const fromHas = files('yo.ts', 'yo.spec.ts');
    const never = () => false;
    expect(mergedFileName('yo.ts', names, intoHas, fromHas, never)).toBe('yo.ts');
    expect(mergedFileName('yo.spec.ts', names, intoHas, fromHas, never)).toBe('yo.spec.ts');
  });

  it('without a main module, sends a file named after the merged service to the file of the same kind it has', () => {
    expect(mergedFileName('yo.spec.ts', names, files('hello.spec.ts'), files('yo.spec.ts'))).toBe('hello.spec.ts');
    expect(mergedFileName('yo.spec.ts', names, files('hello.ts'), files('yo.spec.ts'))).toBe('yo.spec.ts');
  });

  it('leaves every other file at the same relative place', () => {
    const intoHas = files('hello.ts', 'yoga.ts');
    expect(mergedFileName('lib/shout.ts', names, intoHas, files('yo.ts'))).toBe('lib/shout.ts');
    expect(mergedFileName('yoga.ts', names, intoHas, files('yo.ts'))).toBe('yoga.ts');
    expect(mergedFileName('yo', names, intoHas, files('yo.ts'))).toBe('yo');
  });
});
