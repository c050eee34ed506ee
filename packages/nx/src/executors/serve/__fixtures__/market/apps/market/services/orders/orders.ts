import { api, APIError, ErrCode } from '@topo/runtime';
import { stock } from '../stock/client';
import { db } from './db';

export interface Line {
  sku: string;
  quantity: number;
}

export interface Order {
  id: number;
  customer: string;
  status: string;
  lines: (Line & { cents: number })[];
}

/** Places an order: its lines priced by stock, all written in one transaction. */
export const place = api(
  { expose: true, method: 'POST', path: '/orders' },
  async ({ customer, lines }: { customer: string; lines: Line[] }): Promise<Order> => {
    if (lines.length === 0) throw new APIError(ErrCode.InvalidArgument, 'an order needs at least one line');
    const priced = await Promise.all(lines.map(async (line) => ({ ...line, cents: (await stock.price({ sku: line.sku })).cents * line.quantity })));
    const id = await db.transaction(async (tx) => {
      const order = await tx.queryRow<{ id: number }>`INSERT INTO orders (customer) VALUES (${customer}) RETURNING id`;
      for (const line of priced) {
        await tx.exec`INSERT INTO order_lines (order_id, sku, quantity, cents) VALUES (${order!.id}, ${line.sku}, ${line.quantity}, ${line.cents})`;
      }
      return order!.id;
    });
    return read(id);
  },
);

/** One order with its lines. */
export const get = api({ expose: true, method: 'GET', path: '/orders/:id' }, async ({ id }: { id: string }): Promise<Order> => read(Number(id)));

/** Every order of a customer, oldest first. */
export const ofCustomer = api(
  { expose: true, method: 'GET', path: '/customers/:customer/orders' },
  async ({ customer }: { customer: string }): Promise<{ orders: { id: number; status: string }[] }> => ({
    orders: await db.queryAll<{ id: number; status: string }>`SELECT id, status FROM orders WHERE customer = ${customer} ORDER BY id`,
  }),
);

async function read(id: number): Promise<Order> {
  if (!Number.isInteger(id)) throw new APIError(ErrCode.InvalidArgument, 'id must be a whole number');
  const order = await db.queryRow<{ id: number; customer: string; status: string }>`SELECT id, customer, status FROM orders WHERE id = ${id}`;
  if (!order) throw new APIError(ErrCode.NotFound, `no order ${id}`);
  const lines = await db.queryAll<Line & { cents: number }>`SELECT sku, quantity, cents FROM order_lines WHERE order_id = ${id} ORDER BY sku`;
  return { ...order, lines };
}
