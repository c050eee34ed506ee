import { client } from '@topo/runtime';
import type * as endpoints from './audit';

/** Typed client of service `audit`: `await audit.review({ actor: 1, target: 2 })` from any other service. */
export const audit = client<typeof endpoints>('audit');
