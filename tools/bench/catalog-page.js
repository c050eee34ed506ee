'use strict';
/**
 * The catalog page benchmark: `node tools/bench/catalog-page.js`.
 *
 * Two catalogs of 200 services, measured in the same run:
 *
 *   workspace  the split-service benchmark's workspace (200 services, 2,000 endpoints,
 *              client calls throughout), read by the analysis and `buildCatalog` from
 *              packages/nx/dist, as `nx run <app>:catalog` reads it
 *   layered    a generated catalog shaped like a real backend: 200 services in five
 *              layers, each calling one to three services below it (about 400 calling
 *              pairs, many skipping a layer), 8 endpoints each with doc comments and
 *              request and response schemas with field descriptions, three topologies
 *
 * For each: the page's size (`renderCatalogPage`, what `dist/<app>/catalog/index.html`
 * holds: embedded catalog and diagram layout, script, style) beside catalog.json's, the
 * time renderCatalogPage takes (the first render bundles the page and lays the diagram out
 * with dagre in node; the second finds both made), and the time until the diagram of 200
 * services is drawn in headless Chromium: the page opened as a file at #architecture, from
 * navigation start to the `topo:diagram-drawn` mark the page sets after the frame that
 * shows the diagram. Every request but the page's own file is blocked, and the run fails
 * if any was attempted. Each catalog is opened `--rounds` times (default 5), in a fresh page
 * each; the median counts. For comparison, the same layout made in the browser (what the
 * page does for an isolated service or a catalog that changed while it is open) is timed
 * there too: `browser layout ms`.
 *
 * Targets: the page under 1 MB; the 200-service diagram drawn in under 2,000 ms. Chromium is
 * Debian's (`apt-get install -y chromium`; CHROMIUM_PATH overrides /usr/bin/chromium), driven
 * by playwright-core. Results go to a JSON file in the OS temp dir (its path is printed).
 * Not a test: nothing here runs under `npm test`.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { readFlags, readRounds } = require('./lib/options');
const { git } = require('./lib/standalone');
const { table, heading, formatMs } = require('./lib/report');
const { generateWorkspace } = require('./split-service');

process.env.NX_DAEMON = 'false';

const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..');
const SIZE_GOAL_BYTES = 1024 * 1024;
const DRAWN_GOAL_MS = 2000;
const DRAWN_MARK = 'topo:diagram-drawn';
const LAYOUT_MEASURE = 'topo:diagram-layout';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const USAGE = `usage: node tools/bench/catalog-page.js [options]

  --rounds=N      page loads per catalog, each in a fresh page; the median counts
                  (BENCH_ROUNDS, default 5)
  --no-build      skip compiling packages/runtime and packages/nx before the run
  --keep          keep the generated workspace and pages (their paths are printed)
  --strict        exit 1 when a target is missed
`;

function parseOptions(argv, env) {
  const flags = readFlags(argv, ['rounds', 'no-build', 'keep', 'strict'], USAGE);
  if (!flags) return { help: true };
  const rounds = readRounds(flags, env, 5);
  return { help: false, rounds, build: flags.get('no-build') !== true, keep: flags.get('keep') === true, strict: flags.get('strict') === true };
}

// ---------------------------------------------------------------------------------------
// The catalogs

/** The split-service benchmark's workspace, read as `nx run big:catalog` reads it. */
function workspaceCatalog(root) {
  fs.mkdirSync(root, { recursive: true });
  generateWorkspace(root);
  const { loadApp } = require(path.join(WORKSPACE_ROOT, 'packages', 'nx', 'dist', 'app', 'load-app'));
  const { buildCatalog } = require(path.join(WORKSPACE_ROOT, 'packages', 'nx', 'dist', 'catalog', 'model'));
  const app = loadApp({ workspaceRoot: root, appName: 'big', appRoot: path.join(root, 'apps', 'big') }, 'catalog');
  return buildCatalog({ name: 'big', config: app.config, services: app.services, schemas: app.schemas });
}

