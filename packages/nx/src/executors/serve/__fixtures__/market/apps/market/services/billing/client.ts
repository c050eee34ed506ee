import { client } from '@topo/runtime';
import type * as endpoints from './billing';

export const billing = client<typeof endpoints>('billing');
