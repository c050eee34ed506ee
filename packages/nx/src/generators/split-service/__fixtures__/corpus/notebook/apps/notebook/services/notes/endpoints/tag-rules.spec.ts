import { normalizeTag } from './tag-rules';

it('lower-cases and trims tags', () => {
  expect(normalizeTag('  Work ')).toBe('work');
});

it('refuses what is not a word', () => {
  expect(() => normalizeTag('two words')).toThrow('is not a tag');
});