const DOMAINS = ['accounts', 'billing', 'catalog', 'checkout', 'content', 'delivery', 'identity', 'inventory', 'ledger', 'media', 'messaging', 'notify', 'orders', 'payments', 'pricing', 'profiles', 'reports', 'reviews', 'search', 'shipping'];
const ROLES = ['api', 'store', 'worker', 'sync', 'rules', 'index', 'audit', 'cache', 'events', 'admin'];
const LAYERS = [10, 30, 50, 60, 50];

/** A deterministic pseudo-random sequence, so that every run draws the same catalog. */
function random(seed) {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** 200 services in five layers, each calling one to three below it; 8 endpoints each with schemas and docs. */
function layeredCatalog() {
  const rnd = random(42);
  const names = [];
  for (const role of ROLES) for (const domain of DOMAINS) names.push(`${domain}-${role}`);
  const layerOf = [];
  const starts = [];
  LAYERS.forEach((count, layer) => {
    starts.push(layerOf.length);
    for (let i = 0; i < count; i++) layerOf.push(layer);
  });
  const str = (description) => ({ type: 'string', description });
  const item = (service) => ({
    type: 'object',
    properties: {
      id: str('Unique id, assigned on creation.'),
      name: str('Display name.'),
      tags: { type: 'array', items: { type: 'string' }, description: 'Free-form labels that search matches.' },
      plan: { enum: ['free', 'team', 'enterprise'], description: 'The plan the item is billed under.' },
      owner: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } }, required: ['id', 'name'], additionalProperties: false, description: 'Who created it.' },
      createdAt: str(`When ${service} created it (ISO 8601).`),
    },
    required: ['id', 'name', 'tags', 'plan', 'owner', 'createdAt'],
    additionalProperties: false,
  });
  const list = (service) => ({ type: 'object', properties: { items: { type: 'array', items: item(service) }, next: str('Cursor of the next page, absent on the last.') }, required: ['items'], additionalProperties: false });
  const obj = (properties, required) => ({ type: 'object', properties, required, additionalProperties: false });
  const services = names.map((name) => {
    const file = `apps/big/services/${name}/${name}.ts`;
    const base = `/${name}`;
    const endpoint = (exportName, method, route, access, doc, request, response, line) => ({
      name: exportName,
      service: name,
      methods: [method],
      path: route,
      access,
      kind: 'typed',
      doc,
      file,
      line,
      request,
      response,
    });
    return {
      name,
      doc: `${name}: the ${name.split('-')[1]} of the ${name.split('-')[0]} domain.`,
      root: `apps/big/services/${name}`,
      project: name,
      file: `apps/big/services/${name}/service.ts`,
      line: 4,
      endpoints: [
        endpoint('list', 'GET', `${base}/items`, 'public', 'Lists items, newest first.', obj({ limit: { type: 'integer', description: 'At most this many (default 50).' }, cursor: str('Where the previous page ended.') }, []), list(name), 30),
        endpoint('get', 'GET', `${base}/items/:id`, 'public', 'One item by id.', obj({ id: str('The item id.') }, ['id']), item(name), 38),
        endpoint('create', 'POST', `${base}/items`, 'public', 'Creates an item and returns it.', obj({ name: str('Display name.'), tags: { type: 'array', items: { type: 'string' } }, plan: { enum: ['free', 'team', 'enterprise'] } }, ['name', 'plan']), item(name), 46),
        endpoint('update', 'PUT', `${base}/items/:id`, 'public', 'Changes the fields given.', obj({ id: str('The item id.'), name: str('New display name.'), tags: { type: 'array', items: { type: 'string' } } }, ['id']), item(name), 57),
        endpoint('remove', 'DELETE', `${base}/items/:id`, 'public', 'Deletes an item; deleting twice is not an error.', obj({ id: str('The item id.') }, ['id']), {}, 66),
        endpoint('search', 'GET', `${base}/search`, 'public', 'Full-text search over names and tags.', obj({ q: str('Words to match.'), limit: { type: 'integer' } }, ['q']), list(name), 72),
        endpoint('stats', 'GET', `${base}/stats`, 'private', 'Counts by plan, for other services.', obj({}, []), obj({ count: { type: 'integer' }, byPlan: { type: 'object', additionalProperties: { type: 'integer' } } }, ['count', 'byPlan']), 80),
        endpoint('sync', 'POST', `/internal${base}/sync`, 'private', 'Pulls what changed since a time from the services it depends on.', obj({ since: str('ISO 8601 time.') }, ['since']), obj({ synced: { type: 'integer' } }, ['synced']), 88),
      ],
    };
  });
  const calls = [];
  const seen = new Set();
  names.forEach((name, n) => {
    const layer = layerOf[n];
    if (layer === 0) return;
    const count = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < count; k++) {
      const targetLayer = rnd() < 0.7 ? layer - 1 : Math.floor(rnd() * layer);
      const target = names[starts[targetLayer] + Math.floor(rnd() * LAYERS[targetLayer])];
      if (seen.has(`${name}>${target}`)) continue;
      seen.add(`${name}>${target}`);
      const file = `apps/big/services/${name}/${name}.ts`;
      calls.push({ from: { service: name, endpoint: 'get', file, line: 40 }, to: { service: target, endpoint: 'get' } });
      calls.push({ from: { service: name, endpoint: 'sync', file, line: 90 }, to: { service: target, endpoint: 'stats' } });
    }
  });
  const groups = [0, 1, 2, 3].map((g) => ({ name: `group-${g + 1}`, services: names.filter((_, n) => n % 4 === g) }));
  return {
    version: 1,
    app: { name: 'big', root: 'apps/big', port: 4000 },
    services: [...services].sort((a, b) => a.name.localeCompare(b.name)),
    calls,
    databases: [],
    topologies: [
      { name: 'mono', processes: [{ name: 'mono', services: [...names].sort() }] },
      { name: 'micro', processes: [...names].sort().map((name) => ({ name, services: [name] })) },
      { name: 'quad', processes: groups },
    ],
    environments: { local: 'mono', staging: 'quad', production: 'micro' },
  };
}

