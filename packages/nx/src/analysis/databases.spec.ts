import { createTempWorkspace, serviceFile, type TempWorkspace } from './__fixtures__/temp-workspace';
import { formatAnalysisErrors } from './errors';
import { analyzeWorkspace } from './workspace';

const SERVICES = 'apps/shop/services';

describe('analyzeWorkspace: databases', () => {
  let workspace: TempWorkspace | undefined;

  afterEach(() => workspace?.remove());

  function analyze(files: Record<string, string>) {
    workspace = createTempWorkspace({ 'apps/shop/topo.json': '{ "services": "*", "port": 4000 }', ...files });
    return analyzeWorkspace(workspace.root);
  }

  it('finds each database with its owner, migrations folder and the services that use it by name', () => {
    const { databases, services, errors } = analyze({
      [`${SERVICES}/orders/service.ts`]: serviceFile('orders'),
      [`${SERVICES}/orders/db.ts`]: `import { SQLDatabase } from '@topo/runtime';\n\n/** The orders. */\nexport const db = new SQLDatabase('orders', { migrations: './migrations' });\n`,
      [`${SERVICES}/orders/migrations/1_create.up.sql`]: 'CREATE TABLE orders (id serial primary key);\n',
      [`${SERVICES}/orders/migrations/2_total.up.sql`]: 'ALTER TABLE orders ADD total int;\n',
      [`${SERVICES}/billing/service.ts`]: serviceFile('billing'),
      [`${SERVICES}/billing/billing.ts`]: `import * as topo from '@topo/runtime';\nconst orders = topo.SQLDatabase.named('orders');\nexport const ledger = new topo.SQLDatabase('ledger');\nexport { orders };\n`,
      [`${SERVICES}/reports/service.ts`]: serviceFile('reports'),
      [`${SERVICES}/reports/reports.ts`]: `import { SQLDatabase as Db } from '@topo/runtime';\nexport const orders = Db.named('orders');\n`,
    });

    expect(formatAnalysisErrors(errors)).toBe('');
    expect(databases).toEqual([
      { name: 'ledger', service: 'billing', file: `${SERVICES}/billing/billing.ts`, line: 3, users: [] },
      { name: 'orders', service: 'orders', file: `${SERVICES}/orders/db.ts`, line: 4, migrations: `${SERVICES}/orders/migrations`, users: ['billing', 'reports'] },
    ]);
    expect(services.find((s) => s.name === 'billing')?.databases).toEqual([
      { name: 'orders', kind: 'named', file: `${SERVICES}/billing/billing.ts`, line: 2 },
      { name: 'ledger', kind: 'own', file: `${SERVICES}/billing/billing.ts`, line: 3 },
    ]);
  });

  it('reports, by file and line, a database named that no service declares, one declared twice, and one outside a service', () => {
    const { errors } = analyze({
      [`${SERVICES}/orders/service.ts`]: serviceFile('orders'),
      [`${SERVICES}/orders/db.ts`]: `import { SQLDatabase } from '@topo/runtime';\nexport const db = new SQLDatabase('orders');\n`,
      [`${SERVICES}/billing/service.ts`]: serviceFile('billing'),
      [`${SERVICES}/billing/db.ts`]: `import { SQLDatabase } from '@topo/runtime';\nexport const db = new SQLDatabase('orders');\nexport const old = SQLDatabase.named('order');\n`,
      'libs/data/db.ts': `import { SQLDatabase } from '@topo/runtime';\nexport const db = new SQLDatabase('shared');\n`,
    });

    expect(errors.map((e) => [e.code, `${e.file}:${e.line}`, e.message])).toEqual([
      ['database-outside-service', 'libs/data/db.ts:2', 'Database "shared" is declared in a file of no service, so no process knows it is its own.'],
      ['duplicate-database', `${SERVICES}/orders/db.ts:2`, `Database "orders" is declared again here; service "billing" declares it at ${SERVICES}/billing/db.ts:2.`],
      ['unknown-database', `${SERVICES}/billing/db.ts:3`, `Database "order" is used here by name, but no service declares it (the workspace's databases: orders).`],
    ]);
  });

  it('reports declarations it cannot read, and migrations the runtime would refuse, at the declaration', () => {
    const { errors } = analyze({
      [`${SERVICES}/orders/service.ts`]: serviceFile('orders'),
      [`${SERVICES}/orders/db.ts`]: [
        `import { SQLDatabase } from '@topo/runtime';`,
        `const name = 'orders';`,
        `export const a = new SQLDatabase(name);`,
        `export const b = new SQLDatabase('Orders DB');`,
        `export function make() { return new SQLDatabase('inner'); }`,
        `export const c = new SQLDatabase('misnamed', { migrations: './bad' });`,
        `export const d = new SQLDatabase('missing', { migrations: './nowhere' });`,
        '',
      ].join('\n'),
      [`${SERVICES}/orders/bad/create.up.sql`]: 'CREATE TABLE t ();\n',
    });

    expect(errors.map((e) => [e.code, e.line])).toEqual([
      ['non-literal-option', 3],
      ['invalid-database-name', 4],
      ['database-not-top-level', 5],
      ['invalid-migrations', 6],
      ['invalid-migrations', 7],
    ]);
    expect(errors[4].message).toBe(`The migrations folder of database "missing", ${SERVICES}/orders/nowhere, does not exist or is empty.`);
  });
});
