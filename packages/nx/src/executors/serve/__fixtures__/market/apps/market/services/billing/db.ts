import { SQLDatabase } from '@topo/runtime';

/** Billing's own invoices. */
export const invoices = new SQLDatabase('billing', { migrations: './migrations' });

/** The orders database, shared by name: billing reads what orders wrote. */
export const orders = SQLDatabase.named('orders');
