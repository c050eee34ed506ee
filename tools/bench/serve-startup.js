'use strict';
/**
 * The `nx serve` start-up benchmark: `node tools/bench/serve-startup.js`, or
 * `node tools/bench/run.js serve-startup` beside the others.
 *
 * On a copy of this repository's demo (packages/demo, the guide's split: services hello and
 * yo) in a workspace of its own (nx.json, the root package.json and tsconfig, node_modules
 * linked to this repository's with a .cache of its own, so nothing here writes to the
 * working tree), contenders measured in rotated order, round after round, each a fresh
 * process tree:
 *
 *   nx-boot       `npx nx show projects`: Nx's own boot, plugins included, to its exit
 *   bare-mono     `node <the mono bundle>` until /__topo/health answers 200
 *   bare-micro    `node` on every bundle of micro at once (hello, yo, the gateway) until the
 *                 gateway's /__topo/health answers 200
 *   serve-mono    `nx serve demo --topology=mono` (NX_DAEMON=false) until GET /hello/Ada
 *                 answers 200, with the analysis cache warm (an earlier run's)
 *   serve-micro   the same in micro
 *   cold-mono     serve-mono with node_modules/.cache/topo/app removed first: what every
 *                 start cost before the cache (the analysis and schemas computed again)
 *   cold-micro    the same in micro
 * and, with watch on, an edit to hello.ts that changes /hello/Ada's answer until that answer
 * is served (reload-mono, reload-micro; several edits per serve, each its own sample).
 *
 * Figures are medians. Targets (issue 14): serve under 3 s; serve at most 1.5 × (nx-boot +
 * bare of the same topology); an edit to its new answer under 0.5 s. Not a test.
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { waitForQuiet } = require('./lib/cpu');
const { median } = require('./lib/rounds');
const { readFlags, readRounds, readQuietWait } = require('./lib/options');
const { runStandalone } = require('./lib/standalone');
const { table, heading, formatMs, target, targetTable } = require('./lib/report');

const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..');
const APP = 'demo';
const HELLO = 'packages/demo/services/hello/hello.ts';
const START_TIMEOUT_MS = 120_000;
const RELOADS_PER_SERVE = 3;

const USAGE = `usage: node tools/bench/serve-startup.js [options]
  --rounds=N        rounds per contender (default 5, or BENCH_ROUNDS)
  --quiet-wait=S    before each measurement wait up to S s for other processes to leave the
                    CPU alone (default 10, or BENCH_QUIET_WAIT; 0 = do not wait)
  --no-build        do not compile packages/runtime and packages/nx first
  --keep            keep the temporary workspace
  --strict          exit 1 when a target is missed
`;

const STARTS = ['nx-boot', 'bare-mono', 'bare-micro', 'serve-mono', 'serve-micro', 'cold-mono', 'cold-micro'];

function parseOptions(argv, env) {
  const flags = readFlags(argv, ['rounds', 'quiet-wait', 'no-build', 'keep', 'strict'], USAGE);
  if (!flags) return { help: true };
  const rounds = readRounds(flags, env, 5);
  const quietWait = readQuietWait(flags, env, 10);
  return {
    help: false,
    rounds,
    quietWait,
    build: flags.get('no-build') !== true,
    keep: flags.get('keep') === true,
    strict: flags.get('strict') === true,
    workspaceRoot: WORKSPACE_ROOT,
  };
}

/** A workspace holding the demo alone, with node_modules linked to this repository's. */
function makeWorkspace(workspaceRoot) {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'topo-bench-serve-')));
  for (const file of ['nx.json', 'package.json', 'tsconfig.base.json']) fs.copyFileSync(path.join(workspaceRoot, file), path.join(root, file));
  fs.cpSync(path.join(workspaceRoot, 'packages', 'demo'), path.join(root, 'packages', 'demo'), {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|dist|\.topo)$/.test(source),
  });
  const modules = path.join(root, 'node_modules');
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(path.join(workspaceRoot, 'node_modules'))) {
    if (entry !== '.cache') fs.symlinkSync(path.join(workspaceRoot, 'node_modules', entry), path.join(modules, entry));
  }
  return root;
}

function nxEnv() {
  const env = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', CI: 'true' };
  for (const name of Object.keys(env)) if (name.startsWith('JEST_')) delete env[name];
  return env;
}

/** Starts a command in a process group of its own, so that stopping it stops what it started. */
function startGroup(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // Gone already.
        }
        const killer = setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // Gone already.
          }
        }, 5_000);
        await exited;
        clearTimeout(killer);
      }
      // What the group started may outlive its leader for a moment: wait until the group is gone.
      for (let i = 0; i < 100 && groupAlive(child.pid); i++) await sleep(50);
    },
  };
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function get(port, urlPath) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.setTimeout(2_000, () => req.destroy());
  });
}

