import { joinReexports, reexportsName } from './reexports';

describe('joinReexports', () => {
  const file = 'apps/notebook/services/notes/index.ts';
  const context = {
    resolve: (specifier: string) => (specifier === './endpoints/write' ? 'apps/notebook/services/notes/endpoints/write.ts' : undefined),
    endpointsIn: (module: string) => (module.endsWith('write.ts') ? ['createDraft'] : []),
    joining: (module: string) => (module.endsWith('write.ts') ? ['tagNote'] : []),
  };

  it("adds the merged service's endpoints that join a module to a re-export of that module's endpoints, in order", () => {
    const text = `export * from './endpoints/read';\nexport { createDraft } from './endpoints/write';\n`;
    expect(joinReexports(file, text, context)).toBe(`export * from './endpoints/read';\nexport { createDraft, tagNote } from './endpoints/write';\n`);
  });

  it('leaves a list that names more than endpoints, renames one, or exports types', () => {
    for (const text of [
      `export { createDraft, Draft } from './endpoints/write';\n`,
      `export { createDraft as draft } from './endpoints/write';\n`,
      `export type { Draft } from './endpoints/write';\n`,
    ]) {
      expect(joinReexports(file, text, context)).toBe(text);
    }
  });
});

describe('reexportsName', () => {
  const files: Record<string, string> = {
    'apps/n/notes/index.ts': `export * from './endpoints/search';\nexport { createDraft, tagNote as tag } from './endpoints/write';\n`,
  };
  const read = (file: string) => files[file];
  const resolve = (_from: string, specifier: string) => `apps/n/notes/${specifier.slice(2)}.ts`;

  it('finds a name a barrel exports from a module: export * or by the same name', () => {
    expect(reexportsName(read, resolve, 'apps/n/notes', 'apps/n/notes/endpoints/search', 'notesByTag')).toBe(true);
    expect(reexportsName(read, resolve, 'apps/n/notes', 'apps/n/notes/endpoints/write', 'createDraft')).toBe(true);
    expect(reexportsName(read, resolve, 'apps/n/notes', 'apps/n/notes/endpoints/write', 'tagNote')).toBe(false);
    expect(reexportsName(read, resolve, 'apps/n/other', 'apps/n/notes/endpoints/search', 'notesByTag')).toBe(false);
  });
});
