import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { findFreePorts } from '../executors/serve/lib/ports';
import type { ServeSession } from '../executors/serve/lib/serve-session';
import { splitServiceGenerator } from '../generators/split-service/split-service';
import { copyFixtureWorkspace, REPO_ROOT, removeWorkspace } from '../testing/fixture-workspace';
import { workspaceTree } from '../testing/refusal';
import { call, serveOptions, startServe } from '../testing/serve-replay';
import type { Catalog } from './model';
import { renderCatalogPage } from './render-page';

/**
 * The catalog page in a real browser, served by the real thing: a copy of the shop fixture
 * workspace runs under the serve session `nx serve shop` starts (mono topology, watching
 * its files), and Debian's headless Chromium, driven by playwright-core, opens the page at
 * /__topo/catalog on the app's own port, where the monolith passes it on to the session's
 * catalog server. Every request to anything but 127.0.0.1 (and the page's own file) is
 * blocked and recorded, and none may have happened. Try-it-out sends its requests to the
 * running app. Then split-service runs on the served workspace (the generator on an Nx Tree
 * of it, written to disk), and the open pages must show the new service and its edge by
 * themselves: one following the session's event stream, one polling. One browser and one
 * served workspace serve every test, in order. Screenshots go to tmp/catalog-screenshots/.
 */

jest.setTimeout(120_000);

const FIXTURE = join(__dirname, '..', 'executors', 'serve', '__fixtures__', 'shop');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SCREENSHOTS = join(REPO_ROOT, 'tmp', 'catalog-screenshots');
const EVENTS_PATH = '/__topo/catalog/events';

/** Runs split-service on the workspace on disk, as `nx g @topo/nx:split-service` would. */
async function splitOnDisk(workspaceRoot: string, schema: { from: string; endpoints: string[]; name: string }): Promise<void> {
  const tree = workspaceTree(workspaceRoot);
  await splitServiceGenerator(tree, { ...schema, skipFormat: true });
  for (const change of tree.listChanges()) {
    const file = join(workspaceRoot, change.path);
    if (change.type === 'DELETE') rmSync(file, { recursive: true, force: true });
    else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, change.content ?? '');
    }
  }
}

