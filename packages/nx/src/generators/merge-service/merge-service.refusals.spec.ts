import { join } from 'node:path';
import { fileHashes, removeWorkspace, runNx } from '../../testing/fixture-workspace';
import { expectRefused, expectTreeRefused, refusalWorkspace, workspaceTree } from '../../testing/refusal';
import { mergeServiceGenerator } from './merge-service';
import type { MergeServiceGeneratorSchema } from './schema';

/**
 * Every refusal of merge-service: the generator throws, its message names the problem (by
 * file and line where there is one) and the fix, and no file changed. Each case runs the
 * generator on the Tree `nx g` would hand it, over a copy of the workspace on disk, and
 * checks that the tree recorded no change and every file reads as before. One case also
 * runs through the Nx CLI, to show that a refusal reaches the user as such: the command
 * fails, prints the message, announces no file change and leaves every byte on disk.
 *
 * The workspace is split-service's guide fixture (service hello: h1 and h2, in app guide)
 * with a service yo beside it; each case adds or replaces the files that make its problem.
 */

const FIXTURE = join(__dirname, '..', 'split-service', '__fixtures__', 'corpus', 'guide');
const SERVICES = 'apps/guide/services';

interface Refusal {
  title: string;
  /** Files written over the fixture and yo before the merge, by workspace-relative path; `undefined` leaves one of yo's out. */
  files?: Record<string, string | undefined>;
  from?: string;
  into?: string;
  /** Texts the message must contain. */
  message: string[];
}

const service = (name: string) => `import { Service } from '@topo/runtime';\n\nexport default new Service('${name}');\n`;
const endpoint = (name: string, path: string) =>
  `export const ${name} = api({ expose: true, method: 'GET', path: '${path}' }, async ({ name }: { name: string }) => ({ message: \`\${name}\` }));\n`;

/** Service yo: one endpoint and its client, which hello's code does not use yet. */
const YO: Record<string, string> = {
  [`${SERVICES}/yo/service.ts`]: service('yo'),
  [`${SERVICES}/yo/yo.ts`]: `import { api } from '@topo/runtime';\n\n${endpoint('y1', '/yo2/:name')}`,
  [`${SERVICES}/yo/client.ts`]: `import { client } from '@topo/runtime';\nimport type * as endpoints from './yo';\n\nexport const yo = client<typeof endpoints>('yo');\n`,
};

