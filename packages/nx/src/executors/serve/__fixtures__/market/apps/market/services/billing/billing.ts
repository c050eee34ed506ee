import { api, APIError, ErrCode } from '@topo/runtime';
import { invoices, orders } from './db';

export interface Invoice {
  id: number;
  orderId: number;
  cents: number;
}

/** Invoices an order once: its total read from the orders database, the order marked invoiced in the same step. */
export const invoice = api(
  { expose: true, method: 'POST', path: '/invoices' },
  async ({ orderId }: { orderId: number }): Promise<Invoice> => {
    const total = await orders.queryRow<{ cents: number | null; n: number }>`
      SELECT SUM(cents)::int AS cents, COUNT(*)::int AS n FROM order_lines WHERE order_id = ${orderId}`;
    if (!total || total.n === 0) throw new APIError(ErrCode.NotFound, `no order ${orderId}`);
    const existing = await invoices.queryRow<{ id: number }>`SELECT id FROM invoices WHERE order_id = ${orderId}`;
    if (existing) throw new APIError(ErrCode.AlreadyExists, `order ${orderId} is invoiced already`);
    const row = await invoices.queryRow<{ id: number }>`INSERT INTO invoices (order_id, cents) VALUES (${orderId}, ${total.cents}) RETURNING id`;
    await orders.exec`UPDATE orders SET status = 'invoiced' WHERE id = ${orderId}`;
    return { id: row!.id, orderId, cents: total.cents ?? 0 };
  },
);

/** Every invoice, newest last. */
export const list = api({ expose: true, method: 'GET', path: '/invoices' }, async (): Promise<{ invoices: Invoice[] }> => ({
  invoices: await invoices.queryAll<Invoice>`SELECT id, order_id AS "orderId", cents FROM invoices ORDER BY id`,
}));
