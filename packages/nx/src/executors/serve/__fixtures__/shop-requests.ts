import type { ServeRequest } from '../../../testing/serve-replay';

const json = (value: unknown) => JSON.stringify(value);

/** What a client may send the shop app (`nx serve` and `nx build` specs); each topology must answer every one the same way. */
export const SHOP_REQUESTS: ServeRequest[] = [
  { method: 'GET', path: '/users/1' },
  { method: 'GET', path: '/users/9' },
  { method: 'GET', path: '/users/abc' },
  { method: 'GET', path: '/users/boom' },
  { method: 'GET', path: '/greet/2' },
  { method: 'GET', path: '/greet/2?punctuation=%3F' },
  { method: 'POST', path: '/orders', body: json({ userId: 1, item: 'book', quantity: 2 }) },
  { method: 'POST', path: '/orders', body: json({ userId: 7, item: 'book', quantity: 2 }) },
  { method: 'POST', path: '/orders', body: '{"userId": 1,' },
  { method: 'POST', path: '/orders', body: json({ userId: 1, item: 'book' }) },
  { method: 'POST', path: '/internal/users/lookup', body: json({ id: 1 }) },
  {
    method: 'POST',
    path: '/internal/users/lookup',
    body: json({ id: 1 }),
    headers: { 'x-topo-auth': '1.forged', 'x-topo-caller': 'orders' },
  },
  { method: 'GET', path: '/no/such/path' },
];
