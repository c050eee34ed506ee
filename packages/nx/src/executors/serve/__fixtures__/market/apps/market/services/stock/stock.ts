import { api, APIError, ErrCode } from '@topo/runtime';

/** The price list: immutable, so any process may hold it. */
const PRICES: Readonly<Record<string, number>> = { apple: 50, pear: 70, plum: 30 };

/** The unit price of a product, in cents. */
export const price = api({ method: 'GET', path: '/stock/:sku/price' }, async ({ sku }: { sku: string }): Promise<{ sku: string; cents: number }> => {
  const cents = PRICES[sku];
  if (cents === undefined) throw new APIError(ErrCode.NotFound, `no product ${sku}`);
  return { sku, cents };
});
