import { api } from '@topo/runtime';

export const quick = api({ expose: true, method: 'GET', path: '/quick' }, async (): Promise<{ quick: boolean }> => ({ quick: true }));
