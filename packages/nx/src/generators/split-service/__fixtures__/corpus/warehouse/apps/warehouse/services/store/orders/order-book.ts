import type { Sku } from '../catalog/skus';

export interface Order {
  id: number;
  sku: Sku;
  quantity: number;
}

/** Orders taken since the process started. */
const book = new Map<number, Order>();

export function record(sku: Sku, quantity: number): Order {
  const order = { id: book.size + 1, sku, quantity };
  book.set(order.id, order);
  return order;
}

export function lookup(id: number): Order | undefined {
  return book.get(id);
}