// ---------------------------------------------------------------------------------------
// Measuring

function sizes(html, catalog) {
  const between = (open, close) => {
    const start = html.indexOf(open);
    return start === -1 ? 0 : Buffer.byteLength(html.slice(start + open.length, html.indexOf(close, start + open.length)));
  };
  return {
    page: Buffer.byteLength(html),
    pageGzip: zlib.gzipSync(html).length,
    embedded: between('<script type="application/json" id="topo-catalog" data-encoding="gzip-base64">', '</script>'),
    layout: between('<script type="application/json" id="topo-layout" data-encoding="gzip-base64">', '</script>'),
    script: between('<script>', '</script>'),
    style: between('<style>', '</style>'),
    catalogJson: Buffer.byteLength(JSON.stringify(catalog, null, 2)),
  };
}

/** Opens the page `rounds` times at #architecture; returns the drawn times and what the diagram showed. */
async function drawTimes(chromium, file, rounds, expected) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1440, height: 900 },
  });
  const url = `file://${file}`;
  const foreign = [];
  await context.route('**/*', (route) => {
    if (route.request().url().split('#')[0] === url) return route.continue();
    foreign.push(route.request().url());
    return route.abort();
  });
  const results = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${url}#architecture`);
      await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, DRAWN_MARK, { timeout: 60_000 });
      const result = await page.evaluate(
        ([mark, measure]) => {
          const doc = globalThis.document;
          return {
            drawnMs: performance.getEntriesByName(mark)[0].startTime,
            scriptMs: performance.getEntriesByName('topo:script-start')[0]?.startTime ?? NaN,
            // Only when the page had to lay the diagram out itself (no layout embedded).
            pageLayoutMs: performance.getEntriesByName(measure)[0]?.duration ?? 0,
            nodes: doc.querySelectorAll('.diagram .node[data-service]').length,
            edges: doc.querySelectorAll('.diagram .edge[data-edge]').length,
          };
        },
        [DRAWN_MARK, LAYOUT_MEASURE],
      );
      if (errors.length > 0) throw new Error(`the page threw: ${errors.join('; ')}`);
      if (result.nodes !== expected.nodes || result.edges !== expected.edges) {
        throw new Error(`the diagram shows ${result.nodes} services and ${result.edges} edges, expected ${expected.nodes} and ${expected.edges}`);
      }
      results.push(result);
      await page.close();
    }
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  if (foreign.length > 0) throw new Error(`the page asked for other resources: ${foreign.join(', ')}`);
  return results;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

