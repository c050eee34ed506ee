import { join } from 'node:path';
import { fileHashes, removeWorkspace, runNx } from '../../testing/fixture-workspace';
import { expectRefused, expectTreeRefused, refusalWorkspace, workspaceTree } from '../../testing/refusal';
import type { SplitServiceGeneratorSchema } from './schema';
import { splitServiceGenerator } from './split-service';

/**
 * Every refusal of split-service: the generator throws, its message names the problem (by
 * file and line where there is one) and the fix, and no file changed. Each case runs the
 * generator on the Tree `nx g` would hand it, over a copy of the workspace on disk, and
 * checks that the tree recorded no change and every file reads as before. One case also
 * runs through the Nx CLI, to show that a refusal reaches the user as such: the command
 * fails, prints the message, announces no file change and leaves every byte on disk.
 *
 * The workspace is the corpus's guide fixture (service hello: h1 and h2, a spec and a
 * client, in app guide); each case adds the files that make its problem.
 */

const FIXTURE = join(__dirname, '__fixtures__', 'corpus', 'guide');
const SERVICES = 'apps/guide/services';

interface Refusal {
  /** What is refused. */
  title: string;
  /** Files written over the fixture before the split, by workspace-relative path. */
  files?: Record<string, string>;
  from?: string;
  endpoints?: string;
  name?: string;
  database?: 'share' | 'own';
  /** Texts the message must contain. */
  message: string[];
}

const service = (name: string) => `import { Service } from '@topo/runtime';\n\nexport default new Service('${name}');\n`;

/** hello.ts's h1 (stays) writes table greeted of database greetings, and h2 (moves) reads it. */
const GREETED_TWICE: Record<string, string> = {
  [`${SERVICES}/hello/db.ts`]: `import { SQLDatabase } from '@topo/runtime';

/** Who was greeted. */
export const greetings = new SQLDatabase('greetings', { migrations: './migrations' });
`,
  [`${SERVICES}/hello/migrations/1_create.up.sql`]: 'CREATE TABLE greeted (name TEXT NOT NULL);\n',
  [`${SERVICES}/hello/hello.ts`]: `import { api } from '@topo/runtime';
import { greetings } from './db';

export const h1 = api({ expose: true, method: 'GET', path: '/hello/:name' }, async ({ name }: { name: string }) => {
  await greetings.exec\`INSERT INTO greeted (name) VALUES (\${name})\`;
  return { message: \`Hello, \${name}!\` };
});

export const h2 = api({ expose: true, method: 'GET', path: '/yo/:name' }, async ({ name }: { name: string }) => {
  const seen = await greetings.queryRow<{ n: number }>\`SELECT COUNT(*)::int AS n FROM greeted WHERE name = \${name}\`;
  return { message: \`Yo, \${name}! (\${seen?.n ?? 0})\` };
});
`,
};