/** Polls every 10 ms until `accept` takes an answer; ms since `start`. */
async function until(port, urlPath, accept, start, group) {
  for (;;) {
    const answer = await get(port, urlPath);
    if (accept(answer)) return performance.now() - start;
    if (group && group.child.exitCode !== null) throw new Error(`the command exited (${group.child.exitCode}) before answering:\n${group.output()}`);
    if (performance.now() - start > START_TIMEOUT_MS) throw new Error(`no answer on ${urlPath} after ${START_TIMEOUT_MS} ms${group ? `:\n${group.output()}` : ''}`);
    await sleep(10);
  }
}

function freePorts(count) {
  return Promise.all(
    Array.from({ length: count }, () => {
      const server = net.createServer();
      return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
    }),
  ).then(async (servers) => {
    const ports = servers.map((s) => s.address().port);
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    return ports;
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function nxBin(root) {
  return path.join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
}

async function measureNxBoot(root) {
  const start = performance.now();
  execFileSync(process.execPath, [nxBin(root), 'show', 'projects'], { cwd: root, env: nxEnv(), stdio: 'ignore' });
  return performance.now() - start;
}

/** `nx serve demo` until /hello/Ada answers 200: ms, and the running serve (stopped unless kept). */
async function measureServe(root, topology, { watch = false, keep = false } = {}) {
  const [port] = await freePorts(1);
  const start = performance.now();
  const group = startGroup(process.execPath, [nxBin(root), 'serve', APP, `--topology=${topology}`, `--port=${port}`, `--watch=${watch}`], { cwd: root, env: nxEnv() });
  try {
    const ms = await until(port, '/hello/Ada', (a) => a.status === 200, start, group);
    if (!keep) await group.stop();
    return { ms, port, group };
  } catch (error) {
    await group.stop();
    throw error;
  }
}

/** The bundles `nx serve` wrote for a topology, started by hand as a user would with plain node. */
async function measureBare(root, topology, bundles) {
  const plan = bundles[topology];
  const ports = await freePorts(plan.length);
  const discovery = {};
  plan.forEach((p, i) => {
    if (p.name !== 'gateway') for (const service of p.name.split('+')) discovery[service] = `http://127.0.0.1:${ports[i]}`;
  });
  const start = performance.now();
  const groups = plan.map((p, i) =>
    startGroup(process.execPath, ['--enable-source-maps', p.file], {
      cwd: root,
      env: { ...process.env, PORT: String(ports[i]), HOST: '127.0.0.1', TOPO_SECRET: 'bench-'.repeat(8), TOPO_DISCOVERY: JSON.stringify(discovery) },
    }),
  );
  try {
    return await until(ports[ports.length - 1], '/__topo/health', (a) => a.status === 200, start, groups[groups.length - 1]);
  } finally {
    await Promise.all(groups.map((g) => g.stop()));
  }
}

/** The bundle files of the last `nx serve` of `topology`, the edge (mono or gateway) last. */
function readBundles(root, topology) {
  const dir = path.join(root, 'node_modules', '.cache', 'topo', 'serve', APP);
  const names = topology === 'mono' ? ['mono'] : ['hello', 'yo', 'gateway'];
  return names.map((name) => {
    const file = path.join(dir, `${name}.js`);
    if (!fs.existsSync(file)) throw new Error(`no bundle ${file}: nx serve did not write it (the process names changed?)`);
    return { name, file };
  });
}

/** With watch on, edits hello.ts's greeting and times each until /hello/Ada gives the new one. */
async function measureReloads(root, topology, round) {
  const file = path.join(root, HELLO);
  const original = fs.readFileSync(file, 'utf8');
  const { port, group } = await measureServe(root, topology, { watch: true, keep: true });
  const samples = [];
  try {
    await sleep(300);
    for (let i = 0; i < RELOADS_PER_SERVE; i++) {
      const word = `Hey${round}x${i}`;
      const start = performance.now();
      fs.writeFileSync(file, original.replace('`Hello, ${name}!`', `\`${word}, \${name}!\``));
      samples.push(await until(port, '/hello/Ada', (a) => a.status === 200 && a.body.includes(word), start, group));
      await sleep(300);
    }
  } finally {
    fs.writeFileSync(file, original);
    await group.stop();
  }
  return samples;
}

async function runServeStartup(options, log) {
  const root = makeWorkspace(options.workspaceRoot);
  const appCache = path.join(root, 'node_modules', '.cache', 'topo', 'app');
  try {
    log(`workspace: ${root}`);
    log('warming up: nx show projects, nx serve demo in mono and micro (writes the bundles and the cache) ...');
    await measureNxBoot(root);
    await measureServe(root, 'mono');
    const bundles = { mono: readBundles(root, 'mono') };
    await measureServe(root, 'micro');
    bundles.micro = readBundles(root, 'micro');

    const contenders = {
      'nx-boot': () => measureNxBoot(root),
      'bare-mono': () => measureBare(root, 'mono', bundles),
      'bare-micro': () => measureBare(root, 'micro', bundles),
      'serve-mono': async () => (await measureServe(root, 'mono')).ms,
      'serve-micro': async () => (await measureServe(root, 'micro')).ms,
      'cold-mono': async () => {
        fs.rmSync(appCache, { recursive: true, force: true });
        return (await measureServe(root, 'mono')).ms;
      },
      'cold-micro': async () => {
        fs.rmSync(appCache, { recursive: true, force: true });
        return (await measureServe(root, 'micro')).ms;
      },
    };
    const samples = Object.fromEntries([...STARTS, 'reload-mono', 'reload-micro'].map((k) => [k, []]));
    for (let r = 0; r < options.rounds; r++) {
      const order = STARTS.map((_, i) => STARTS[(i + r) % STARTS.length]);
      for (const key of order) {
        if (options.quietWait > 0) await waitForQuiet([process.pid], options.quietWait, (cores) => log(`waiting for other processes (using ${cores.toFixed(2)} cores) to quieten ...`));
        const ms = await contenders[key]();
        samples[key].push(ms);
        log(`round ${r + 1}: ${key} ${formatMs(ms)} ms`);
      }
      // The cold runs left the cache warm again; the reloads take their edits back.
      for (const topology of r % 2 === 0 ? ['mono', 'micro'] : ['micro', 'mono']) {
        const reloads = await measureReloads(root, topology, r);
        samples[`reload-${topology}`].push(...reloads);
        log(`round ${r + 1}: reload-${topology} ${reloads.map(formatMs).join(', ')} ms`);
      }
    }

    const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, { medianMs: median(v), samples: v }]));
    const ratio = (topology, serve) => m[serve].medianMs / (m['nx-boot'].medianMs + m[`bare-${topology}`].medianMs);
    const targets = [
      target('serve mono, s', m['serve-mono'].medianMs / 1000, '<=', 3),
      target('serve micro, s', m['serve-micro'].medianMs / 1000, '<=', 3),
      target('serve mono / (nx boot + bare mono)', ratio('mono', 'serve-mono'), '<=', 1.5),
      target('serve micro / (nx boot + bare micro)', ratio('micro', 'serve-micro'), '<=', 1.5),
      target('edit to new answer, mono, s', m['reload-mono'].medianMs / 1000, '<=', 0.5),
      target('edit to new answer, micro, s', m['reload-micro'].medianMs / 1000, '<=', 0.5),
    ];
    const before = { mono: ratio('mono', 'cold-mono'), micro: ratio('micro', 'cold-micro') };
    return { benchmark: 'serve-startup', rounds: options.rounds, measurements: m, coldRatios: before, targets };
  } finally {
    if (options.keep) log(`kept ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

function renderServeStartup(result) {
  const m = result.measurements;
  const row = (key, what) => [key, what, formatMs(m[key].medianMs), m[key].samples.map((v) => formatMs(v)).join(' ')];
  return [
    heading('nx serve demo: start to first 200, and edit to new answer (ms, median)'),
    table(
      ['contender', 'what', 'median ms', 'samples'],
      [
        row('nx-boot', 'npx nx show projects'),
        row('bare-mono', 'node mono.js to /__topo/health 200'),
        row('bare-micro', 'node on 3 bundles to gateway health 200'),
        row('serve-mono', 'nx serve demo, mono, cache warm'),
        row('serve-micro', 'nx serve demo, micro, cache warm'),
        row('cold-mono', 'the same, cache removed first'),
        row('cold-micro', 'the same, cache removed first'),
        row('reload-mono', 'edit hello.ts to new answer'),
        row('reload-micro', 'edit hello.ts to new answer'),
      ],
      ['left', 'left', 'right', 'left'],
    ),
    '',
    `  cold / (nx boot + bare): mono ${result.coldRatios.mono.toFixed(2)}, micro ${result.coldRatios.micro.toFixed(2)}`,
    '',
    targetTable(result.targets),
  ].join('\n');
}

module.exports = { run: runServeStartup, render: renderServeStartup, parseOptions };

if (require.main === module) runStandalone({ title: 'serve-startup', slug: 'serve-startup', usage: USAGE, parseOptions, run: runServeStartup, render: renderServeStartup });
