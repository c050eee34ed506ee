import { SQLDatabase } from '@topo/runtime';

/** Orders and their lines; billing reads them by name. */
export const db = new SQLDatabase('orders', { migrations: './migrations' });
