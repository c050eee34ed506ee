import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixtureWorkspace, removeWorkspace } from '../testing/fixture-workspace';
import { cacheFolder } from './app-cache';
import { loadApp, type AppToLoad } from './load-app';

const FIXTURE = join(__dirname, '..', 'executors', 'serve', '__fixtures__', 'shop');

jest.setTimeout(60_000);

describe('loadApp: the cache of the analysis and the schemas', () => {
  let workspaceRoot: string;
  let app: AppToLoad;
  const ordersFile = () => join(workspaceRoot, 'apps/shop/services/orders/orders.ts');
  const typesFile = () => join(workspaceRoot, 'apps/shop/services/orders/order-types.ts');
  const entries = () => readdirSync(cacheFolder(workspaceRoot)).filter((file) => file.endsWith('.json'));

  beforeEach(() => {
    workspaceRoot = copyFixtureWorkspace(FIXTURE, { prefix: 'topo-app-cache-' });
    app = { workspaceRoot, appName: 'shop', appRoot: join(workspaceRoot, 'apps/shop'), topology: 'micro' };
    // The request type in a file of its own: a schema depends on more than the endpoint's file.
    const orders = readFileSync(ordersFile(), 'utf8');
    const start = orders.indexOf('export interface OrderRequest');
    const end = orders.indexOf('}', start) + 1;
    writeFileSync(typesFile(), `${orders.slice(start, end)}\n`);
    writeFileSync(ordersFile(), `import type { OrderRequest } from './order-types';\n${orders.slice(0, start)}${orders.slice(end)}`);
  });

  afterEach(() => removeWorkspace(workspaceRoot));

  it('gives the same app from the cache as computed, and serves it from the cache while nothing changed', () => {
    const computed = loadApp(app);
    expect(entries()).toHaveLength(1);
    expect(loadApp(app)).toEqual(computed);

    // Proof that the second answer came from the entry: one edited by hand is what comes back.
    const entry = join(cacheFolder(workspaceRoot), entries()[0]);
    writeFileSync(entry, readFileSync(entry, 'utf8').replace('"topology":"micro"', '"topology":"from-the-cache"'));
    expect(loadApp(app).topology).toBe('from-the-cache');
  });

  it('computes again after an edit to a type a request schema uses, in another file than the endpoint', () => {
    const before = loadApp(app).schemas.get('orders.place')?.request;
    expect(before).toEqual(expect.objectContaining({ properties: expect.objectContaining({ quantity: { type: 'number' } }) }));

    writeFileSync(typesFile(), readFileSync(typesFile(), 'utf8').replace('quantity: number;', 'quantity: string;'));
    const after = loadApp(app).schemas.get('orders.place')?.request;
    expect(after).toEqual(expect.objectContaining({ properties: expect.objectContaining({ quantity: { type: 'string' } }) }));
  });

  it('computes again when a file appears in a service, and for another topology', () => {
    expect(loadApp(app).services.find((s) => s.name === 'orders')?.endpoints.map((e) => e.exportName)).toEqual(['place']);
    const pair = loadApp({ ...app, topology: 'pair' });
    expect(pair.groups.map((g) => g.services)).toEqual([['orders', 'users'], ['greeter']]);

    writeFileSync(
      join(workspaceRoot, 'apps/shop/services/orders/count.ts'),
      "import { api } from '@topo/runtime';\n\nexport const count = api({ expose: true, method: 'GET', path: '/orders/count' }, async (): Promise<{ count: number }> => ({ count: 0 }));\n",
    );
    const after = loadApp(app);
    expect(after.services.find((s) => s.name === 'orders')?.endpoints.map((e) => e.exportName).sort()).toEqual(['count', 'place']);
    expect(after.schemas.get('orders.count')?.response).toEqual(expect.objectContaining({ properties: { count: { type: 'number' } } }));
  });

  it('computes again when the entry is gone, and never caches a refusal', () => {
    loadApp(app);
    rmSync(cacheFolder(workspaceRoot), { recursive: true });
    writeFileSync(ordersFile(), `${readFileSync(ordersFile(), 'utf8')}\nexport const lower = api({ method: 'get', path: '/lower' }, async () => 1);\n`);
    expect(() => loadApp(app)).toThrow(/unknown method "get"/);
    expect(() => loadApp(app)).toThrow(/unknown method "get"/);
  });
});
