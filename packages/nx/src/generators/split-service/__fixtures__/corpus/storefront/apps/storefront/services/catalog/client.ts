import { client } from '@topo/runtime';
import type * as endpoints from './catalog';

/** Typed client of service `catalog`: `await catalog.getProduct({ id: 1 })` from any other service. */
export const catalog = client<typeof endpoints>('catalog');
