'use strict';
/**
 * One round of the catalog benchmark, in a fresh node as `nx run <app>:catalog` has it:
 *
 *   node tools/bench/lib/catalog-round.js <workspace> <app> <appRoot> <analysis|catalog> <outDir>
 *
 * Loads packages/nx/dist (timed apart: every contender pays it), then times the static
 * analysis alone (topo.json, the workspace's services, endpoints and calls, the request and
 * response schemas: what serve, build and the catalog all start from); with `catalog`, then
 * the catalog's own work, step by step as the executor does it (the model; catalog.json;
 * the OpenAPI document; the page, whose first render bundles the page's script and lays
 * the diagram out; each written to <outDir>). Then both again in the same process: what
 * `nx serve` pays when a file changes. Prints one JSON line.
 */
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..', '..');

async function main() {
  const [workspace, appName, appRoot, mode, outDir] = process.argv.slice(2);
  if (!outDir || !['analysis', 'catalog'].includes(mode)) throw new Error('usage: catalog-round.js <workspace> <app> <appRoot> <analysis|catalog> <outDir>');

  let start = performance.now();
  const dist = (module) => require(path.join(WORKSPACE_ROOT, 'packages', 'nx', 'dist', module));
  const analysis = dist('analysis');
  const { buildCatalog } = dist('catalog/model');
  const { toOpenApi } = dist('catalog/openapi');
  const { renderCatalogPage } = dist('catalog/render-page');
  const loadMs = performance.now() - start;

  const analyze = () => {
    const { config, errors } = analysis.readAppConfig(workspace, appRoot);
    if (!config) throw new Error(analysis.formatAnalysisErrors(errors));
    const read = analysis.analyzeApp(config, analysis.analyzeWorkspace(workspace));
    const schemas = analysis.endpointSchemas(analysis.diskHost(workspace), read.services);
    return { config, services: read.services, schemas };
  };

  const writeCatalog = async (app) => {
    const ms = {};
    const step = async (name, work) => {
      const begin = performance.now();
      const value = await work();
      ms[name] = performance.now() - begin;
      return value;
    };
    fs.mkdirSync(outDir, { recursive: true });
    const catalog = await step('model', () => buildCatalog({ name: appName, config: app.config, services: app.services, schemas: app.schemas }));
    const bytes = {};
    await step('catalogJson', () => {
      const text = `${JSON.stringify(catalog, null, 2)}\n`;
      fs.writeFileSync(path.join(outDir, 'catalog.json'), text);
      bytes.catalogJson = Buffer.byteLength(text);
    });
    await step('openapi', () => {
      const text = `${JSON.stringify(toOpenApi(catalog), null, 2)}\n`;
      fs.writeFileSync(path.join(outDir, 'openapi.json'), text);
      bytes.openapi = Buffer.byteLength(text);
    });
    await step('page', async () => {
      const html = await renderCatalogPage(catalog);
      fs.writeFileSync(path.join(outDir, 'index.html'), html);
      bytes.page = Buffer.byteLength(html);
    });
    const total = Object.values(ms).reduce((sum, value) => sum + value, 0);
    return {
      ms: { ...ms, total },
      bytes,
      services: catalog.services.length,
      endpoints: catalog.services.reduce((n, s) => n + s.endpoints.length, 0),
      callingPairs: new Set(catalog.calls.map((c) => `${c.from.service}>${c.to.service}`)).size,
    };
  };

  const passes = [];
  for (const pass of ['cold', 'warm']) {
    start = performance.now();
    const app = analyze();
    const analysisMs = performance.now() - start;
    const catalog = mode === 'catalog' ? await writeCatalog(app) : undefined;
    passes.push({ pass, analysisMs, catalog });
  }
  process.stdout.write(`${JSON.stringify({ mode, loadMs, passes })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
