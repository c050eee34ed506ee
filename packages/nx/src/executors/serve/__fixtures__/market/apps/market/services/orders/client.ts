import { client } from '@topo/runtime';
import type * as endpoints from './orders';

export const orders = client<typeof endpoints>('orders');
