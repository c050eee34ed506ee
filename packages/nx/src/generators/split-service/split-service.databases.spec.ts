import { logger } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWorkspace } from '../../analysis';
import { expectMarketAnswers, MARKET_REQUESTS } from '../../executors/serve/__fixtures__/market-requests';
import { findFreePorts } from '../../executors/serve/lib/ports';
import { type CommandResult, copyFixtureWorkspace, removeWorkspace, runBin, runInWorkspace } from '../../testing/fixture-workspace';
import { runGenerators } from '../../testing/generate';
import { expectTreeRefused, workspaceTree } from '../../testing/refusal';
import { type Answer, replay, type ServeRequest, serveOptions, startServe } from '../../testing/serve-replay';
import { splitServiceGenerator } from './split-service';

/**
 * split-service on code with databases: the market app (executors/serve/__fixtures__/market)
 * moves its returns endpoints out of "orders", whose database they share with the code that
 * stays. With --database=share the new service uses "orders" by name; with --database=own
 * it gets database "returns" with the returns tables' migration, and the script the split
 * writes copies their rows. Either way the workspace typechecks and the request set answers
 * as the monolith did, in several topologies, and rows written before the split are there
 * after it; merged back, it answers so again. Splits that would divide a table are refused,
 * writing nothing.
 */

const FIXTURE = join(__dirname, '../../executors/serve/__fixtures__/market');
const SPLIT = { from: 'orders', endpoints: 'openReturn,returnsOf', name: 'returns' };
const RETURNS = 'apps/market/services/returns';

jest.setTimeout(240_000);

/** Requests after those of MARKET_REQUESTS: the returns written before read back, and a new one numbered after them. */
const LATER: ServeRequest[] = [
  { method: 'GET', path: '/orders/1/returns' },
  { method: 'POST', path: '/returns', body: JSON.stringify({ orderId: 2, sku: 'plum', reason: 'too ripe' }) },
  { method: 'GET', path: '/orders/2/returns' },
  { method: 'GET', path: '/invoices' },
];

const workspaces: string[] = [];
let port: number;
/** The monolith's answers to MARKET_REQUESTS then LATER, from empty databases. */
let reference: Answer[];

async function answers(root: string, topology: string, requests: readonly ServeRequest[], fresh: boolean): Promise<Answer[]> {
  const session = await startServe(
    serveOptions({ workspaceRoot: root, appName: 'market', appRoot: 'apps/market', port }, topology, { freshDatabases: fresh }),
  );
  try {
    return await replay(port, requests);
  } finally {
    await session.stop();
  }
}

function workspace(): string {
  const root = copyFixtureWorkspace(FIXTURE, { prefix: 'topo-split-db-' });
  workspaces.push(root);
  return root;
}

function expectExit0(result: CommandResult): void {
  expect({ status: result.status, output: result.status === 0 ? '' : result.output }).toEqual({ status: 0, output: '' });
}

const read = (root: string, file: string) => readFileSync(join(root, file), 'utf8');

beforeAll(async () => {
  [port] = await findFreePorts(1, '127.0.0.1');
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  reference = await answers(workspace(), 'mono', [...MARKET_REQUESTS, ...LATER], true);
  expectMarketAnswers(reference);
  expect(reference.slice(MARKET_REQUESTS.length)).toEqual([
    { status: 200, body: { returns: [{ id: 1, sku: 'pear', reason: 'bruised', events: 1 }] } },
    { status: 200, body: { id: 2, orderId: 2, sku: 'plum', reason: 'too ripe' } },
    { status: 200, body: { returns: [{ id: 2, sku: 'plum', reason: 'too ripe', events: 1 }] } },
    { status: 200, body: { invoices: [{ id: 1, orderId: 1, cents: 170 }] } },
  ]);
});

afterAll(() => {
  jest.restoreAllMocks();
  for (const root of workspaces) removeWorkspace(root);
});

it('--database=share: the new service uses "orders" by name, and the app answers as before in mono, micro and a custom topology', async () => {
  const root = workspace();
  const [split] = await runGenerators([{ root, generator: 'split-service', options: { ...SPLIT, database: 'share' } }]);
  expectExit0(split);
  expect(split.output).toContain('"returns" uses database "orders" by name');
  expect(read(root, `${RETURNS}/db.ts`)).toContain("export const db = SQLDatabase.named('orders');");
  expect(read(root, 'apps/market/services/orders/db.ts')).toContain("new SQLDatabase('orders', { migrations: './migrations' })");
  expect(existsSync(join(root, RETURNS, 'migrations'))).toBe(false);
  const analysis = analyzeWorkspace(root);
  expect(analysis.errors).toEqual([]);
  expect(analysis.databases.find((d) => d.name === 'orders')).toMatchObject({ service: 'orders', users: ['billing', 'returns'] });
  expectExit0(await runBin(root, 'tsc', ['-p', '.', '--noEmit']));

  const all = [...MARKET_REQUESTS, ...LATER];
  for (const topology of ['mono', 'micro', 'pair']) expect({ topology, answers: await answers(root, topology, all, true) }).toEqual({ topology, answers: reference });

  // Merged back, the two handles of "orders" are one again.
  const [merge] = await runGenerators([{ root, generator: 'merge-service', options: { from: 'returns', into: 'orders' } }]);
  expectExit0(merge);
  expect(existsSync(join(root, RETURNS))).toBe(false);
  expect(read(root, 'apps/market/services/orders/db.ts').match(/SQLDatabase/g)).toHaveLength(2);
  expect(analyzeWorkspace(root).errors).toEqual([]);
  expect(await answers(root, 'micro', all, true)).toEqual(reference);
});

