import { api, APIError, ErrCode } from '@topo/runtime';
import { identity } from '../identity/client';
import { mailer } from '../../../../libs/mailer/client';

export interface Invoice {
  id: string;
  customer: number;
  cents: number;
  refunded: boolean;
}

const INVOICES: readonly Invoice[] = [
  { id: 'inv-1', customer: 1, cents: 1200, refunded: false },
  { id: 'inv-2', customer: 1, cents: 800, refunded: true },
  { id: 'inv-3', customer: 2, cents: 5000, refunded: false },
];

function findInvoice(customer: number, id: string): Invoice {
  const invoice = INVOICES.find((i) => i.id === id && i.customer === customer);
  if (!invoice) throw new APIError(ErrCode.NotFound, `no invoice ${id}`);
  return invoice;
}

export const invoices = api(
  { expose: true, method: 'GET', path: '/billing/invoices' },
  async ({ token }: { token: string }): Promise<{ invoices: Invoice[] }> => {
    const { customer } = await identity.whoami({ token });
    return { invoices: INVOICES.filter((i) => i.customer === customer) };
  },
);

export const invoice = api(
  { expose: true, method: 'GET', path: '/billing/invoices/:id' },
  async ({ id, token }: { id: string; token: string }): Promise<Invoice> => findInvoice((await identity.whoami({ token })).customer, id),
);

export const refund = api(
  { expose: true, method: 'POST', path: '/billing/invoices/:id/refund' },
  async ({ id, token, reason }: { id: string; token: string; reason: string }): Promise<{ refunded: string; notified: boolean }> => {
    const who = await identity.whoami({ token });
    const found = findInvoice(who.customer, id);
    if (found.refunded) throw new APIError(ErrCode.FailedPrecondition, `invoice ${id} is already refunded`);
    const { sent } = await mailer.send({ to: who.email, subject: `Refund of ${id}`, text: reason });
    return { refunded: id, notified: sent };
  },
);
