import { APIError, ErrCode } from '@topo/runtime';

export interface Product {
  id: number;
  name: string;
  priceCents: number;
}

export const PRODUCTS: readonly Product[] = [
  { id: 1, name: 'Notebook', priceCents: 450 },
  { id: 2, name: 'Fountain pen', priceCents: 3999 },
  { id: 3, name: 'Ink, blue', priceCents: 1250 },
];

export function findProduct(id: number): Product {
  const product = PRODUCTS.find((p) => p.id === id);
  if (!product) throw new APIError(ErrCode.NotFound, `no product ${id}`);
  return product;
}
