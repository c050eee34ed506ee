import { client } from '@topo/runtime';
import type * as accountEndpoints from './accounts';
import type * as ledgerEndpoints from './ledger';

/** Typed client of service `accounts`: `await accounts.getAccount({ id: 1 })` from any other service. */
export const accounts = client<typeof accountEndpoints & typeof ledgerEndpoints>('accounts');
