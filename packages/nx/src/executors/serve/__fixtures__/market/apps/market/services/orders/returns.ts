import { api, APIError, ErrCode } from '@topo/runtime';
import { db } from './db';
import { get } from './orders';

export interface Return {
  id: number;
  orderId: number;
  sku: string;
  reason: string;
}

/**
 * Opens a return for a line of an order: the order is read through its endpoint, and the
 * return and its first event are written in one transaction, committed by hand.
 */
export const openReturn = api(
  { expose: true, method: 'POST', path: '/returns' },
  async ({ orderId, sku, reason }: { orderId: number; sku: string; reason: string }): Promise<Return> => {
    const order = await get({ id: String(orderId) });
    if (!order.lines.some((line) => line.sku === sku)) throw new APIError(ErrCode.InvalidArgument, `order ${orderId} has no ${sku}`);
    const tx = await db.begin();
    try {
      const row = await tx.queryRow<{ id: number }>`INSERT INTO returns (order_id, sku, reason) VALUES (${orderId}, ${sku}, ${reason}) RETURNING id`;
      await tx.exec`INSERT INTO return_events (return_id, event) VALUES (${row!.id}, 'opened')`;
      await tx.commit();
      return { id: row!.id, orderId, sku, reason };
    } catch (error) {
      await tx.rollback();
      throw error;
    }
  },
);

/** The returns of an order, with how many events each has had. */
export const returnsOf = api(
  { expose: true, method: 'GET', path: '/orders/:id/returns' },
  async ({ id }: { id: string }): Promise<{ returns: (Omit<Return, 'orderId'> & { events: number })[] }> => ({
    returns: await db.queryAll<Omit<Return, 'orderId'> & { events: number }>`
      SELECT r.id, r.sku, r.reason, COUNT(e.return_id)::int AS events
      FROM returns r JOIN return_events e ON e.return_id = r.id
      WHERE r.order_id = ${Number(id)}
      GROUP BY r.id ORDER BY r.id`,
  }),
);