// ---------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (line) => process.stdout.write(`  ${line}\n`);
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  const dirty = git('status', '--porcelain', '--', 'packages') !== '';
  const cpus = os.cpus();
  const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const machine = {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    load: os.loadavg().map((value) => Math.round(value * 100) / 100),
    chromium: execFileSync(chromiumPath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    commit,
    dirty,
  };
  process.stdout.write(
    `topo benchmark: catalog page\n` +
      `  ${machine.cpus} × ${machine.cpuModel}, node ${machine.node}, ${machine.platform}; load ${machine.load.join(' ')}; commit ${commit}${dirty ? ' (uncommitted changes)' : ''}\n` +
      `  ${machine.chromium}; ${options.rounds} page load(s) per catalog, median counts\n`,
  );

  if (options.build) {
    log('compiling packages/runtime and packages/nx ...');
    const tsc = require.resolve('typescript/bin/tsc', { paths: [WORKSPACE_ROOT] });
    const built = spawnSync(process.execPath, [tsc, '-b', 'packages/runtime/tsconfig.lib.json', 'packages/nx/tsconfig.lib.json'], { cwd: WORKSPACE_ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('compiling packages/runtime and packages/nx failed (see above); fix it or pass --no-build');
  }
  const { renderCatalogPage } = require(path.join(WORKSPACE_ROOT, 'packages', 'nx', 'dist', 'catalog', 'render-page'));
  const { chromium } = require(require.resolve('playwright-core', { paths: [WORKSPACE_ROOT] }));

  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'topo-bench-catalog-')));
  try {
    log(`generating the split-service workspace in ${base}/ws and reading its catalog ...`);
    const catalogs = { workspace: workspaceCatalog(path.join(base, 'ws')), layered: layeredCatalog() };

    const rows = [];
    const figures = {};
    for (const [name, catalog] of Object.entries(catalogs)) {
      const started = performance.now();
      const html = await renderCatalogPage(catalog);
      const firstRenderMs = performance.now() - started;
      const again = performance.now();
      await renderCatalogPage(catalog);
      const secondRenderMs = performance.now() - again;
      const file = path.join(base, `${name}.html`);
      fs.writeFileSync(file, html);
      // The same page without the layout render-page.ts embeds: the browser lays the diagram out itself.
      const bare = path.join(base, `${name}-browser-layout.html`);
      fs.writeFileSync(bare, html.replace(/<script type="application\/json" id="topo-layout"[^>]*>[^<]*<\/script>\n?/, ''));
      const expected = {
        nodes: catalog.services.length,
        edges: new Set(catalog.calls.map((call) => `${call.from.service}>${call.to.service}`)).size,
      };
      const endpoints = catalog.services.reduce((sum, service) => sum + service.endpoints.length, 0);
      log(`${name}: ${catalog.services.length} services, ${endpoints} endpoints, ${expected.edges} calling pairs; page ${kb(Buffer.byteLength(html))}; opening it in Chromium ...`);
      const loads = await drawTimes(chromium, file, options.rounds, expected);
      loads.forEach((load, round) => log(`  round ${round + 1}: drawn at ${formatMs(load.drawnMs)} ms (script started at ${formatMs(load.scriptMs)} ms)`));
      log(`${name}: the same page without its embedded layout ...`);
      const bareLoads = await drawTimes(chromium, bare, options.rounds, expected);
      bareLoads.forEach((load, round) => log(`  round ${round + 1}: drawn at ${formatMs(load.drawnMs)} ms (browser layout ${formatMs(load.pageLayoutMs)} ms)`));
      const size = sizes(html, catalog);
      const summarise = (values) => ({ median: round2(median(values)), rounds: values.map(round2) });
      figures[name] = {
        services: catalog.services.length,
        endpoints,
        callingPairs: expected.edges,
        bytes: size,
        renderMs: { first: round2(firstRenderMs), cached: round2(secondRenderMs) },
        drawnMs: summarise(loads.map((l) => l.drawnMs)),
        browserLayout: { drawnMs: summarise(bareLoads.map((l) => l.drawnMs)), layoutMs: summarise(bareLoads.map((l) => l.pageLayoutMs)) },
      };
      rows.push([
        `${name} (${catalog.services.length} services, ${endpoints} endpoints, ${expected.edges} pairs)`,
        kb(size.page),
        kb(size.embedded),
        kb(size.layout),
        kb(size.script),
        kb(size.style),
        kb(size.pageGzip),
        kb(size.catalogJson),
        formatMs(figures[name].drawnMs.median),
        formatMs(figures[name].browserLayout.drawnMs.median),
        formatMs(figures[name].browserLayout.layoutMs.median),
      ]);
    }

    const targets = Object.entries(figures).flatMap(([name, f]) => [
      { name: `${name}: page size`, value: f.bytes.page, shown: kb(f.bytes.page), comparison: '<', goal: SIZE_GOAL_BYTES, goalShown: '< 1 MB', pass: f.bytes.page < SIZE_GOAL_BYTES },
      { name: `${name}: diagram drawn`, value: f.drawnMs.median, shown: `${formatMs(f.drawnMs.median)} ms`, comparison: '<', goal: DRAWN_GOAL_MS, goalShown: `< ${DRAWN_GOAL_MS} ms`, pass: f.drawnMs.median < DRAWN_GOAL_MS },
    ]);
    process.stdout.write(
      heading('catalog page: size, and time to the drawn diagram in Chromium') +
        '\n' +
        table(['catalog', 'page', 'catalog in it', 'layout in it', 'script', 'style', 'page gzip', 'catalog.json', 'drawn ms', 'drawn ms, browser lays out', 'browser layout ms'], rows) +
        '\n\n' +
        table(
          ['target', 'value', 'goal', 'result'],
          targets.map((t) => [t.name, t.shown, t.goalShown, t.pass ? 'PASS' : 'MISS']),
        ) +
        '\n' +
        `  render: ${Object.entries(figures)
          .map(([name, f]) => `${name} ${formatMs(f.renderMs.first)} ms first (bundling once, layout), ${formatMs(f.renderMs.cached)} ms again`)
          .join('; ')}\n`,
    );

    const missed = targets.filter((t) => !t.pass).map((t) => t.name);
    const summary = {
      date: new Date().toISOString(),
      machine,
      rounds: options.rounds,
      catalogs: figures,
      targets: targets.map(({ name, value, comparison, goal, pass }) => ({ name, value, comparison, goal, pass })),
      missed,
    };
    const resultFile = path.join(os.tmpdir(), `topo-bench-catalog-page-${Date.now()}.json`);
    fs.writeFileSync(resultFile, JSON.stringify(summary, null, 2) + '\n');
    process.stdout.write(`\nresults: ${resultFile}\n`);
    if (options.keep) process.stdout.write(`kept: ${base} (workspace in ws/, pages workspace.html and layered.html)\n`);
    return options.strict && missed.length > 0 ? 1 : 0;
  } finally {
    if (!options.keep) fs.rmSync(base, { recursive: true, force: true });
  }
}

function round2(value) {
  return Number.isFinite(value) ? Math.round(value * 100) / 100 : null;
}

module.exports = { layeredCatalog };

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
      if (process.env.BENCH_DEBUG) process.stderr.write(`${error.stack}\n`);
      process.exit(1);
    },
  );
}
