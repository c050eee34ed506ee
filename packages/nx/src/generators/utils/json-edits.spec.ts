import { insertIntoJsonArray, removeJsonArrayElement, replaceJsonValue } from './json-edits';

describe('JSON edits that keep the file as it was written', () => {
  it('inserts into an inline array inline, and into a one-per-line array as a line', () => {
    expect(insertIntoJsonArray('{ "services": ["hello"] } // note\n', ['services'], 'yo')).toBe('{ "services": ["hello", "yo"] } // note\n');
    expect(insertIntoJsonArray('{ "t": { "s": [["hello", "billing"], ["x"]] } }', ['t', 's', 0], 'yo', 1)).toBe('{ "t": { "s": [["hello", "yo", "billing"], ["x"]] } }');
    expect(insertIntoJsonArray('{\n  "include": [\n    "a/**/*.ts"\n  ]\n}\n', ['include'], 'b/**/*.ts')).toBe('{\n  "include": [\n    "a/**/*.ts",\n    "b/**/*.ts"\n  ]\n}\n');
    expect(insertIntoJsonArray('{ "a": [] }', ['a'], 1)).toBe('{ "a": [1] }');
  });

  it('replaces one value and removes one element, touching nothing else', () => {
    expect(replaceJsonValue('{\n  // aliases\n  "paths": { "@a/b": ["x.ts"] }\n}', ['paths', '@a/b', 0], 'y.ts')).toBe('{\n  // aliases\n  "paths": { "@a/b": ["y.ts"] }\n}');
    expect(removeJsonArrayElement('{ "s": ["a", "b", "c"] }', ['s', 1])).toBe('{ "s": ["a", "c"] }');
    expect(removeJsonArrayElement('{ "s": ["a", "b"] }', ['s', 1])).toBe('{ "s": ["a"] }');
    expect(removeJsonArrayElement('{ "s": ["a"] }', ['s', 0])).toBe('{ "s": [] }');
  });
});
