import { client } from '@topo/runtime';
import type * as endpoints from './index';

/** Typed client of service `notes`: `await notes.getNote({ id: 1 })` from any other service. */
export const notes = client<typeof endpoints>('notes');
