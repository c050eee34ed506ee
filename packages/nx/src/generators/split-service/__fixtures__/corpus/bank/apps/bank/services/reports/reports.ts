import { api } from '@topo/runtime';
import { accounts } from '../accounts/client';

export const richest = api(
  { expose: true, method: 'GET', path: '/reports/richest' },
  async (): Promise<{ id: number; cents: number }> => {
    const { ids } = await accounts.listAccounts();
    const balances = await Promise.all(ids.map((id) => accounts.balance({ id })));
    return balances.reduce((best, b) => (b.cents > best.cents ? b : best));
  },
);

export const overview = api(
  { expose: true, method: 'GET', path: '/reports/:id' },
  async ({ id }: { id: number }): Promise<{ owner: string; balance: string; entries: number }> => {
    const account = await accounts.getAccount({ id });
    const { lines } = await accounts.statement({ id });
    return { owner: account.owner, balance: account.balance, entries: lines.length };
  },
);
