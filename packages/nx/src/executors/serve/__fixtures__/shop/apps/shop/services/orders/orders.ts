import { api } from '@topo/runtime';
import { greeter } from '../greeter/client';
import { users } from '../users/client';

export interface OrderRequest {
  userId: number;
  item: string;
  quantity: number;
}

export interface Order {
  item: string;
  quantity: number;
  customer: string;
  greeting: string;
}

export const place = api({ expose: true, method: 'POST', path: '/orders' }, async (req: OrderRequest): Promise<Order> => {
  const customer = await users.lookup({ id: req.userId });
  const { message } = await greeter.greet({ id: req.userId, punctuation: '.' });
  return { item: req.item, quantity: req.quantity, customer: customer.name, greeting: message };
});
