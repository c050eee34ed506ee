import { client } from '@topo/runtime';
import type * as endpoints from './identity';

/** Typed client of service `identity`: `await identity.whoami({ token })` from any other service. */
export const identity = client<typeof endpoints>('identity');
