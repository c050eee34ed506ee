import { client } from '@topo/runtime';
import type * as endpoints from './users';

/** Typed client of service `users`: `await users.getUser({ id: 1 })` from any other service. */
export const users = client<typeof endpoints>('users');
