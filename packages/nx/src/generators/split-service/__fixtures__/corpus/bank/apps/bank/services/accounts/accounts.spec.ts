import { getAccount, listAccounts } from './accounts';

describe('accounts', () => {
  it('lists the accounts', async () => {
    await expect(listAccounts()).resolves.toEqual({ ids: [1, 2, 3] });
  });

  it('shows an account with its balance', async () => {
    await expect(getAccount({ id: 3 })).resolves.toEqual({ id: 3, owner: 'Alan', currency: 'EUR', balance: '-1.00 EUR' });
  });
});