/** Waits, up to 30 s, until `ready` resolves true. */
async function waitUntil(what: string, ready: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every endpoint of the catalog as `service.name`. */
const endpointKeys = (catalog: Catalog) => catalog.services.flatMap((service) => service.endpoints.map((endpoint) => `${service.name}.${endpoint.name}`)).sort();
/** Every calling pair of the catalog as `from→to`. */
const callingPairs = (catalog: Catalog) => [...new Set(catalog.calls.map((call) => `${call.from.service}→${call.to.service}`))].sort();

describe('the catalog page in Chromium, served by nx serve', () => {
  let workspaceRoot: string;
  let appPort: number;
  let app: ServeSession | undefined;
  let context: BrowserContext | undefined;
  let userDataDir: string;
  let page: Page;
  /** A second tab that finds no event stream, and so follows by polling. */
  let polled: Page;
  let catalog: Catalog;
  const blocked: string[] = [];
  const pageErrors: string[] = [];
  /** Every request the pages made to the app: method and path. */
  const requests: string[] = [];

  /**
   * The model nx serve answers now at /__topo/catalog.json, asked of its catalog server
   * itself: after a split the app's port is closed while the monolith restarts.
   */
  const servedCatalog = async () => {
    const answer = await call(Number(new URL(app!.catalogBaseUrl).port), { method: 'GET', path: '/__topo/catalog.json' });
    expect(answer.status).toBe(200);
    return answer.body as Catalog;
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    workspaceRoot = copyFixtureWorkspace(FIXTURE, { prefix: 'topo-catalog-page-' });
    [appPort] = await findFreePorts(1, '127.0.0.1');
    userDataDir = mkdtempSync(join(tmpdir(), 'topo-chromium-'));
    // The browser starts while the session bundles and starts the app.
    const browser = chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 860 },
    });
    const served = startServe(serveOptions({ workspaceRoot, appName: 'shop', appRoot: 'apps/shop', port: appPort }, 'mono', { watch: true }));
    const [started, opened] = await Promise.allSettled([served, browser]);
    if (started.status === 'fulfilled') app = started.value;
    if (opened.status === 'fulfilled') context = opened.value;
    if (started.status === 'rejected') throw started.reason;
    if (opened.status === 'rejected') throw opened.reason;
    catalog = await servedCatalog();

    await context!.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'file:' || url.hostname === '127.0.0.1') return route.continue();
      blocked.push(url.href);
      return route.abort('blockedbyclient');
    });
    context!.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol === 'http:') requests.push(`${request.method()} ${url.pathname}`);
    });
    context!.on('weberror', (error) => pageErrors.push(error.error().message));
    page = context!.pages()[0] ?? (await context!.newPage());
  });

  afterAll(async () => {
    await context?.close();
    await app?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    removeWorkspace(workspaceRoot);
  });

  const catalogUrl = () => `http://127.0.0.1:${appPort}/__topo/catalog`;
  /** A screenshot of the viewport (of the whole page for a list, whose end matters), kept as a test artifact. */
  const shot = (name: string, options: { fullPage?: boolean } = {}) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: options.fullPage ?? false });
  const tab = (name: string) => page.getByRole('tab', { name });
  const diagramNodes = (on: Page = page) => on.locator('.diagram-svg .node[data-service]');
  const diagramEdges = (on: Page = page) => on.locator('.diagram-svg .edge[data-edge]:not(.db-edge)');
  const attributes = async (locator: ReturnType<Page['locator']>, name: string) => (await locator.evaluateAll((elements, attribute) => elements.map((element) => element.getAttribute(attribute)), name)).sort();

  it('lists every endpoint of every service, with its method, path, access and schemas', async () => {
    await page.goto(catalogUrl());
    await page.locator('.live-status.live').waitFor();
    expect(await page.title()).toBe('shop · service catalog');
    expect(await attributes(page.locator('section.service'), 'data-service')).toEqual(['greeter', 'orders', 'users']);
    expect(await attributes(page.locator('details[data-endpoint]'), 'data-endpoint')).toEqual(endpointKeys(catalog));
    expect(endpointKeys(catalog)).toEqual(['greeter.greet', 'orders.place', 'users.boom', 'users.get', 'users.lookup']);
    for (const service of catalog.services) {
      for (const endpoint of service.endpoints) {
        const summary = page.locator(`details[data-endpoint="${service.name}.${endpoint.name}"] > summary`);
        await expect(summary.locator('.path').textContent()).resolves.toBe(endpoint.path);
        await expect(summary.locator('.method').allTextContents()).resolves.toEqual(endpoint.methods);
        await expect(summary.locator('.badge').first().textContent()).resolves.toBe(endpoint.access);
      }
    }
    await expect(page.locator('details[data-endpoint="users.lookup"] .summary-doc').textContent()).resolves.toBe('Private: only other services may look a user up.');
    // No database in the model: no Databases tab.
    await expect(tab('Databases').count()).resolves.toBe(0);

    // An endpoint opens onto its request and response tables.
    await page.locator('details[data-endpoint="orders.place"] > summary').click();
    const tables = page.locator('details[data-endpoint="orders.place"] table.schema-table');
    await expect(tables.count()).resolves.toBe(2);
    const requestRows = await tables.nth(0).locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)));
    expect(requestRows).toEqual([
      ['userId', 'number', 'required', ''],
      ['item', 'string', 'required', ''],
      ['quantity', 'number', 'required', ''],
    ]);
    await shot('1-services', { fullPage: true });
  });

  it('draws one node per service and one edge per calling pair, labelled with the endpoints called', async () => {
    await tab('Architecture').click();
    await diagramNodes().first().waitFor();
    expect(await attributes(diagramNodes(), 'data-service')).toEqual(['greeter', 'orders', 'users']);
    expect(await attributes(diagramEdges(), 'data-edge')).toEqual(callingPairs(catalog));
    expect(callingPairs(catalog)).toEqual(['greeter→users', 'orders→greeter', 'orders→users']);
    await expect(page.locator('.edge[data-edge="orders→greeter"] .edge-label text').textContent()).resolves.toBe('greet');
    await expect(page.locator('.edge[data-edge="orders→users"] .edge-label text').textContent()).resolves.toBe('lookup');
    // Laid out, not stacked: every node has a place of its own.
    const places = await attributes(diagramNodes(), 'transform');
    expect(new Set(places).size).toBe(3);
    await shot('2-diagram');
  });

  it('highlights the calls of the service under the pointer', async () => {
    await page.locator('.node[data-service="greeter"]').hover();
    expect(await attributes(page.locator('.diagram-svg.highlighting .edge.hl'), 'data-edge')).toEqual(['greeter→users', 'orders→greeter']);
    await shot('3-hover');
    await page.mouse.move(5, 5);
    await expect(page.locator('.diagram-svg.highlighting').count()).resolves.toBe(0);
  });

  it('isolates a clicked service with its neighbours, and shows all again on a second click', async () => {
    await page.locator('.node[data-service="users"]').click();
    await expect(page.locator('.node[data-service="users"][aria-pressed="true"]').count()).resolves.toBe(1);
    // users with the two services that call it; only the edges that touch users.
    expect(await attributes(diagramEdges(), 'data-edge')).toEqual(['greeter→users', 'orders→users']);
    await expect(page.locator('.diagram-info h3').textContent()).resolves.toBe('users');
    await shot('4-isolated');
    await page.locator('.node[data-service="users"]').click();
    expect(await attributes(diagramEdges(), 'data-edge')).toEqual(callingPairs(catalog));
    await expect(page.getByRole('button', { name: 'Show all' }).isDisabled()).resolves.toBe(true);
  });

  it('filters the list and dims the diagram by search and by access', async () => {
    const search = page.getByLabel('Search', { exact: true });
    await search.fill('greet');
    expect(await attributes(page.locator('.diagram-svg .node.dim'), 'data-service')).toEqual(['orders', 'users']);
    await tab('Services').click();
    const visibleEndpoints = () => attributes(page.locator('section.service:not([hidden]) li.endpoint:not([hidden]) details'), 'data-endpoint');
    expect(await visibleEndpoints()).toEqual(['greeter.greet']);
    await search.fill('/users');
    expect(await visibleEndpoints()).toEqual(['users.boom', 'users.get', 'users.lookup']);
    await page.getByLabel('Access', { exact: true }).selectOption('public');
    expect(await visibleEndpoints()).toEqual(['users.boom', 'users.get']);
    await expect(page.locator('.services .count').textContent()).resolves.toBe('Showing 1 service of 3, 2 of 5 endpoints');
    await shot('5-search');
    await search.fill('');
    await page.getByLabel('Access', { exact: true }).selectOption('all');
    expect(await visibleEndpoints()).toEqual(endpointKeys(catalog));
  });

  it('tries a public endpoint out against the running app and shows the answer', async () => {
    const get = page.locator('details[data-endpoint="users.get"]');
    await get.locator('summary').click();
    await get.getByLabel(/^id/).fill('1');
    await get.getByRole('button', { name: 'Send' }).click();
    await expect(get.locator('.answer .status-code').textContent()).resolves.toBe('200');
    expect(JSON.parse((await get.locator('.answer-body').textContent()) ?? '')).toEqual({ id: 1, name: 'Ada' });

    // A query field, and a JSON body started from the request schema.
    const greet = page.locator('details[data-endpoint="greeter.greet"]');
    await greet.locator('summary').click();
    await greet.getByLabel(/^id/).fill('2');
    await greet.getByLabel(/^punctuation/).fill('?');
    await greet.getByRole('button', { name: 'Send' }).click();
    expect(JSON.parse((await greet.locator('.answer-body').textContent()) ?? '')).toEqual({ message: 'Hello, Grace?' });

    const place = page.locator('details[data-endpoint="orders.place"]');
    const body = place.getByLabel('JSON body');
    expect(JSON.parse(await body.inputValue())).toEqual({ userId: 0, item: '', quantity: 0 });
    await body.fill(JSON.stringify({ userId: 1, item: 'book', quantity: 2 }));
    await place.getByRole('button', { name: 'Send' }).click();
    await expect(place.locator('.answer .status-code').textContent()).resolves.toBe('200');
    expect(JSON.parse((await place.locator('.answer-body').textContent()) ?? '')).toEqual({ item: 'book', quantity: 2, customer: 'Ada', greeting: 'Hello, Ada.' });

    // A private endpoint has no form: the app does not answer it from outside.
    await page.locator('details[data-endpoint="users.lookup"] > summary').click();
    await expect(page.locator('details[data-endpoint="users.lookup"] form.try').count()).resolves.toBe(0);
    await shot('6-try-it-out');
  });

  it('follows by polling when the event stream is not there', async () => {
    polled = await context!.newPage();
    // As from a server with no event stream: the page falls back to polling the model.
    await polled.route(`**${EVENTS_PATH}`, (route) => route.fulfill({ status: 404, contentType: 'application/json', body: '{"code":"not_found"}' }));
    await polled.goto(`${catalogUrl()}#architecture`);
    await polled.locator('.live-status.polling').waitFor();
    expect(await attributes(diagramNodes(polled), 'data-service')).toEqual(['greeter', 'orders', 'users']);
    await polled.evaluate('window.__samePage = true');
  });

  let pidBeforeSplit: number | undefined;

  it('shows a split (the new service and its edge) without a reload, keeping what the user set', async () => {
    await page.evaluate('window.__samePage = true');
    await page.getByLabel('Access', { exact: true }).selectOption('public');
    await tab('Architecture').click();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    const view = await page.locator('.diagram-svg .scene').getAttribute('transform');
    pidBeforeSplit = app!.processes[0].pid;

    await splitOnDisk(workspaceRoot, { from: 'users', endpoints: ['get'], name: 'profiles' });
    // nx serve sees the files change, reads the app again and sends the catalog to the open page.
    await page.locator('.diagram-svg .node[data-service="profiles"]').waitFor();
    const split = await servedCatalog();
    expect(split.services.map((service) => service.name)).toEqual(['greeter', 'orders', 'profiles', 'users']);
    expect(await attributes(diagramNodes(), 'data-service')).toEqual(['greeter', 'orders', 'profiles', 'users']);
    expect(await attributes(diagramEdges(), 'data-edge')).toEqual(callingPairs(split));
    expect(callingPairs(split)).toEqual(['greeter→users', 'orders→greeter', 'orders→users', 'profiles→users']);
    await expect(page.locator('.edge[data-edge="profiles→users"] .edge-label text').textContent()).resolves.toBe('lookup');
    await expect(page.evaluate('window.__samePage')).resolves.toBe(true);
    await expect(page.locator('.diagram-svg .scene').getAttribute('transform')).resolves.toBe(view);
    await shot('7-after-split-diagram');

    await page.locator('.node[data-service="profiles"]').click();
    expect(await attributes(diagramNodes(), 'data-service')).toEqual(['profiles', 'users']);
    await page.keyboard.press('Escape');

    await tab('Services').click();
    await expect(page.getByLabel('Access', { exact: true }).inputValue()).resolves.toBe('public');
    expect(await attributes(page.locator('section.service:not([hidden]) li.endpoint:not([hidden]) details'), 'data-endpoint')).toEqual([
      'greeter.greet',
      'orders.place',
      'profiles.get',
      'users.boom',
    ]);
    await expect(page.locator('section.service.added').getAttribute('data-service')).resolves.toBe('profiles');
    await shot('8-after-split-services', { fullPage: true });

    await tab('Processes').click();
    await page.locator('.topology-picker [data-topology="pair"]').click();
    expect(await attributes(page.locator('.topology .process'), 'data-process')).toEqual(['greeter', 'orders+users+profiles']);
    await expect(page.locator('.topology .gateway').count()).resolves.toBe(1);
    await shot('9-processes');
  });

  it('shows the split on a page that polls, too', async () => {
    await polled.locator('.diagram-svg .node[data-service="profiles"]').waitFor();
    expect(await attributes(diagramEdges(polled), 'data-edge')).toEqual(['greeter→users', 'orders→greeter', 'orders→users', 'profiles→users']);
    await expect(polled.evaluate('window.__samePage')).resolves.toBe(true);
    await polled.close();
  });

  it('tries the new service out once nx serve has restarted the app with it', async () => {
    // Its services changed, so the session restarts the monolith; the page reconnects.
    await waitUntil('the monolith restarted', async () => app!.processes[0].pid !== pidBeforeSplit && (await call(appPort, { method: 'GET', path: '/__topo/health' }).then((answer) => answer.status === 200, () => false)));
    await page.locator('.live-status.live').waitFor();
    await tab('Services').click();
    const get = page.locator('details[data-endpoint="profiles.get"]');
    await get.locator('summary').click();
    await get.getByLabel(/^id/).fill('1');
    await get.getByRole('button', { name: 'Send' }).click();
    await expect(get.locator('.answer .status-code').textContent()).resolves.toBe('200');
    expect(JSON.parse((await get.locator('.answer-body').textContent()) ?? '')).toEqual({ id: 1, name: 'Ada' });
    await expect(page.evaluate('window.__samePage')).resolves.toBe(true);
    await shot('10-after-split-try-it-out');
  });

  it('opened as a file, shows the embedded catalog without try-it-out, and databases when the model has some', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topo-catalog-file-'));
    try {
      const file = join(dir, 'index.html');
      const withDatabase: Catalog = { ...catalog, databases: [{ name: 'userdb', owner: 'users', users: ['users', 'orders'] }] };
      writeFileSync(file, await renderCatalogPage(withDatabase));
      await page.goto(`file://${file}`);
      await page.locator('.live-status.static').waitFor();
      expect(await attributes(page.locator('details[data-endpoint]'), 'data-endpoint')).toEqual(endpointKeys(catalog));
      await page.locator('details[data-endpoint="users.get"] > summary').click();
      await expect(page.locator('form.try').count()).resolves.toBe(0);
      await expect(page.locator('details[data-endpoint="users.get"] .note').textContent()).resolves.toContain('served by nx serve');
      await tab('Architecture').click();
      expect(await attributes(diagramEdges(), 'data-edge')).toEqual(callingPairs(catalog));
      expect(await attributes(page.locator('.diagram-svg .node[data-database]'), 'data-database')).toEqual(['userdb']);
      expect(await attributes(page.locator('.diagram-svg .edge.db-edge'), 'data-from')).toEqual(['orders', 'users']);
      await shot('11-file-diagram');
      await tab('Databases').click();
      const row = await page.locator('tr[data-database="userdb"]').evaluate((element) => [...element.children].map((cell) => cell.textContent));
      expect(row).toEqual(['userdb', 'users', 'orders']);
      await shot('12-file-databases');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('asked for nothing but 127.0.0.1 and its own file, threw nothing, and followed the event stream', () => {
    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(requests).toEqual(expect.arrayContaining([`GET ${EVENTS_PATH}`, 'GET /users/1', 'GET /greet/2', 'POST /orders']));
  });
});