const REFUSALS: Refusal[] = [
  {
    title: 'an unknown service',
    from: 'helo',
    message: ['There is no service "helo". Pass --from with one of: hello.'],
  },
  {
    title: 'an unknown endpoint, by export name',
    endpoints: 'h9',
    message: [
      'Service "hello" has no endpoint "h9". Pass --endpoints with export names or "METHOD /path" of: h1 (GET /hello/:name), h2 (GET /yo/:name).',
    ],
  },
  {
    title: 'an unknown endpoint, by method and path',
    endpoints: 'POST /yo/:name',
    message: ['Service "hello" has no endpoint "POST /yo/:name". Pass --endpoints with export names or "METHOD /path" of: h1 (GET /hello/:name), h2 (GET /yo/:name).'],
  },
  {
    title: 'a name another service has',
    files: {
      [`${SERVICES}/billing/service.ts`]: service('billing'),
      [`${SERVICES}/billing/billing.ts`]: `import { api } from '@topo/runtime';\n\nexport const bill = api({ expose: true, method: 'GET', path: '/bill' }, async (): Promise<{ total: number }> => ({ total: 1 }));\n`,
    },
    name: 'billing',
    message: [`Service "billing" already exists (${SERVICES}/billing/service.ts). Pass another --name; service names are unique in the workspace.`],
  },
  {
    title: 'a name a project that is no service has',
    files: { 'libs/ledger/project.json': JSON.stringify({ name: 'ledger', root: 'libs/ledger', projectType: 'library' }, null, 2) + '\n' },
    name: 'ledger',
    message: ['Project "ledger" already exists (libs/ledger); a service is a project of that name. Pass another --name.'],
  },
  {
    title: "the app's name",
    name: 'guide',
    message: ['App "guide" (apps/guide) already has that name; a service is a project of that name. Pass another --name.'],
  },
  {
    title: 'an invalid name',
    name: 'Yo_Service',
    message: [
      'Service name "Yo_Service" is not kebab-case. Pass --name with lower-case letters, digits and dashes, starting with a letter, such as "yo" or "user-profile".',
    ],
  },
  {
    title: 'every endpoint of the service, suggesting a rename',
    endpoints: 'h1,GET /yo/:name',
    message: [
      'Every endpoint of service "hello" is selected (h1, h2): that moves the whole service, which is a rename, not a split. ',
      `Rename it instead: change \`new Service('hello')\` in ${SERVICES}/hello/service.ts to 'yo' and the name in its client.ts (${SERVICES}/hello/client.ts); or leave at least one endpoint in "hello".`,
    ],
  },
  {
    title: 'an endpoint passed as an argument, by file and line',
    files: {
      [`${SERVICES}/hello/registry.ts`]: `import { h1, h2 } from './hello';

/** Hands each greeting to a router that calls it later. */
export function register(add: (endpoint: unknown) => void): void {
  add(h1);
  add(h2);
}
`,
    },
    message: [
      'Cannot split safely; nothing was changed.',
      `${SERVICES}/hello/registry.ts:6: Endpoint "h2" is passed as an argument here, and after the split it is in another service ("yo"): only a direct call can become a client call.`,
      'Call it directly (`h2(req)`) or through the client of its service, then run the split again.',
    ],
  },
  {
    title: 'an endpoint stored in a value, by file and line',
    files: {
      [`${SERVICES}/hello/greetings.ts`]: `import { h1, h2 } from './hello';

/** Every greeting, by language. */
export const GREETINGS = { en: h1, yo: h2 };
`,
    },
    message: [
      'Cannot split safely; nothing was changed.',
      `${SERVICES}/hello/greetings.ts:4: Endpoint "h2" is stored here, and after the split it is in another service ("yo"): only a direct call can become a client call.`,
      'Call it directly (`h2(req)`) or through the client of its service, then run the split again.',
    ],
  },
  {
    title: 'an endpoint re-exported under another name, by file and line',
    files: { [`${SERVICES}/hello/index.ts`]: `export { h1 } from './hello';\nexport { h2 as yo } from './hello';\n` },
    message: [
      `${SERVICES}/hello/index.ts:2: Endpoint "h2" is re-exported here as "yo", and it moves to "yo"; the split cannot follow the other name to its users.`,
      'Re-export it under its own name, or import it as "h2" where "yo" is used, then run the split again.',
    ],
  },
  {
    title: 'a dynamic import of a module the split divides, by file and line',
    files: {
      [`${SERVICES}/hello/later.ts`]: `/** Loads the greetings only when first asked. */
export async function greetLater(name: string): Promise<string> {
  const { h1 } = await import('./hello');
  return (await h1({ name })).message;
}
`,
    },
    message: [
      `${SERVICES}/hello/later.ts:3: ./hello is loaded whole here with a dynamic import, and the split divides it between`,
      'Move what each side needs into a module of its own (or import it statically), then run the split again.',
    ],
  },
  {
    title: 'a database both sides use, without --database and no terminal to ask in: the database, where it is declared, both choices',
    files: GREETED_TWICE,
    message: [
      'The endpoints that move use database "greetings" (declared at apps/guide/services/hello/db.ts:4), and so does the code that stays in the service.',
      '--database=share',
      '--database=own',
      'Nothing was changed.',
    ],
  },
  {
    title: '--database=own with a table both sides query: the table and every query, by file and line',
    files: GREETED_TWICE,
    database: 'own',
    message: [
      'Cannot split safely; nothing was changed.',
      `${SERVICES}/hello/hello.ts:10: Table "greeted" of database "greetings" is queried both by code that moves to "yo" (h2 at ${SERVICES}/hello/hello.ts:10) and by code that stays in "hello" (h1 at ${SERVICES}/hello/hello.ts:5)`,
      'or pass --database=share',
    ],
  },
  {
    title: 'a split that would leave a cycle of imports between the two services, by file and line',
    files: {
      [`${SERVICES}/hello/hello.ts`]: `import { api, APIError, ErrCode } from '@topo/runtime';

export interface Response {
  message: string;
}

/** Every greeting ends with the plain hello. */
async function withHello(greeting: string, name: string): Promise<Response> {
  const { message } = await h1({ name });
  return { message: \`\${greeting} \${message}\` };
}

export const h1 = api(
  { expose: true, method: 'GET', path: '/hello/:name' },
  async ({ name }: { name: string }): Promise<Response> => {
    if (name === 'nobody') throw new APIError(ErrCode.NotFound, 'no such person');
    return { message: \`Hello, \${name}!\` };
  },
);

export const h2 = api(
  { expose: true, method: 'GET', path: '/yo/:name' },
  async ({ name }: { name: string }): Promise<Response> => withHello('Yo!', name),
);

export const h3 = api(
  { expose: true, method: 'GET', path: '/hey/:name' },
  async ({ name }: { name: string }): Promise<Response> => withHello('Hey!', name),
);
`,
    },
    message: [
      `${SERVICES}/hello/hello.ts:9: "withHello" is used by both "hello" and "yo", so it would go to the shared library, but it calls endpoint "h1"; the shared library cannot call an endpoint without a cycle of imports between the services.`,
      'Move that call into the endpoints that need it (or keep the code on one side only), then run the split again.',
    ],
  },
];

