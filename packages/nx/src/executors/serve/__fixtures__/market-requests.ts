import type { Answer, ServeRequest } from '../../../testing/serve-replay';

/**
 * The market app's stateful request set: orders placed (priced by stock), invoiced once
 * (billing reads orders by name and writes to both databases), a return opened in a
 * transaction; bad input (an empty order, an unknown product, a check constraint, SQL in
 * path parameters) answered without harm. From empty databases, every id is known.
 */

const json = (value: unknown) => JSON.stringify(value);

export const MARKET_REQUESTS: ServeRequest[] = [
  { method: 'POST', path: '/orders', body: json({ customer: 'ada', lines: [{ sku: 'apple', quantity: 2 }, { sku: 'pear', quantity: 1 }] }) },
  { method: 'POST', path: '/orders', body: json({ customer: 'ada', lines: [{ sku: 'plum', quantity: 3 }] }) },
  { method: 'GET', path: '/orders/1' },
  { method: 'POST', path: '/invoices', body: json({ orderId: 1 }) },
  { method: 'POST', path: '/invoices', body: json({ orderId: 1 }) },
  { method: 'POST', path: '/invoices', body: json({ orderId: 9 }) },
  { method: 'GET', path: '/customers/ada/orders' },
  { method: 'GET', path: '/invoices' },
  { method: 'POST', path: '/orders', body: json({ customer: 'bob', lines: [] }) },
  { method: 'POST', path: '/orders', body: json({ customer: 'bob', lines: [{ sku: 'kiwi', quantity: 1 }] }) },
  { method: 'POST', path: '/orders', body: json({ customer: 'bob', lines: [{ sku: 'apple', quantity: 0 }] }) },
  { method: 'GET', path: "/customers/x'%20OR%20'1'%3D'1/orders" },
  { method: 'GET', path: '/orders/1;DROP%20TABLE%20orders' },
  { method: 'GET', path: '/stock/apple/price' },
  { method: 'GET', path: '/orders/2' },
  { method: 'POST', path: '/returns', body: json({ orderId: 1, sku: 'pear', reason: 'bruised' }) },
  { method: 'POST', path: '/returns', body: json({ orderId: 1, sku: 'kiwi', reason: 'never ordered' }) },
  { method: 'POST', path: '/returns', body: json({ orderId: 7, sku: 'pear', reason: 'no such order' }) },
  { method: 'GET', path: '/orders/1/returns' },
];

/** The checks of the answers to MARKET_REQUESTS, from empty databases. */
export function expectMarketAnswers(answers: Answer[]): void {
  const [placed, second, read, invoiced, again, unknown, ofAda, invoices, empty, kiwi, zero, injection, dropping, privatePrice, after] = answers;
  expect(placed).toEqual({
    status: 200,
    body: { id: 1, customer: 'ada', status: 'open', lines: [{ sku: 'apple', quantity: 2, cents: 100 }, { sku: 'pear', quantity: 1, cents: 70 }] },
  });
  expect(second.status).toBe(200);
  expect(read).toEqual(placed);
  expect(invoiced).toEqual({ status: 200, body: { id: 1, orderId: 1, cents: 170 } });
  expect([again.status, unknown.status]).toEqual([409, 404]);
  expect(ofAda).toEqual({ status: 200, body: { orders: [{ id: 1, status: 'invoiced' }, { id: 2, status: 'open' }] } });
  expect(invoices).toEqual({ status: 200, body: { invoices: [{ id: 1, orderId: 1, cents: 170 }] } });
  expect([empty.status, kiwi.status, injection, dropping.status, privatePrice.status]).toEqual([400, 404, { status: 200, body: { orders: [] } }, 400, 404]);
  // A check constraint the database enforces is an internal error, with no SQL in the body.
  expect(zero.status).toBe(500);
  expect(JSON.stringify(zero.body)).not.toMatch(/order_lines|quantity|constraint|INSERT/i);
  expect(after.status).toBe(200);
  const [opened, notOrdered, noOrder, returns] = answers.slice(15);
  expect(opened).toEqual({ status: 200, body: { id: 1, orderId: 1, sku: 'pear', reason: 'bruised' } });
  expect([notOrdered.status, noOrder.status]).toEqual([400, 404]);
  expect(returns).toEqual({ status: 200, body: { returns: [{ id: 1, sku: 'pear', reason: 'bruised', events: 1 }] } });
}
