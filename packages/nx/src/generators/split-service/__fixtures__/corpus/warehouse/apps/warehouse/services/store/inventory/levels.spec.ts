import { addUnits, levelOf } from './levels';

it('adds units to the level of a SKU', () => {
  const before = levelOf('plum');
  expect(addUnits('plum', 2)).toBe(before + 2);
  expect(levelOf('plum')).toBe(before + 2);
});
