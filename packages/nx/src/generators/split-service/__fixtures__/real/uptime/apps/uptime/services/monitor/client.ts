import { client } from '@topo/runtime';
import type * as checks from './checks';
import type * as sites from './sites';

/** Typed client of service `monitor`: `await monitor.get({ id: 1 })` from any other service. */
export const monitor = client<typeof sites & typeof checks>('monitor');
