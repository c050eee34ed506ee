import { discountFor, formatPrice } from './money';

test('formats cents as a price', () => {
  expect(formatPrice(1905)).toBe('19.05 EUR');
});

test('discounts grow with the quantity', () => {
  expect([1, 10, 100].map(discountFor)).toEqual([0, 5, 15]);
});
