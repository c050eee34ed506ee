import { client } from '@topo/runtime';
import type * as endpoints from './stock';

export const stock = client<typeof endpoints>('stock');
