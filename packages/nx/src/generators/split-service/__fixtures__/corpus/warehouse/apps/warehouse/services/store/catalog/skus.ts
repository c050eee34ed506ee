import { api, APIError, ErrCode } from '@topo/runtime';

/** Every article the store sells, by SKU. */
export const SKUS = ['apple', 'pear', 'plum'] as const;

export type Sku = (typeof SKUS)[number];

export function checkSku(sku: string): Sku {
  const known = SKUS.find((s) => s === sku);
  if (!known) throw new APIError(ErrCode.InvalidArgument, `unknown SKU "${sku}"; one of ${SKUS.join(', ')}`);
  return known;
}

export const listSkus = api({ expose: true, method: 'GET', path: '/skus' }, async (): Promise<{ skus: readonly Sku[] }> => ({ skus: SKUS }));
