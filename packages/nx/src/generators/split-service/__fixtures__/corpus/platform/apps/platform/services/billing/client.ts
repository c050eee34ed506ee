import { client } from '@topo/runtime';
import type * as endpoints from './billing';

/** Typed client of service `billing`: `await billing.invoices({ token })` from any other service. */
export const billing = client<typeof endpoints>('billing');
