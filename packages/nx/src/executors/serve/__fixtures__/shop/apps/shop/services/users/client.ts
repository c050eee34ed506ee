import { client } from '@topo/runtime';
import type * as endpoints from './users';

export const users = client<typeof endpoints>('users');
