import { logger, type Tree } from '@nx/devkit';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { copyFixtureWorkspace, fileHashes, removeWorkspace, runBin } from '../../testing/fixture-workspace';
import { workspaceTree } from '../../testing/refusal';
import { splitServiceGenerator } from '../split-service/split-service';
import { mergeServiceGenerator } from './merge-service';

/**
 * A split and the merge back give the workspace back: for each fixture workspace of
 * split-service (the corpus and the real-shaped ones), the split its corpus.json names, then
 * merge-service of the new service into the source, both on the Tree `nx g` would hand them
 * (Nx's FsTree over a copy of the workspace, never flushed). Every file then reads as before,
 * up to what the workspace's formatter changes (Prettier, run on both with the fixture's
 * configuration, as `prettier --write` would),
 * except the files listed below with the reason the merge cannot restore them: what the
 * split's result does not tell it, or what split-service itself changes on the way.
 */

const FIXTURES = join(__dirname, '..', 'split-service', '__fixtures__');

const AMBIGUOUS_NAME = 'the module was named after the new service before the split: the merge joins it to the main module, as it joins yo.ts to hello.ts';
const ADDED_EXPORT =
  'the split exports what the other service imports from the shared library; when it comes back into the module that uses it, whether it was exported before cannot be told';
const ORDER_LOST = 'the split takes code from between the kept code; it comes back after it, or above it where the kept code imported it';

/** Per fixture: the files that do not come back as they were, and why. */
const RESIDUE: Record<string, Record<string, string>> = {
  'corpus/guide': {},
  'corpus/notebook': {},
  'corpus/storefront': {},
  'corpus/bank': {
    'apps/bank/services/accounts/accounts.ts': AMBIGUOUS_NAME,
    'apps/bank/services/accounts/ledger.ts': AMBIGUOUS_NAME,
    'apps/bank/services/accounts/client.ts': AMBIGUOUS_NAME,
  },
  'corpus/platform': { 'apps/platform/services/billing/billing.ts': ADDED_EXPORT },
  'corpus/helpdesk': { 'apps/helpdesk/services/tickets/tickets.ts': ADDED_EXPORT },
  'corpus/directory': {
    'apps/directory/services/users/users.ts': ORDER_LOST,
  },
  'corpus/warehouse': { 'apps/warehouse/services/store/client.ts': 'the split drops the type imports of the modules that left without a trace of their place' },
  'real/shortener': {
    'apps/shortener/services/links/client.ts': 'the split drops the type imports of the modules that left without a trace of their place',
    'apps/shortener/services/links/home.ts': "the split turns calls through the index's `export * as` into direct imports and client calls",
    'apps/shortener/services/links/index.ts': 'the split drops `export * as visits` with the module that left',
    'apps/shortener/services/links/page-html.ts': 'the split respells an import through the index the new service does not have',
    'apps/shortener/services/links/types.ts': ORDER_LOST,
  },
  'real/uptime': {
    'apps/uptime/services/monitor/checks.ts': 'the split turns calls through `import * as sites` into client calls',
  },
  'real/starter': {
    'apps/starter/services/app/billing.spec.ts': 'split-service: the test host names signup, createTeam and addMember, whose imports the split dropped',
    'apps/starter/services/app/model.ts': ORDER_LOST,
  },
};

/**
 * The files that differ between the workspace before (`root`, never written to) and after
 * (the tree's changes, written to a second copy), once Prettier has formatted both copies
 * as the workspace configures it.
 */
async function differing(fixture: string, root: string, tree: Tree): Promise<string[]> {
  const after = copyFixtureWorkspace(fixture, { prefix: 'topo-roundtrip-after-', exclude: ['corpus.json'] });
  try {
    for (const change of tree.listChanges()) {
      const path = join(after, change.path);
      if (change.type === 'DELETE') rmSync(path, { recursive: true, force: true });
      else {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, change.content ?? '');
      }
    }
    for (const dir of [root, after]) {
      const formatted = await runBin(dir, 'prettier', ['--write', '--log-level=warn', 'apps/**/*.{ts,json}', '*.json']);
      if (formatted.status !== 0) throw new Error(`prettier failed in ${dir}:\n${formatted.output}`);
    }
    const [before, merged] = [fileHashes(root), fileHashes(after)];
    return [...new Set([...Object.keys(before), ...Object.keys(merged)])].filter((file) => before[file] !== merged[file]).sort();
  } finally {
    removeWorkspace(after);
  }
}

describe('merge-service after split-service gives the workspace back, up to formatting', () => {
  let root: string | undefined;

  beforeEach(() => jest.spyOn(logger, 'info').mockImplementation(() => undefined));
  afterEach(() => {
    jest.restoreAllMocks();
    removeWorkspace(root);
    root = undefined;
  });

  it('covers every fixture workspace', () => {
    const fixtures = ['corpus', 'real'].flatMap((kind) =>
      readdirSync(join(FIXTURES, kind), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => `${kind}/${entry.name}`),
    );
    expect(fixtures.sort()).toEqual(Object.keys(RESIDUE).sort());
  });

  it.each(Object.keys(RESIDUE))('%s', async (fixture) => {
    const { split } = JSON.parse(readFileSync(join(FIXTURES, fixture, 'corpus.json'), 'utf-8')) as { split: { from: string; endpoints: string[]; name: string } };
    root = copyFixtureWorkspace(join(FIXTURES, fixture), { prefix: 'topo-roundtrip-', exclude: ['corpus.json'] });
    const tree = workspaceTree(root);

    await splitServiceGenerator(tree, { from: split.from, endpoints: split.endpoints, name: split.name, skipFormat: true });
    await mergeServiceGenerator(tree, { from: split.name, into: split.from, skipFormat: true });

    const differ = await differing(join(FIXTURES, fixture), root, tree);
    const unexplained = differ.filter((file) => !(file in RESIDUE[fixture]));
    // The list stays true: a file it names that comes back as it was is taken off it.
    const nowAsBefore = Object.keys(RESIDUE[fixture]).filter((file) => !differ.includes(file));
    expect({ unexplained, nowAsBefore }).toEqual({ unexplained: [], nowAsBefore: [] });
  }, 120_000);
});