/** The options `nx g @topo/nx:split-service` passes for a case: the fixture's split unless the case says otherwise. */
function schemaOf(refusal: Refusal): SplitServiceGeneratorSchema {
  return { from: refusal.from ?? 'hello', endpoints: refusal.endpoints ?? 'h2', name: refusal.name ?? 'yo', ...(refusal.database ? { database: refusal.database } : {}) };
}

/** The case the CLI runs too: the workspace's project graph has another service of that name. */
const THROUGH_THE_CLI = 'a name another service has';

describe('split-service refuses, recording no change on the Tree and changing no file,', () => {
  let root: string | undefined;

  afterEach(() => {
    removeWorkspace(root);
    root = undefined;
  });

  it.each(REFUSALS.map((refusal) => [refusal.title, refusal] as const))('%s', async (_title, refusal) => {
    root = refusalWorkspace(FIXTURE, refusal.files ?? {}, { prefix: 'topo-refusal-', exclude: ['corpus.json'] });
    const tree = workspaceTree(root);

    await expectTreeRefused(tree, () => splitServiceGenerator(tree, schemaOf(refusal)), refusal.message);
  });
});

describe('nx g @topo/nx:split-service refuses through the Nx CLI, changing no file on disk:', () => {
  const refusal = REFUSALS.find((r) => r.title === THROUGH_THE_CLI)!;
  let root: string | undefined;

  afterEach(() => {
    removeWorkspace(root);
    root = undefined;
  });

  it(refusal.title, async () => {
    root = refusalWorkspace(FIXTURE, refusal.files ?? {}, { prefix: 'topo-refusal-', exclude: ['corpus.json'] });
    const before = fileHashes(root);
    const { from, endpoints, name } = schemaOf(refusal);

    const result = await runNx(root, ['g', '@topo/nx:split-service', `--from=${from}`, `--endpoints=${endpoints}`, `--name=${name}`, '--no-interactive']);

    expectRefused(root, result, refusal.message, before);
  }, 120_000);
});
