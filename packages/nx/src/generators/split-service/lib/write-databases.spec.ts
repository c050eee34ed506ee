import { logger } from '@nx/devkit';
import { join } from 'node:path';
import { copyFixtureWorkspace, removeWorkspace } from '../../../testing/fixture-workspace';
import { workspaceTree } from '../../../testing/refusal';
import { splitServiceGenerator } from '../split-service';

/**
 * When the moved code and the code that stays share a database and no --database is given,
 * split-service asks in a terminal (as Nx asks, with @clack/prompts) and goes on with the
 * answer; a cancelled question refuses, writing nothing. The terminal is faked here: stdin and
 * stdout are TTYs and CI is not set.
 */

const select = jest.fn();
jest.mock('@clack/prompts', () => ({ select: (...args: unknown[]) => select(...args), isCancel: (value: unknown) => value === CANCEL }));
const CANCEL = Symbol('cancel');

const FIXTURE = join(__dirname, '../../../executors/serve/__fixtures__/market');
const SPLIT = { from: 'orders', endpoints: 'openReturn,returnsOf', name: 'returns' };

describe('split-service asks about a database both sides use', () => {
  let root: string;
  const saved = { stdin: process.stdin.isTTY, stdout: process.stdout.isTTY, ci: process.env['CI'] };

  beforeAll(() => {
    root = copyFixtureWorkspace(FIXTURE, { prefix: 'topo-ask-db-' });
  });

  beforeEach(() => {
    select.mockReset();
    Object.assign(process.stdin, { isTTY: true });
    Object.assign(process.stdout, { isTTY: true });
    delete process.env['CI'];
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });

  afterEach(() => {
    Object.assign(process.stdin, { isTTY: saved.stdin });
    Object.assign(process.stdout, { isTTY: saved.stdout });
    if (saved.ci === undefined) delete process.env['CI'];
    else process.env['CI'] = saved.ci;
    jest.restoreAllMocks();
  });

  afterAll(() => removeWorkspace(root));

  it('in a terminal, asks once, naming the database, and splits as answered', async () => {
    select.mockResolvedValue('own');
    const tree = workspaceTree(root);
    await splitServiceGenerator(tree, { ...SPLIT, skipFormat: true });
    expect(select).toHaveBeenCalledTimes(1);
    expect(select.mock.calls[0][0]).toMatchObject({
      message: expect.stringContaining('database "orders"'),
      options: [expect.objectContaining({ value: 'share' }), expect.objectContaining({ value: 'own' })],
    });
    expect(tree.read('apps/market/services/returns/db.ts', 'utf-8')).toContain("new SQLDatabase('returns'");
  });

  it('a cancelled question refuses, changing nothing', async () => {
    select.mockResolvedValue(CANCEL);
    const tree = workspaceTree(root);
    await expect(splitServiceGenerator(tree, SPLIT)).rejects.toThrow('Pass --database=share');
    expect(tree.listChanges()).toEqual([]);
  });

  it('with --database given, asks nothing', async () => {
    const tree = workspaceTree(root);
    await splitServiceGenerator(tree, { ...SPLIT, database: 'share', skipFormat: true });
    expect(select).not.toHaveBeenCalled();
    expect(tree.read('apps/market/services/returns/db.ts', 'utf-8')).toContain("SQLDatabase.named('orders')");
  });
});
