'use strict';
/**
 * The build benchmark: `node tools/bench/build.js`.
 *
 *   mono bundle   `nx build big --topology=mono` (the executor's work, in this process: analysis,
 *                 request schemas, esbuild, package files) on the generated workspace of 200
 *                 services and 2,000 endpoints, against the floor measured in the same run:
 *                 esbuild alone bundling the same entry module. Target: under 5 s.
 *   image size    each image's own layers (the image's size minus its base image's) against its
 *                 bundle's size, for the micro images of the serve fixture app (shop) built with
 *                 podman on a base image FROM scratch holding this machine's node.
 *                 Target: at most 1.2×.
 *   start         `podman run` of a service image to its first 200 on /__topo/health, against
 *                 `node main.js` of the same bundle started on the host, in the same run.
 *                 Target: under 500 ms.
 *
 * The image figures need podman (skipped without it, with a note). Podman runs with a
 * storage of its own in a temporary folder, removed at the end.
 */
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { generateWorkspace, SERVICES, ENDPOINTS_PER_SERVICE } = require('./split-service');
const { table, heading, formatMs, target, targetTable } = require('./lib/report');
const { freePort } = require('./lib/processes');

process.env.NX_DAEMON = 'false';
const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..');
const SHOP = path.join(WORKSPACE_ROOT, 'packages/nx/src/executors/serve/__fixtures__/shop');
const BASE_IMAGE = 'localhost/topo-bench-node-base:latest';

function option(name, fallback) {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const rounds = option('rounds', 3);
  const starts = option('starts', 5);
  if (!process.argv.includes('--no-build')) {
    const tsc = require.resolve('typescript/bin/tsc', { paths: [WORKSPACE_ROOT] });
    const built = spawnSync(process.execPath, [tsc, '-b', 'packages/runtime/tsconfig.lib.json', 'packages/nx/tsconfig.lib.json'], { cwd: WORKSPACE_ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('compiling the packages failed');
  }
  const nxDist = (file) => require(path.join(WORKSPACE_ROOT, 'packages/nx/dist', file));
  const { buildApp, buildAppImages } = nxDist('deploy/build-app');
  const { renderEntry } = nxDist('bundling/entry');
  const { planProcesses } = nxDist('app/plan-processes');
  const { loadApp } = nxDist('app/load-app');
  const esbuild = require(require.resolve('esbuild', { paths: [path.join(WORKSPACE_ROOT, 'packages/nx')] }));

  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: WORKSPACE_ROOT, encoding: 'utf8' }).trim();
  process.stdout.write(`topo benchmark: build\n  ${os.cpus().length} × ${os.cpus()[0].model.trim()}, node ${process.version}; commit ${commit}\n`);
  const results = { targets: [] };

  // ---- mono bundle of the 200-service workspace
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-bench-build-'));
  const cleanups = [() => fs.rmSync(ws, { recursive: true, force: true })];
  try {
    generateWorkspace(ws);
    const app = { workspaceRoot: ws, appName: 'big', appRoot: path.join(ws, 'apps/big'), topology: 'mono' };
    const build = [];
    const floor = [];
    let bytes = 0;
    for (let round = 1; round <= rounds; round++) {
      let start = performance.now();
      const result = await buildApp({ ...app, baseImage: 'node:20-slim', tag: 'bench', external: [], log: () => undefined });
      build.push(performance.now() - start);
      bytes = result.processes[0].bundleBytes;
      // The floor: esbuild alone, on an entry module already written, all packages bundled as the build does.
      const loaded = loadApp(app, 'build');
      const [plan] = planProcesses(ws, loaded.groups, loaded.services, loaded.schemas);
      const entry = path.join(ws, 'floor-entry.js');
      fs.writeFileSync(entry, renderEntry('big', plan));
      start = performance.now();
      await esbuild.build({ entryPoints: [entry], outfile: path.join(ws, 'floor.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'linked', logLevel: 'silent' });
      floor.push(performance.now() - start);
      process.stdout.write(`  round ${round}/${rounds}: build ${formatMs(build.at(-1))}, esbuild alone ${formatMs(floor.at(-1))}\n`);
    }
    results.mono = { services: SERVICES, endpoints: SERVICES * ENDPOINTS_PER_SERVICE, buildMs: median(build), esbuildMs: median(floor), bundleBytes: bytes };
    process.stdout.write(
      `${heading(`mono bundle: ${SERVICES} services, ${SERVICES * ENDPOINTS_PER_SERVICE} endpoints`)}\n` +
        table(['what', 'median'], [
          ['nx build --topology=mono (analysis, schemas, esbuild, files)', formatMs(results.mono.buildMs)],
          ['esbuild alone, same entry (floor)', formatMs(results.mono.esbuildMs)],
          ['main.js', `${Math.round(bytes / 1024)} KiB`],
        ]) + '\n',
    );
    results.targets.push(target('mono bundle build time, 200 services (ms)', results.mono.buildMs, '<', 5000));

    // ---- images
    if (spawnSync('podman', ['--version']).status !== 0) {
      process.stdout.write('\n  podman is not installed: no image figures (apt-get install podman).\n');
    } else {
      const sandbox = podmanSandbox();
      cleanups.unshift(() => sandbox.dispose());
      buildNodeBase(sandbox);
      const shop = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-bench-shop-'));
      cleanups.unshift(() => fs.rmSync(shop, { recursive: true, force: true }));
      fs.cpSync(SHOP, shop, { recursive: true });
      fs.symlinkSync(path.join(WORKSPACE_ROOT, 'node_modules'), path.join(shop, 'node_modules'), 'dir');
      const settings = { workspaceRoot: shop, appName: 'shop', appRoot: path.join(shop, 'apps/shop'), baseImage: BASE_IMAGE, tag: 'bench', external: [], log: () => undefined };
      // nx build writes the contexts; the app's container target builds the images from them.
      const built = await buildApp({ ...settings, topology: 'micro' });
      await buildAppImages({ ...settings, engine: 'podman' }, 'micro');
      const baseSize = imageSize(sandbox, BASE_IMAGE);
      const sizes = built.processes.map((p) => ({ name: p.name, bundle: p.bundleBytes, own: imageSize(sandbox, p.image) - baseSize }));
      process.stdout.write(
        `${heading('image size: own layers against the bundle (micro images of the shop fixture)')}\n` +
          table(['image', 'main.js', 'own layers', 'ratio'], sizes.map((s) => [s.name, `${s.bundle.toLocaleString('en-US')} B`, `${s.own.toLocaleString('en-US')} B`, `${(s.own / s.bundle).toFixed(3)}×`])) +
          '\n',
      );
      results.images = sizes;
      results.targets.push(target('largest image own layers / bundle size', Math.max(...sizes.map((s) => s.own / s.bundle)), '<=', 1.2));

      const users = built.processes.find((p) => p.name === 'users');
      const container = [];
      const host = [];
      for (let i = 0; i < starts; i++) {
        container.push(await timeContainerStart(sandbox, users.image));
        host.push(await timeHostStart(users.dir));
      }
      results.start = { containerMs: median(container), hostMs: median(host), runs: starts };
      process.stdout.write(
        `${heading(`start to first 200: the users image, ${starts} runs`)}\n` +
          table(['how', 'median', 'all'], [
            ['podman run (host network) → 200 on /__topo/health', formatMs(results.start.containerMs), container.map((v) => Math.round(v)).join(', ')],
            ['node main.js on the host → 200 (floor)', formatMs(results.start.hostMs), host.map((v) => Math.round(v)).join(', ')],
          ]) +
          '\n',
      );
      results.targets.push(target('container start to first 200 (ms)', results.start.containerMs, '<', 500));
    }
  } finally {
    for (const cleanup of cleanups) cleanup();
  }
  process.stdout.write(`\n${targetTable(results.targets)}\n`);
  const file = path.join(os.tmpdir(), `topo-bench-build-${Date.now()}.json`);
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), commit, ...results }, null, 2) + '\n');
  process.stdout.write(`results: ${file}\n`);
  return results.targets.every((t) => t.pass) || !process.argv.includes('--strict') ? 0 : 1;
}

