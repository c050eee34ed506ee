'use strict';
/**
 * Topo's benchmarks: `npm run bench` runs all five, `node tools/bench/run.js <name>` one.
 *
 *   mono     the demo in the mono topology vs express 5 vs bare node:http
 *   client   an awaited client call in-process vs over loopback HTTP
 *   gateway  the topo gateway vs a minimal keep-alive proxy in front of one service
 *   catalog  `nx run <app>:catalog` on 200 services vs the static analysis alone (catalog.js;
 *            it times work, not load: of the options below it reads --rounds and --quiet-wait)
 *   database point selects through SQLDatabase vs a raw pg Pool on one real Postgres, and a
 *            test file's fresh migrated embedded database vs a fresh PGlite initdb
 *            (database.js; it reads --rounds, --duration and --quiet-wait)
 *   graph    `npx nx show projects` on 200 services with and without the plugin, cold and
 *            warm (graph-plugin.js; it reads --rounds and --quiet-wait)
 *   serve-startup  `nx serve demo` to its first 200, and an edit to its new answer, vs Nx's
 *            boot plus a bare node start of the same bundles (serve-startup.js; it reads
 *            --rounds and --quiet-wait)
 *
 * Every figure a target judges is a ratio against a baseline measured in the same run with
 * the same load tool (autocannon, in this process; each server in its own child process).
 * Not a test: nothing here runs under `npm test`. See docs/benchmarks.md.
 */
const { execFileSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { buildPackages } = require('./lib/demo');
const { parseOptions } = require('./lib/options');
const { stopAll } = require('./lib/processes');

const BENCHMARKS = {
  mono: require('./benchmarks/mono'),
  client: require('./benchmarks/client-call'),
  gateway: require('./benchmarks/gateway-hop'),
  catalog: require('./catalog'),
  database: require('./database'),
  'serve-startup': require('./serve-startup'),
  graph: require('./graph-plugin'),
};
/** The benchmarks that time work rather than serve load: lib/options.js knows only the others. */
const TIMED = ['catalog', 'database', 'serve-startup', 'graph'];

/** The options, and the benchmarks named (all of them when none is). */
function readCommandLine(argv, env) {
  const timed = argv.filter((arg) => TIMED.includes(arg));
  const rest = argv.filter((arg) => !TIMED.includes(arg));
  const options = parseOptions(rest, env);
  const usage =
    `${options.usage}\n  catalog, a fourth name: catalog generation vs the static analysis alone (tools/bench/catalog.js)\n` +
    '  database, a fifth: point selects through SQLDatabase vs raw pg, a test database vs a fresh initdb (tools/bench/database.js)\n' +
    '  serve-startup: nx serve demo to its first 200 and an edit to its new answer vs nx boot + bare node (tools/bench/serve-startup.js)\n' +
    "  graph: npx nx show projects on 200 services with and without '@topo/nx', cold and warm (tools/bench/graph-plugin.js)\n";
  if (options.help) return { ...options, usage };
  const named = rest.some((arg) => !arg.startsWith('-') && arg !== 'all');
  const all = rest.includes('all') || (!named && timed.length === 0);
  const benchmarks = [...(named || all ? options.benchmarks : []), ...(all ? TIMED : timed)];
  return { ...options, benchmarks };
}

async function main() {
  const options = readCommandLine(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(options.usage);
    return 0;
  }
  const log = (line) => process.stdout.write(`  ${line}\n`);

  const machine = describeMachine(options.workspaceRoot);
  process.stdout.write(
    `topo benchmarks: ${options.benchmarks.join(', ')}\n` +
      `  ${machine.cpus} × ${machine.cpuModel}, node ${machine.node}, ${machine.platform}; commit ${machine.commit}${machine.dirty ? ' (uncommitted changes)' : ''}\n` +
      `  ${options.connections} connections, ${options.warmup} s warm-up, ${options.duration} s measured per run, ${options.rounds} round(s)\n`,
  );
  if (options.build) {
    log('compiling packages/runtime and packages/nx ...');
    buildPackages(options.workspaceRoot);
  }

  const results = [];
  for (const name of options.benchmarks) {
    process.stdout.write(`\n[${name}]\n`);
    const result = await BENCHMARKS[name].run(options, log);
    results.push(result);
    process.stdout.write(BENCHMARKS[name].render(result) + '\n');
  }

  const summary = {
    date: new Date().toISOString(),
    machine,
    settings: {
      connections: options.connections,
      warmupSeconds: options.warmup,
      durationSeconds: options.duration,
      rounds: options.rounds,
      quietWaitSeconds: options.quietWait,
      loadTool: `autocannon ${autocannonVersion()}`,
    },
    benchmarks: Object.fromEntries(results.map((r) => [r.name, { load: r.load, measurements: compact(r.measurements), ratios: r.ratios, targets: r.targets }])),
    missed: results.flatMap((r) => r.targets.filter((t) => !t.pass).map((t) => `${r.name}: ${t.name}`)),
  };
  const file = path.join(options.benchDir, 'results.json');
  const json = JSON.stringify(summary, null, 2);
  writeFileSync(file, json + '\n');
  process.stdout.write(`\nsummary (also in ${path.relative(process.cwd(), file) || file}):\n${json}\n`);
  return options.strict && summary.missed.length > 0 ? 1 : 0;
}

/** Rounds figures for the summary; a measurement keeps its label, rate, latencies and failures. */
function compact(measurements) {
  const round = (value) => (typeof value === 'number' ? Math.round(value * 100) / 100 : value);
  return Object.fromEntries(
    Object.entries(measurements).map(([key, m]) => [key, JSON.parse(JSON.stringify(m, (_k, v) => round(v)))]),
  );
}

function describeMachine(workspaceRoot) {
  const git = (...args) => {
    try {
      return execFileSync('git', args, { cwd: workspaceRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    dirty: git('status', '--porcelain', '--', 'packages') !== '',
  };
}

function autocannonVersion() {
  return require('autocannon/package.json').version;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\nbench: ${signal}, stopping the servers\n`);
    stopAll().finally(() => process.exit(130));
  });
}

main().then(
  async (code) => {
    await stopAll();
    process.exit(code);
  },
  async (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.BENCH_DEBUG) process.stderr.write(`${error.stack}\n`);
    await stopAll();
    process.exit(1);
  },
);
