import { importsBefore, tidyImports } from './tidy-imports';

describe('tidyImports', () => {
  const file = 'apps/uptime/services/monitor/checks.spec.ts';
  const tidy = (before: string, after: string) => tidyImports(file, after, importsBefore([[file, before]]));

  it('joins an import the merge respelled to the module\'s own import of the same module, where that one was', () => {
    const before = `import { check } from './checks';\nimport type { Site } from '../monitor/types';\nimport { SiteStatus } from './types';\n`;
    const after = `import { check } from './checks';\nimport type { Site } from './types';\nimport { SiteStatus } from './types';\n`;
    expect(tidy(before, after)).toBe(`import { check } from './checks';\nimport { type Site, SiteStatus } from './types';\n`);
  });

  it('leaves two imports of one module that the module had, or that the merge wrote both', () => {
    const own = `import { a } from './m';\nimport type { B } from './m';\n`;
    expect(tidy(own, own)).toBe(own);
    const written = `import { a } from './m';\nimport type { B } from './m';\n`;
    expect(tidy(`import { x } from '../x/client';\nimport type { B } from '../o/m';\n`, written)).toBe(written);
  });

  it("puts what the merge respelled or wrote at its place when the module's own imports are in order", () => {
    const before = `import { api } from '@topo/runtime';\nimport type { Site } from './types';\nimport { checks } from '../checks/client';\n`;
    const after = `import { api } from '@topo/runtime';\nimport type { Site } from './types';\nimport { forget } from './checks';\n`;
    expect(tidy(before, after)).toBe(`import { api } from '@topo/runtime';\nimport { forget } from './checks';\nimport type { Site } from './types';\n`);
  });

  it("leaves the order alone when the module's own imports are in none, or are set apart", () => {
    const before = `import { b } from './b';\nimport { a } from './a';\nimport { c } from '../x/c';\n`;
    const after = `import { b } from './b';\nimport { a } from './a';\nimport { c } from './c';\n`;
    expect(tidy(before, after)).toBe(after);
    const grouped = `import { a } from './a';\n\nimport { d } from './d';\nimport { c } from './c';\n`;
    expect(tidy(`import { a } from './a';\n\nimport { d } from './d';\nimport { c } from '../c';\n`, grouped)).toBe(grouped);
  });

  it("puts the names of a list the merge wrote in order when the module's lists are", () => {
    const before = `import { forget, stats, top } from './visits';\nimport { links } from '../links/client';\n`;
    const after = `import { forget, stats, top } from './visits';\nimport { shorten, remove } from './urls';\n`;
    expect(tidy(before, after)).toBe(`import { remove, shorten } from './urls';\nimport { forget, stats, top } from './visits';\n`);
  });
});