const REFUSALS: Refusal[] = [
  { title: 'an unknown service to merge', from: 'yoo', message: ['There is no service "yoo". Pass --from with one of: hello, yo.'] },
  { title: 'an unknown service to merge into', into: 'helo', message: ['There is no service "helo". Pass --into with one of: hello, yo.'] },
  {
    title: 'the same service twice',
    from: 'hello',
    into: 'hello',
    message: ['--from and --into both name service "hello". Pass two different services: --from is merged into --into and removed.'],
  },
  {
    title: 'an endpoint name both services have',
    files: { [`${SERVICES}/yo/yo.ts`]: `import { api } from '@topo/runtime';\n\n${endpoint('y1', '/yo2/:name')}${endpoint('h1', '/yo3/:name')}` },
    message: [
      'Cannot merge "yo" into "hello": a service\'s endpoints need distinct names and routes.',
      `endpoint "h1" is in both: ${SERVICES}/yo/yo.ts:4 and ${SERVICES}/hello/hello.ts:8`,
      'Rename or re-route one of each pair first',
    ],
  },
  {
    title: 'a route both services answer',
    files: { [`${SERVICES}/yo/yo.ts`]: `import { api } from '@topo/runtime';\n\n${endpoint('y1', '/hello/:who')}` },
    // Checked as the runtime checks one service's routes when it starts.
    message: [
      'Cannot merge "yo" into "hello": a service\'s endpoints need distinct names and routes.',
      `${SERVICES}/yo/yo.ts:3: Endpoint "yo.y1" answers the same route as "hello.h1" (${SERVICES}/hello/hello.ts:8): GET /hello/:who.`,
      'Rename or re-route one of each pair first',
    ],
  },
  {
    title: 'a file that would replace one of the other service',
    files: { [`${SERVICES}/yo/README.md`]: '# yo\n', [`${SERVICES}/hello/README.md`]: '# hello\n' },
    message: [
      `files of "yo" go to the same place in ${SERVICES}/hello, and these are taken:`,
      `${SERVICES}/yo/README.md would replace ${SERVICES}/hello/README.md`,
    ],
  },
  {
    title: 'two modules at one place that declare the same name',
    files: {
      [`${SERVICES}/yo/yo.ts`]: undefined,
      [`${SERVICES}/yo/client.ts`]: `import { client } from '@topo/runtime';\nimport type * as endpoints from './hello';\n\nexport const yo = client<typeof endpoints>('yo');\n`,
      [`${SERVICES}/yo/hello.ts`]: `import { api } from '@topo/runtime';\n\nexport interface Response {\n  text: string;\n}\n\n${endpoint('y1', '/yo2/:name')}`,
    },
    message: [`${SERVICES}/hello/hello.ts and the module of "yo" that goes there: both declare "Response"`],
  },
  {
    title: 'a client used as a value',
    files: {
      [`${SERVICES}/hello/keep.ts`]: `import { yo } from '../yo/client';\n\nexport const clients = [yo];\n`,
    },
    message: [`${SERVICES}/hello/keep.ts:3: uses the client of "yo" as a value (\`[yo]\`); merged, its endpoints are functions of this service`],
  },
  {
    title: 'services configured differently',
    files: {
      [`${SERVICES}/yo/service.ts`]: `import { Service } from '@topo/runtime';\n\nexport default new Service('yo', { middleware: [] });\n`,
    },
    message: [
      `${SERVICES}/yo/service.ts and ${SERVICES}/hello/service.ts configure their services differently (middleware or other options)`,
      'Give both `new Service(...)` calls the same options, then merge again.',
    ],
  },
  {
    title: 'an app that serves one of the two only',
    files: { 'apps/other/topo.json': JSON.stringify({ services: ['hello'], port: 4100 }, null, 2) + '\n' },
    message: ['serves "hello" but not "yo": after the merge it would serve both or lose endpoints.'],
  },
];

/** The options `nx g @topo/nx:merge-service` passes for a case: yo into hello unless the case says otherwise. */
function schemaOf(refusal: Refusal): MergeServiceGeneratorSchema {
  return { from: refusal.from ?? 'yo', into: refusal.into ?? 'hello' };
}

/** The case the CLI runs too: a clash found in both services' code, named by file and line. */
const THROUGH_THE_CLI = 'an endpoint name both services have';

describe('merge-service refuses, recording no change on the Tree and changing no file,', () => {
  let root: string | undefined;

  afterEach(() => {
    removeWorkspace(root);
    root = undefined;
  });

  it.each(REFUSALS.map((refusal) => [refusal.title, refusal] as const))('%s', async (_title, refusal) => {
    root = refusalWorkspace(FIXTURE, { ...YO, ...refusal.files }, { prefix: 'topo-merge-refusal-', exclude: ['corpus.json'] });
    const tree = workspaceTree(root);

    await expectTreeRefused(tree, () => mergeServiceGenerator(tree, schemaOf(refusal)), refusal.message);
  });
});

describe('nx g @topo/nx:merge-service refuses through the Nx CLI, changing no file on disk:', () => {
  const refusal = REFUSALS.find((r) => r.title === THROUGH_THE_CLI)!;
  let root: string | undefined;

  afterEach(() => {
    removeWorkspace(root);
    root = undefined;
  });

  it(refusal.title, async () => {
    root = refusalWorkspace(FIXTURE, { ...YO, ...refusal.files }, { prefix: 'topo-merge-refusal-', exclude: ['corpus.json'] });
    const before = fileHashes(root);
    const { from, into } = schemaOf(refusal);

    const result = await runNx(root, ['g', '@topo/nx:merge-service', `--from=${from}`, `--into=${into}`, '--no-interactive']);

    expectRefused(root, result, refusal.message, before);
  }, 120_000);
});
