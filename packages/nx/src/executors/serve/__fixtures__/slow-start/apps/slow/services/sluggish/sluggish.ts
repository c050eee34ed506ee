import { api } from '@topo/runtime';

// A service that takes its time to start (a large configuration to load, a cache to warm):
// its process blocks for 1.5 s before it can listen, long after the gateway's has started.
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_500);

export const sluggish = api({ expose: true, method: 'GET', path: '/sluggish' }, async (): Promise<{ sluggish: boolean }> => ({ sluggish: true }));
