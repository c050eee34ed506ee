import { client } from '@topo/runtime';
import type * as endpoints from './slack';

/** Typed client of service `slack`: `await slack.notify({ text })` from any other service. */
export const slack = client<typeof endpoints>('slack');
