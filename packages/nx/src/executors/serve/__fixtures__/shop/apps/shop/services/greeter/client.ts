import { client } from '@topo/runtime';
import type * as endpoints from './greeter';

export const greeter = client<typeof endpoints>('greeter');
