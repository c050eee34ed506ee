'use strict';
const { spawnSync } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

/**
 * The demo app, built the way `nx serve` builds it: the workspace analysis and request
 * schemas (`loadApp`), the process plans (`planProcesses`) and esbuild bundles
 * (`ProcessBundles`), all taken from packages/nx/dist so the bench runs exactly what a user
 * would. Bundles go to tools/bench/.cache; they load @topo/runtime from node_modules, as
 * the bundles of `nx serve` do.
 */

const APP = 'demo';
const APP_ROOT = path.join('packages', 'demo');

/** Compiles packages/runtime and packages/nx, so the bench measures the sources as they are. */
function buildPackages(workspaceRoot) {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [workspaceRoot] });
  const result = spawnSync(process.execPath, [tsc, '-b', 'packages/runtime/tsconfig.lib.json', 'packages/nx/tsconfig.lib.json'], {
    cwd: workspaceRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('compiling packages/runtime and packages/nx failed (see above); fix it or pass --no-build');
}

function nx(workspaceRoot, module) {
  return require(path.join(workspaceRoot, 'packages', 'nx', 'dist', module));
}

/** The demo's analysis resolved for a topology, as `nx serve demo --topology=<topology>` reads it. */
const loaded = new Map();

function loadDemo(workspaceRoot, topology) {
  const key = `${workspaceRoot}\0${topology}`;
  if (!loaded.has(key)) loaded.set(key, readDemo(workspaceRoot, topology));
  return loaded.get(key);
}

function readDemo(workspaceRoot, topology) {
  const { loadApp } = nx(workspaceRoot, 'app/load-app');
  return loadApp({
    workspaceRoot,
    appName: APP,
    appRoot: path.join(workspaceRoot, APP_ROOT),
    topology,
    port: 4000,
    host: '127.0.0.1',
    watch: false,
  });
}

async function bundle(workspaceRoot, outDir, plans) {
  const { ProcessBundles } = nx(workspaceRoot, 'bundling/process-bundles');
  const bundles = new ProcessBundles(APP, workspaceRoot, outDir);
  try {
    const built = await bundles.build(plans);
    return Object.fromEntries(built.map((b) => [b.name, b.bundleFile]));
  } finally {
    await bundles.dispose();
  }
}

/** The bundle `nx serve demo --topology=mono` runs: one edge process hosting every service. */
async function buildMonoBundle(workspaceRoot, cacheDir) {
  const { planProcesses } = nx(workspaceRoot, 'app/plan-processes');
  const app = loadDemo(workspaceRoot, 'mono');
  const plans = planProcesses(workspaceRoot, app.groups, app.services, app.schemas);
  if (plans.length !== 1 || plans[0].kind !== 'process' || !plans[0].edge) {
    throw new Error(`expected the mono topology of ${APP} to be one edge process, got ${JSON.stringify(plans.map((p) => p.name))}`);
  }
  const files = await bundle(workspaceRoot, path.join(cacheDir, 'mono'), plans);
  return files[plans[0].name];
}

/**
 * The hello service as a process behind a gateway, and that gateway: the demo's micro
 * topology without yo's process, since the bench measures the hop to hello alone. Made from
 * the plan pieces `nx serve` uses for any topology of more than one group (a non-edge
 * process per group, plus a gateway routing their public endpoints).
 */
async function buildMicroBundles(workspaceRoot, cacheDir) {
  const { planProcesses } = nx(workspaceRoot, 'app/plan-processes');
  const app = loadDemo(workspaceRoot, 'micro');
  const hello = app.services.find((service) => service.name === 'hello');
  if (!hello) throw new Error(`the demo has no service "hello"; found ${app.services.map((s) => s.name).join(', ') || 'none'}`);
  const [single] = planProcesses(workspaceRoot, [{ name: 'hello', services: ['hello'] }], app.services, app.schemas);
  const processPlan = { ...single, edge: false };
  const gatewayPlan = {
    kind: 'gateway',
    name: 'gateway',
    routes: hello.endpoints.filter((e) => e.expose).flatMap((e) => e.methods.map((method) => ({ method, path: e.path, service: 'hello' }))),
  };
  const files = await bundle(workspaceRoot, path.join(cacheDir, 'micro'), [processPlan, gatewayPlan]);
  return { service: files.hello, gateway: files.gateway, routes: gatewayPlan.routes };
}

/**
 * The hello service as a module the bench can load into its own process: the service, its
 * endpoint modules with the schemas the analysis gives them, and its client (client.ts),
 * bundled with the same esbuild options as a process.
 */
async function buildInProcessModule(workspaceRoot, cacheDir) {
  const { processBundleOptions } = nx(workspaceRoot, 'bundling/bundle');
  const { build } = require(require.resolve('esbuild', { paths: [path.join(workspaceRoot, 'packages', 'nx')] }));
  const app = loadDemo(workspaceRoot, 'mono');
  const hello = app.services.find((service) => service.name === 'hello');
  if (!hello?.clientFile) throw new Error('the demo service "hello" has no client.ts');
  const abs = (file) => path.join(workspaceRoot, file);
  const files = [...new Set(hello.endpoints.map((e) => e.file))];
  const lines = [
    `export { default as service } from ${JSON.stringify(abs(hello.serviceFile))};`,
    `export { hello as client } from ${JSON.stringify(abs(hello.clientFile))};`,
    ...files.map((file, i) => `import * as module${i} from ${JSON.stringify(abs(file))};`),
    `export const endpoints = [`,
    ...hello.endpoints.map((e) => {
      const schema = app.schemas.get(`hello.${e.exportName}`);
      return `  { name: ${JSON.stringify(e.exportName)}, endpoint: module${files.indexOf(e.file)}[${JSON.stringify(e.exportName)}]${schema ? `, schema: ${JSON.stringify(schema)}` : ''} },`;
    }),
    `];`,
  ];
  const outDir = path.join(cacheDir, 'in-process');
  mkdirSync(outDir, { recursive: true });
  const entry = path.join(outDir, 'hello.entry.js');
  const outFile = path.join(outDir, 'hello.js');
  writeFileSync(entry, lines.join('\n') + '\n');
  await build(processBundleOptions(entry, outFile, workspaceRoot));
  return outFile;
}

module.exports = { buildPackages, buildMonoBundle, buildMicroBundles, buildInProcessModule };
