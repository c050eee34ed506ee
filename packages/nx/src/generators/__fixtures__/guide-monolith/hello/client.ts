import { client } from '@topo/runtime';
import type * as endpoints from './hello';

/** Typed client of service `hello`: `await hello.h1({ name: 'Ada' })` from any other service. */
export const hello = client<typeof endpoints>('hello');
