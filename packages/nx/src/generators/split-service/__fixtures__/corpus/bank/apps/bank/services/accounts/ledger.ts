import { api, APIError, ErrCode } from '@topo/runtime';
import { getAccount } from './accounts';

interface Entry {
  account: number;
  cents: number;
  memo: string;
}

const ENTRIES: readonly Entry[] = [
  { account: 1, cents: 10_000, memo: 'opening' },
  { account: 1, cents: -2_550, memo: 'books' },
  { account: 2, cents: 50_000, memo: 'opening' },
  { account: 3, cents: -100, memo: 'fee' },
];

function entriesOf(account: number): Entry[] {
  return ENTRIES.filter((e) => e.account === account);
}

/** Private: other services ask for a balance, clients ask for an account. */
export const balance = api(
  { method: 'GET', path: '/internal/balance/:id' },
  async ({ id }: { id: number }): Promise<{ id: number; cents: number }> => {
    const entries = entriesOf(id);
    if (entries.length === 0) throw new APIError(ErrCode.NotFound, `no ledger for account ${id}`);
    return { id, cents: entries.reduce((sum, e) => sum + e.cents, 0) };
  },
);

export const statement = api(
  { expose: true, method: 'GET', path: '/accounts/:id/statement' },
  async ({ id }: { id: number }): Promise<{ owner: string; balance: string; lines: string[] }> => {
    const account = await getAccount({ id });
    return { owner: account.owner, balance: account.balance, lines: entriesOf(id).map((e) => `${e.memo}: ${e.cents}`) };
  },
);
