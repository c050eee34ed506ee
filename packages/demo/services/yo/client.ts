import { client } from '@topo/runtime';
import type * as endpoints from './yo';

/** Typed client of service `yo`: `await yo.h2({ name: 'Ada' })` from any other service. */
export const yo = client<typeof endpoints>('yo');