it('--database=own: "returns" gets its own database with the returns migration, the written script copies the rows, and every answer is as before', async () => {
  const root = workspace();
  // Rows written before the split, kept in the embedded database of "orders".
  const before = await answers(root, 'mono', MARKET_REQUESTS, true);
  expect(before).toEqual(reference.slice(0, MARKET_REQUESTS.length));

  const [split] = await runGenerators([{ root, generator: 'split-service', options: { ...SPLIT, database: 'own' } }]);
  expectExit0(split);
  const script = `${RETURNS}/copy-data-from-orders.mjs`;
  expect(split.output).toContain(`node ${script}`);
  expect(read(root, `${RETURNS}/db.ts`)).toContain("export const db = new SQLDatabase('returns', { migrations: './migrations' });");
  const moved = read(root, `${RETURNS}/migrations/3_create_returns.up.sql`);
  expect(moved).toMatch(/CREATE TABLE returns[\s\S]*CREATE TABLE return_events[\s\S]*CREATE INDEX return_events_by_return/);
  const left = read(root, 'apps/market/services/orders/migrations/3_create_returns.up.sql');
  expect(left).not.toMatch(/CREATE/);
  expect(read(root, 'apps/market/services/orders/migrations/1_create_orders.up.sql')).toContain('CREATE TABLE order_lines');
  const analysis = analyzeWorkspace(root);
  expect(analysis.errors).toEqual([]);
  expect(analysis.databases.map((d) => [d.name, d.service, d.users])).toEqual([
    ['billing', 'billing', []],
    ['orders', 'orders', ['billing']],
    ['returns', 'returns', []],
  ]);
  expectExit0(await runBin(root, 'tsc', ['-p', '.', '--noEmit']));

  const copied = await runInWorkspace(root, process.execPath, [script]);
  expectExit0(copied);
  expect(copied.output).toMatch(/returns\b.*\b1\b/);
  // A second run finds the rows there and copies nothing.
  const again = await runInWorkspace(root, process.execPath, [script]);
  expect(again.status).not.toBe(0);
  expect(again.output).toMatch(/already/i);

  expect(await answers(root, 'mono', LATER, false)).toEqual(reference.slice(MARKET_REQUESTS.length));
  for (const topology of ['micro', 'pair']) {
    expect({ topology, answers: await answers(root, topology, [...MARKET_REQUESTS, ...LATER], true) }).toEqual({ topology, answers: reference });
  }
});

it('--database=own: a migration is divided by statement, definitions a moved table may need copied, the rest left', async () => {
  const root = workspace();
  const tree = workspaceTree(root);
  const migration = 'migrations/4_tidy.up.sql';
  tree.write(
    `apps/market/services/orders/${migration}`,
    '-- Tidy up.\nCREATE EXTENSION IF NOT EXISTS pgcrypto;\n\nDROP INDEX IF EXISTS orders_by_customer;\n\nCREATE INDEX returns_by_order ON returns (order_id);\n',
  );
  await splitServiceGenerator(tree, { ...SPLIT, database: 'own', skipFormat: true });
  const moved = tree.read(`${RETURNS}/${migration}`, 'utf-8')!;
  expect(moved).toContain('CREATE EXTENSION IF NOT EXISTS pgcrypto;');
  expect(moved).toContain('CREATE INDEX returns_by_order ON returns (order_id);');
  expect(moved).not.toContain('DROP INDEX');
  const left = tree.read(`apps/market/services/orders/${migration}`, 'utf-8')!;
  expect(left).toMatch(/CREATE EXTENSION IF NOT EXISTS pgcrypto;\s+DROP INDEX IF EXISTS orders_by_customer;/);
  expect(left).not.toContain('returns_by_order');
});

describe('refused, writing nothing', () => {
  let root: string;
  beforeAll(() => {
    root = workspace();
  });

  it('without --database, when not asked in a terminal, naming the database and both choices', async () => {
    const tree = workspaceTree(root);
    await expectTreeRefused(tree, () => splitServiceGenerator(tree, SPLIT), [
      'use database "orders" (declared at apps/market/services/orders/db.ts:4)',
      '--database=share',
      '--database=own',
    ]);
  });

  it('--database=own when both sides query a table, naming the table and every query', async () => {
    const tree = workspaceTree(root);
    await expectTreeRefused(tree, () => splitServiceGenerator(tree, { from: 'orders', endpoints: 'ofCustomer', name: 'customers', database: 'own' }), [
      'Cannot split safely; nothing was changed.',
      'Table "orders" of database "orders" is queried both by code that moves to "customers" (ofCustomer at apps/market/services/orders/orders.ts:41)',
      'place at apps/market/services/orders/orders.ts:24',
      'read at apps/market/services/orders/orders.ts:47',
    ]);
  });

  it('--database=own when a migration ties a table that would move to one that stays', async () => {
    const tree = workspaceTree(root);
    tree.write(
      'apps/market/services/orders/migrations/4_link_returns.up.sql',
      'ALTER TABLE returns ADD CONSTRAINT returns_order FOREIGN KEY (order_id) REFERENCES orders (id);\n',
    );
    await expect(splitServiceGenerator(tree, { ...SPLIT, database: 'own' })).rejects.toThrow(
      /4_link_returns\.up\.sql:1: This migration statement ties table "returns", which would go to database "returns", to "orders"/,
    );
    expect(tree.listChanges().map((change) => change.path)).toEqual(['apps/market/services/orders/migrations/4_link_returns.up.sql']);
  });
});
