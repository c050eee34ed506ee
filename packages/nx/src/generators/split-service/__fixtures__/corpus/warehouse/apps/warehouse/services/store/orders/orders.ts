import { api, APIError, ErrCode } from '@topo/runtime';
import { checkSku } from '../catalog/skus';
import { lookup, type Order, record } from './order-book';

export const placeOrder = api(
  { expose: true, method: 'POST', path: '/orders' },
  async ({ sku, quantity }: { sku: string; quantity: number }): Promise<Order> => {
    if (!Number.isInteger(quantity) || quantity <= 0) throw new APIError(ErrCode.InvalidArgument, 'quantity must be a positive whole number');
    return record(checkSku(sku), quantity);
  },
);

export const getOrder = api(
  { expose: true, method: 'GET', path: '/orders/:id' },
  async ({ id }: { id: number }): Promise<Order> => {
    const order = lookup(id);
    if (!order) throw new APIError(ErrCode.NotFound, `no order ${id}`);
    return order;
  },
);