function podmanSandbox() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-bench-podman-'));
  fs.writeFileSync(
    path.join(dir, 'containers.conf'),
    '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\nnetns = "host"\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nruntime = "runc"\n',
  );
  fs.writeFileSync(path.join(dir, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/storage"\nrunroot = "${dir}/run"\n`);
  process.env.CONTAINERS_CONF = path.join(dir, 'containers.conf');
  process.env.CONTAINERS_STORAGE_CONF = path.join(dir, 'storage.conf');
  return {
    podman: (args) => execFileSync('podman', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    dispose() {
      spawnSync('podman', ['rm', '--all', '--force', '--time', '0'], { stdio: 'ignore' });
      spawnSync('podman', ['rmi', '--all', '--force'], { stdio: 'ignore' });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function buildNodeBase(sandbox) {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-bench-base-'));
  const copy = (file, to = file) => {
    fs.mkdirSync(path.join(context, path.dirname(to)), { recursive: true });
    fs.copyFileSync(file, path.join(context, to));
  };
  copy(process.execPath, '/usr/local/bin/node');
  for (const library of execFileSync('ldd', [process.execPath], { encoding: 'utf8' }).match(/\/\S+/g) ?? []) copy(library);
  fs.writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY . /\nENV PATH=/usr/local/bin:/usr/bin:/bin\n');
  fs.writeFileSync(path.join(context, '.dockerignore'), 'Dockerfile\n.dockerignore\n');
  sandbox.podman(['build', '--quiet', '--format', 'docker', '-t', BASE_IMAGE, context]);
  fs.rmSync(context, { recursive: true, force: true });
}

function imageSize(sandbox, image) {
  return Number(sandbox.podman(['image', 'inspect', '--format', '{{.Size}}', image]).trim());
}


async function firstOk(port, since) {
  for (;;) {
    const status = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/__topo/health' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(0));
    });
    if (status === 200) return performance.now() - since;
    if (performance.now() - since > 20_000) throw new Error(`nothing answered on port ${port} within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function timeContainerStart(sandbox, image) {
  const port = await freePort();
  const name = `topo-bench-${Date.now()}`;
  const start = performance.now();
  const child = spawn('podman', ['run', '--rm', '--name', name, '--network', 'host', '--no-healthcheck', '--env', `PORT=${port}`, '--env', 'TOPO_SECRET=bench-secret-long-enough-for-topo-0123456789', image], { stdio: 'ignore' });
  try {
    return await firstOk(port, start);
  } finally {
    spawnSync('podman', ['stop', '--time', '10', name], { stdio: 'ignore' });
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
  }
}

async function timeHostStart(dir) {
  const port = await freePort();
  const start = performance.now();
  const child = spawn(process.execPath, ['main.js'], { cwd: dir, env: { ...process.env, PORT: String(port), TOPO_SECRET: 'bench-secret-long-enough-for-topo-0123456789' }, stdio: 'ignore' });
  try {
    return await firstOk(port, start);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
    process.exit(1);
  },
);


