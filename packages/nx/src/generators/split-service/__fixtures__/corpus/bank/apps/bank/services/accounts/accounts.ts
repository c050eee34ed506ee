import { api, APIError, ErrCode } from '@topo/runtime';
import { balance } from './ledger';

export interface Account {
  id: number;
  owner: string;
  currency: 'EUR' | 'USD';
}

const ACCOUNTS: readonly Account[] = [
  { id: 1, owner: 'Ada', currency: 'EUR' },
  { id: 2, owner: 'Grace', currency: 'USD' },
  { id: 3, owner: 'Alan', currency: 'EUR' },
];

/** An account with its balance, formatted. */
export interface AccountView extends Account {
  balance: string;
}

function money(cents: number, currency: string): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}

export const getAccount = api(
  { expose: true, method: 'GET', path: '/accounts/:id' },
  async ({ id }: { id: number }): Promise<AccountView> => {
    const account = ACCOUNTS.find((a) => a.id === id);
    if (!account) throw new APIError(ErrCode.NotFound, `no account ${id}`);
    const { cents } = await balance({ id });
    return { ...account, balance: money(cents, account.currency) };
  },
);

export const listAccounts = api(
  { expose: true, method: 'GET', path: '/accounts' },
  async (): Promise<{ ids: number[] }> => ({ ids: ACCOUNTS.map((a) => a.id) }),
);
