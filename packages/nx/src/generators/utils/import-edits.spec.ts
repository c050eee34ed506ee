import { importDeclarationText, removeImportedNames, unusedImports } from './import-edits';

describe('import edits', () => {
  const file = 'a/b.ts';

  it('writes an import declaration: type-only when every name is a type, a namespace on its own line', () => {
    const name = (local: string, typeOnly = false) => ({ imported: local, local, typeOnly });
    expect(importDeclarationText([name('Site', true), name('SiteStatus')], `'./types'`)).toBe(`import { type Site, SiteStatus } from './types';`);
    expect(importDeclarationText([name('A', true), name('B', true)], `"./m"`)).toBe(`import type { A, B } from "./m";`);
    expect(importDeclarationText([{ imported: 'default', local: 'svc', typeOnly: false }, { imported: 'x', local: 'y', typeOnly: false }], `'./s'`)).toBe(
      `import svc, { x as y } from './s';`,
    );
    expect(importDeclarationText([{ imported: '*', local: 'ns', typeOnly: true }], `'./m'`)).toBe(`import type * as ns from './m';`);
  });

  it('removes names from imports: a declaration left with none goes with its line', () => {
    const text = `import { a, b } from './ab';\nimport c from './c';\nimport * as d from './d';\n\nexport const x = [a];\n`;
    expect(removeImportedNames(text, file, new Set(['b', 'c', 'd']))).toBe(`import { a } from './ab';\n\nexport const x = [a];\n`);
  });

  it('finds which of some imports no statement uses', () => {
    const text = `import { a, b } from './ab';\nimport c from './c';\n\nexport const x = [a];\n`;
    expect(unusedImports(text, file, new Set(['a', 'b']))).toEqual(new Set(['b']));
  });
});
