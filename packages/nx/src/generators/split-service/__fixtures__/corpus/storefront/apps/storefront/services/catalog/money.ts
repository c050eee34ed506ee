/** Prices are whole cents, shown in this currency. */
export const CURRENCY = 'EUR';

function twoDigits(cents: number): string {
  return String(cents % 100).padStart(2, '0');
}

/** 1999 -> "19.99 EUR" */
export function formatPrice(cents: number): string {
  return `${Math.floor(cents / 100)}.${twoDigits(cents)} ${CURRENCY}`;
}

/** Volume discount, in percent, for an order of `quantity` items. */
export function discountFor(quantity: number): number {
  if (quantity >= 100) return 15;
  if (quantity >= 10) return 5;
  return 0;
}

export function applyDiscount(cents: number, percent: number): number {
  return Math.round((cents * (100 - percent)) / 100);
}
