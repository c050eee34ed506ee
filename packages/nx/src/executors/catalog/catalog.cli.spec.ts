import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../app/load-app';
import type { Catalog } from '../../catalog/model';
import type { OpenApiDocument } from '../../catalog/openapi';
import { readEmbeddedCatalog } from '../../catalog/render-page';
import { type CommandResult, copyFixtureWorkspace, removeWorkspace, runNx } from '../../testing/fixture-workspace';

/**
 * `nx run shop:catalog` through the real Nx CLI, in a copy of the serve fixture workspace
 * (orders calls greeter and users, greeter calls users): the inferred target writes
 * dist/shop/catalog/, Nx caches it and restores it, an edit to a service's code makes it run
 * again, and an app the analysis refuses is refused with the file, line and fix.
 */

const FIXTURE = join(__dirname, '..', 'serve', '__fixtures__', 'shop');
const OUT = 'dist/shop/catalog';

jest.setTimeout(180_000);

const exitOf = (result: CommandResult) => (result.status === 0 ? 'exit 0' : `exit ${result.status}\n${result.output}`);
/** Whether Nx took the task from its cache, by the line a static-style run prints for it. */
const fromCache = (result: CommandResult) => /> nx run shop:catalog\s+\[(local cache|existing outputs match the cache, left as is)\]/.test(result.output);

describe('nx run <app>:catalog through the Nx CLI', () => {
  let root: string;

  beforeAll(() => {
    root = copyFixtureWorkspace(FIXTURE, { prefix: 'topo-catalog-cli-' });
    writeFileSync(join(root, 'nx.json'), `${JSON.stringify({ plugins: ['@topo/nx'] }, null, 2)}\n`);
    writeFileSync(join(root, 'package.json'), `${JSON.stringify({ name: 'shop-workspace', version: '0.0.0', private: true }, null, 2)}\n`);
  });

  afterAll(() => removeWorkspace(root));

  const catalogRun = () => runNx(root, ['run', 'shop:catalog', '--output-style=static']);
  const read = (file: string) => readFileSync(join(root, OUT, file), 'utf8');

  it('writes catalog.json, openapi.json and index.html to dist/shop/catalog', async () => {
    const result = await catalogRun();
    expect(exitOf(result)).toBe('exit 0');
    expect(result.output).toContain('Wrote the catalog of shop (3 services, 5 endpoints) to dist/shop/catalog: catalog.json, openapi.json, index.html.');

    const written = JSON.parse(read('catalog.json')) as Catalog;
    expect(written).toEqual(JSON.parse(JSON.stringify(loadCatalog({ workspaceRoot: root, appName: 'shop', appRoot: join(root, 'apps/shop') }))));
    expect(written.services.map((s) => s.name)).toEqual(['greeter', 'orders', 'users']);

    const openapi = JSON.parse(read('openapi.json')) as OpenApiDocument;
    expect(openapi.openapi).toBe('3.1.0');
    // Public endpoints only: users.lookup (POST /internal/users/lookup) is private.
    expect(Object.keys(openapi.paths).sort()).toEqual(['/greet/{id}', '/orders', '/users/boom', '/users/{id}']);

    const page = read('index.html');
    expect(page).toMatch(/^<!doctype html>/);
    expect(readEmbeddedCatalog(page)).toEqual(written);
  });

  it('is cached by Nx: a second run, and one after dist is gone, take it from the cache', async () => {
    const again = await catalogRun();
    expect(exitOf(again)).toBe('exit 0');
    expect(fromCache(again)).toBe(true);

    const before = read('catalog.json');
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    const restored = await catalogRun();
    expect(exitOf(restored)).toBe('exit 0');
    expect(fromCache(restored)).toBe(true);
    expect(read('catalog.json')).toBe(before);
  });

  it("runs again after an edit to a service's code, and shows the new endpoint", async () => {
    const file = join(root, 'apps/shop/services/greeter/greeter.ts');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n/** Says goodbye. */\nexport const bye = api({ expose: true, method: 'GET', path: '/bye' }, async (): Promise<{ bye: true }> => ({ bye: true }));\n`);
    const result = await catalogRun();
    expect(exitOf(result)).toBe('exit 0');
    expect(fromCache(result)).toBe(false);
    const greeter = (JSON.parse(read('catalog.json')) as Catalog).services.find((s) => s.name === 'greeter')!;
    expect(greeter.endpoints.find((e) => e.name === 'bye')).toMatchObject({ path: '/bye', access: 'public', doc: 'Says goodbye.', response: { type: 'object' } });
    expect(Object.keys((JSON.parse(read('openapi.json')) as OpenApiDocument).paths)).toContain('/bye');
  });

  it('refuses an app the analysis refuses, naming the file, the line and the fix', async () => {
    const file = join(root, 'apps/shop/services/greeter/greeter.ts');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}\nexport const lower = api({ method: 'get', path: '/lower' }, async () => 1);\n`);
    try {
      const result = await catalogRun();
      expect(result.status).not.toBe(0);
      // The graph plugin finds it first, before the executor runs, and Nx prints what it says.
      expect(result.output).toMatch(/apps\/shop\/services\/greeter\/greeter.ts:\d+: Endpoint "lower": unknown method "get".\n\s+Use one of GET, POST, PUT, PATCH, DELETE, HEAD./);
    } finally {
      writeFileSync(file, original);
    }
    expect(existsSync(join(root, OUT, 'catalog.json'))).toBe(true);
  });
});
