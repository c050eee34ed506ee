import { mergeModules } from './merge-modules';

const joined = (path: string, kept: string, added: string) => {
  const result = mergeModules(path, kept, added);
  if (!('text' in result)) throw new Error(result.clashes.join('\n'));
  return result.text;
};

describe('mergeModules', () => {
  const path = 'apps/guide/services/hello/hello.ts';

  it('puts what the kept module imported from the added one where it imported it, and drops that import', () => {
    const kept = [
      `import { api } from '@topo/runtime';`,
      `import type { Response } from './hello';`,
      ``,
      `export const h1 = api({ path: '/h1' }, async (): Promise<Response> => ({ message: 'hi' }));`,
      ``,
    ].join('\n');
    const shared = [`/** What both greetings answer. */`, `export interface Response {`, `  message: string;`, `}`, ``].join('\n');

    expect(joined(path, kept, shared)).toBe(
      [
        `import { api } from '@topo/runtime';`,
        ``,
        `/** What both greetings answer. */`,
        `export interface Response {`,
        `  message: string;`,
        `}`,
        ``,
        `export const h1 = api({ path: '/h1' }, async (): Promise<Response> => ({ message: 'hi' }));`,
        ``,
      ].join('\n'),
    );
  });

  it('puts the added code after the kept code otherwise, its imports joined to the kept ones', () => {
    const kept = `import { api } from '@topo/runtime';\n\nexport const h1 = api({ path: '/h1' }, async () => ({}));\n`;
    const added = `import { api, APIError } from '@topo/runtime';\nimport { shout } from './lib/shout';\n\nexport const h2 = api({ path: '/h2' }, async () => ({ m: shout('x') }));\n`;

    expect(joined(path, kept, added)).toBe(
      `import { api, APIError } from '@topo/runtime';\nimport { shout } from './lib/shout';\n\nexport const h1 = api({ path: '/h1' }, async () => ({}));\n\nexport const h2 = api({ path: '/h2' }, async () => ({ m: shout('x') }));\n`,
    );
  });

  it('writes a file header both modules start with once', () => {
    const header = `/*\n * Copyright (c) 2025 Shortly Ltd.\n */`;
    const kept = `${header}\nimport { a } from './a';\n\nexport const b = a;\n`;
    const added = `${header}\n\n/** A short link. */\nexport interface ShortUrl {\n  id: string;\n}\n`;

    const text = joined('apps/s/services/links/types.ts', kept, added);
    expect(text.split('Copyright')).toHaveLength(2);
    expect(text).toBe(`${header}\nimport { a } from './a';\n\nexport const b = a;\n\n/** A short link. */\nexport interface ShortUrl {\n  id: string;\n}\n`);
  });

  it('joins names of one module in order when both lists are in order, and type-only imports with type-only imports', () => {
    const kept = `import { formatPrice } from './money';\nimport type { Team, User } from './model';\n\nexport const a = formatPrice;\n`;
    const added = `import { applyDiscount, discountFor } from './money';\nimport type { Subscription } from './model';\n\nexport const b = [applyDiscount, discountFor];\n`;

    const text = joined('apps/st/services/catalog/catalog.ts', kept, added);
    expect(text).toContain(`import { applyDiscount, discountFor, formatPrice } from './money';`);
    expect(text).toContain(`import type { Subscription, Team, User } from './model';`);
  });

  it("puts an added import after the import it followed in the added module, else at its place in the kept imports' order", () => {
    const kept = `import { api } from '@topo/runtime';\nimport { identity } from '../identity/client';\n\nexport const a = 1;\n`;
    const added = `import { api } from '@topo/runtime';\nimport { identity } from '../identity/client';\nimport { mailer } from '../../../../libs/mailer/client';\n\nexport const b = 2;\n`;
    expect(joined('apps/p/services/billing/billing.ts', kept, added)).toMatch(/identity\/client';\nimport \{ mailer \}/);

    const sortedKept = `import { list } from './sites';\n\nit('lists', () => list());\n`;
    const sortedAdded = `import { ping } from './checks';\n\nit('pings', () => ping());\n`;
    expect(joined('apps/u/services/monitor/monitor.spec.ts', sortedKept, sortedAdded)).toMatch(/^import \{ ping \} from '\.\/checks';\nimport \{ list \} from '\.\/sites';/);
  });

  it('joins names the added module imports from a module to the import of a barrel that re-exports it, as the kept module imports', () => {
    const spec = 'apps/notebook/services/notes/endpoints/search.spec.ts';
    const kept = `import { searchNotes } from '../index';\n\nit('searches', () => searchNotes());\n`;
    const added = `import { notesByTag } from './search';\n\nit('finds by tag', () => notesByTag());\n`;
    const exportsThrough = (barrel: string, from: string, name: string) =>
      barrel === 'apps/notebook/services/notes' && from === 'apps/notebook/services/notes/endpoints/search' && name === 'notesByTag';

    const result = mergeModules(spec, kept, added, { exportsThrough });
    expect('text' in result && result.text).toBe(`import { notesByTag, searchNotes } from '../index';\n\nit('searches', () => searchNotes());\n\nit('finds by tag', () => notesByTag());\n`);
  });

  describe('test modules', () => {
    const spec = 'apps/guide/services/hello/hello.spec.ts';

    it("keep one describe per title: the added tests go into the kept describe, after its last test", () => {
      const kept = [
        `import { h1 } from './hello';`,
        ``,
        `describe('hello', () => {`,
        `  it('greets with h1', async () => {`,
        `    await h1();`,
        `  });`,
        ``,
        `  it('refuses nobody', async () => {});`,
        `});`,
        ``,
      ].join('\n');
      const added = [`import { h2 } from './hello';`, ``, `describe('hello', () => {`, `  it('greets with h2', async () => {`, `    await h2();`, `  });`, `});`, ``].join('\n');

      expect(joined(spec, kept, added)).toBe(
        [
          `import { h1, h2 } from './hello';`,
          ``,
          `describe('hello', () => {`,
          `  it('greets with h1', async () => {`,
          `    await h1();`,
          `  });`,
          ``,
          `  it('refuses nobody', async () => {});`,
          ``,
          `  it('greets with h2', async () => {`,
          `    await h2();`,
          `  });`,
          `});`,
          ``,
        ].join('\n'),
      );
    });

    it('join nested describes of one title, keep describes of other titles apart, and write what both have once', () => {
      const kept = [
        `let seed = 1;`,
        ``,
        `describe('catalog', () => {`,
        `  describe('products', () => {`,
        `    it('lists', () => {});`,
        `  });`,
        `});`,
        ``,
      ].join('\n');
      const added = [
        `let seed = 1;`,
        ``,
        `describe('catalog', () => {`,
        `  describe('quotes', () => {`,
        `    it('quotes', () => {});`,
        `  });`,
        `});`,
        ``,
        `describe('permissions', () => {`,
        `  it('checks', () => {});`,
        `});`,
        ``,
      ].join('\n');

      const text = joined('apps/st/services/catalog/catalog.spec.ts', kept, added);
      expect(text.match(/let seed/g)).toHaveLength(1);
      expect(text.match(/describe\('catalog'/g)).toHaveLength(1);
      expect(text).toContain(`  describe('products', () => {\n    it('lists', () => {});\n  });\n\n  describe('quotes', () => {\n    it('quotes', () => {});\n  });\n});`);
      expect(text.endsWith(`});\n\ndescribe('permissions', () => {\n  it('checks', () => {});\n});\n`)).toBe(true);
    });
  });

  it('refuses two declarations of one name, and one name imported differently', () => {
    expect(mergeModules(path, `export const a = 1;\n`, `export const a = 2;\n`)).toEqual({ clashes: ['both declare "a"'] });
    expect(mergeModules(path, `import { x as a } from './x';\nexport const b = a;\n`, `import { a } from './y';\nexport const c = a;\n`)).toEqual({
      clashes: ['both use the name "a" for different imports'],
    });
  });
});
