import { typescript } from '../../../analysis';
import { attachedStart, fileHeader, importLines } from './render-module';
import { moduleSpecifier } from '../../utils/specifiers';

describe('render-module', () => {
  describe('importLines', () => {
    it('writes one import per module, type-only where every name is a type, in the order the imports had', () => {
      const lines = importLines(
        [
          { local: 'yo', kind: 'named', imported: 'yo', file: 'apps/api/services/yo/client.ts', typeOnly: false },
          { local: 'Reply', kind: 'named', imported: 'Reply', file: 'apps/api/shared/hello/hello.ts', typeOnly: true, order: 40 },
          { local: 'api', kind: 'named', imported: 'api', specifier: '@topo/runtime', typeOnly: false, order: 1 },
          { local: 'fmt', kind: 'named', imported: 'format', file: 'apps/api/shared/hello/hello.ts', typeOnly: false, order: 41 },
          { local: 'Reply', kind: 'named', imported: 'Reply', file: 'apps/api/shared/hello/hello.ts', typeOnly: true, order: 40 },
          { local: 'util', kind: 'namespace', imported: '*', file: 'apps/api/services/hello/util.ts', typeOnly: true },
          { local: 'loud', kind: 'default', imported: 'default', specifier: '../hello/loud', typeOnly: false },
        ],
        'apps/api/services/hello/hello.ts',
        '',
      );

      expect(lines).toEqual([
        `import { api } from '@topo/runtime';`,
        `import { type Reply, format as fmt } from '../../shared/hello/hello';`,
        `import { yo } from '../yo/client';`,
        `import type * as util from './util';`,
        `import loud from '../hello/loud';`,
      ]);
    });

    it('imports a name used as a value anywhere as a value', () => {
      expect(
        importLines(
          [
            { local: 'Tone', kind: 'named', imported: 'Tone', file: 'a/tone.ts', typeOnly: true },
            { local: 'Tone', kind: 'named', imported: 'Tone', file: 'a/tone.ts', typeOnly: false },
          ],
          'a/b.ts',
          '.js',
        ),
      ).toEqual([`import { Tone } from './tone.js';`]);
    });
  });

  it('moduleSpecifier is relative, without the .ts, with .js in ES module packages', () => {
    expect(moduleSpecifier('apps/api/services/yo/yo.ts', 'apps/api/shared/hello/hello.ts', '')).toBe('../../shared/hello/hello');
    expect(moduleSpecifier('apps/api/services/yo/yo.ts', 'apps/api/services/yo/greetings/h2.ts', '.js')).toBe('./greetings/h2.js');
  });

  it('attachedStart takes a doc comment with its declaration, not a comment set apart by a blank line', () => {
    const ts = typescript();
    const text = `// file header\n\n/** Doc. */\n// more\nexport const a = 1;\n`;
    const sourceFile = ts.createSourceFile('a.ts', text, ts.ScriptTarget.Latest, true);

    expect(text.slice(attachedStart(ts, sourceFile, sourceFile.statements[0]))).toBe(`/** Doc. */\n// more\nexport const a = 1;\n`);
  });

  it('fileHeader: the comments on the whole file, not the doc comment of a first declaration', () => {
    const ts = typescript();
    const header = (text: string) => fileHeader(ts, ts.createSourceFile('a.ts', text, ts.ScriptTarget.Latest, true))?.text;

    expect(header(`/*\n * Copyright (c) 2025 Shortly Ltd.\n */\nimport { a } from './a';\n`)).toBe(`/*\n * Copyright (c) 2025 Shortly Ltd.\n */`);
    expect(header(`/* Licence */\n/** Doc. */\nexport const a = 1;\n`)).toBe('/* Licence */');
    expect(header(`// file header\n\n/** Doc. */\n// more\nexport const a = 1;\n`)).toBe('// file header');
    expect(header(`/** Doc. */\nexport const a = 1;\n`)).toBeUndefined();
    expect(header(`// about a\nexport const a = 1;\n`)).toBeUndefined();

    const source = ts.createSourceFile('a.ts', `/* Licence */\nimport { b } from './b';\n`, ts.ScriptTarget.Latest, true);
    expect(source.text.slice(attachedStart(ts, source, source.statements[0]))).toBe(`import { b } from './b';\n`);
  });
});
