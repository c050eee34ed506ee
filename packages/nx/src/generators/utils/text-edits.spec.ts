import { applyTextEdits } from './text-edits';

describe('applyTextEdits', () => {
  it('applies edits given in any order, an insertion before a removal that starts at the same place', () => {
    expect(
      applyTextEdits('abcdef', [
        { start: 4, end: 5, text: 'EE' },
        { start: 1, end: 3, text: '' },
        { start: 1, end: 1, text: 'X' },
      ]),
    ).toBe('aXdEEf');
    expect(applyTextEdits('abc', [{ start: 1, end: 2, text: 'R' }, { start: 1, end: 1, text: 'X' }])).toBe('aXRc');
  });

  it('refuses overlapping edits', () => {
    expect(() =>
      applyTextEdits('abc', [
        { start: 0, end: 2, text: '' },
        { start: 1, end: 3, text: '' },
      ]),
    ).toThrow('Overlapping edits');
  });
});
