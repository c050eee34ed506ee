import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixtureWorkspace, removeWorkspace } from '../../testing/fixture-workspace';
import { call, serveOptions, startServe } from '../../testing/serve-replay';
import { findFreePorts } from './lib/ports';

const FIXTURE = join(__dirname, '__fixtures__/shop');

jest.setTimeout(60_000);

describe('nx serve with the analysis cache warm', () => {
  let workspaceRoot: string;
  let appPort: number;

  beforeAll(async () => {
    workspaceRoot = copyFixtureWorkspace(FIXTURE, { prefix: 'topo-serve-cache-' });
    [appPort] = await findFreePorts(1, '127.0.0.1');
  });

  afterAll(() => removeWorkspace(workspaceRoot));

  const order = (quantity: unknown) => ({ method: 'POST', path: '/orders', body: JSON.stringify({ userId: 1, item: 'book', quantity }) });

  it.each(['mono', 'micro'])('validates requests by the types as they are now after a restart (%s), never by the cached schemas', async (topology) => {
    const options = serveOptions({ workspaceRoot, appName: 'shop', appRoot: 'apps/shop', port: appPort }, topology);
    const file = join(workspaceRoot, 'apps/shop/services/orders/orders.ts');
    const original = readFileSync(file, 'utf8');
    try {
      let session = await startServe(options);
      try {
        expect((await call(appPort, order('2'))).status).toBe(400);
        expect((await call(appPort, order(2))).status).toBe(200);
      } finally {
        await session.stop();
      }

      // The cache holds the schemas of `quantity: number`; the type says otherwise now.
      writeFileSync(file, original.replace('  quantity: number;\n}\n\nexport interface Order {', '  quantity: number | string;\n}\n\nexport interface Order {'));
      session = await startServe(options);
      try {
        expect(await call(appPort, order('2'))).toEqual({ status: 200, body: expect.objectContaining({ quantity: '2' }) });
      } finally {
        await session.stop();
      }
    } finally {
      writeFileSync(file, original);
    }
  });
});
