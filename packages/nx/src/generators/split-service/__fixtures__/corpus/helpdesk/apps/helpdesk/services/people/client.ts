import { client } from '@topo/runtime';
import type * as endpoints from './people';

/** Typed client of service `people`: `await people.lookup({ handle: 'ada' })` from any other service. */
export const people = client<typeof endpoints>('people');
