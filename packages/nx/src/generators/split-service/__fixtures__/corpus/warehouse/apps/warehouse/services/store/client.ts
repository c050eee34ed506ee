import { client } from '@topo/runtime';
import type * as orders from './orders/orders';
import type * as stock from './inventory/stock';
import type * as restock from './inventory/restock';
import type * as skus from './catalog/skus';

/** Typed client of service `store`: `await store.getOrder({ id: 1 })` from any other service. */
export const store = client<typeof orders & typeof stock & typeof restock & typeof skus>('store');
