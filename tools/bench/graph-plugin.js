'use strict';
/**
 * The graph plugin benchmark: `node tools/bench/graph-plugin.js`, or
 * `node tools/bench/run.js graph` beside the others.
 *
 * On the split-service benchmark's workspace (200 services, 2,000 endpoints, client calls
 * throughout; see split-service.js), `npx nx show projects` (NX_DAEMON=false) with two
 * nx.json files, measured in the same run in rotated order (round 1: without, with;
 * round 2: with, without; ...):
 *
 *   without  `"plugins": []`: Nx's own boot and graph, the baseline
 *   with     `"plugins": ["@topo/nx"]`, as split-service.js writes it
 *
 * Each contender's round is `nx reset`, then the command twice: cold (no project graph and
 * no plugin cache, as after `nx reset` or a fresh clone) and warm (both in
 * .nx/workspace-data, as every later command). The `nx reset` is not timed. Every run's
 * project list is checked: 201 Topo projects and libs/util with the plugin, util alone
 * without, or the run fails. Figures are medians across rounds; beside the wall times, the
 * CPU time of npx and the nx processes under it, which moves less on a busy machine.
 *
 * Targets: with / without at most 1.15 cold and 1.05 warm. Not a test: nothing here runs
 * under `npm test`.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { waitForQuiet } = require('./lib/cpu');
const { median } = require('./lib/rounds');
const { readFlags, readRounds, readQuietWait } = require('./lib/options');
const { runStandalone } = require('./lib/standalone');
const { table, heading, formatMs, formatRatio, formatForeign, foreignNote, target, targetTable, round } = require('./lib/report');
const { generateWorkspace, SERVICES, ENDPOINTS_PER_SERVICE } = require('./split-service');

const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..');
const LABELS = { without: 'without the plugin', with: "with '@topo/nx'", before: 'with the --before build' };
const GOAL_COLD = 1.15;
const GOAL_WARM = 1.05;
/** What `nx show projects` must list: every service and the app with the plugin, and the plain library. */
const EXPECTED_PROJECTS = { without: 1, with: SERVICES + 2, before: SERVICES + 2 };

const USAGE = `usage: node tools/bench/graph-plugin.js [options]

  --rounds=N       rounds of both contenders, in rotated order; the median counts
                   (BENCH_ROUNDS, default 5)
  --quiet-wait=S   before each round, wait up to S s for other processes to leave the CPU
                   (BENCH_QUIET_WAIT, default 10; 0 does not wait)
  --no-build       skip compiling packages/runtime and packages/nx before the run
  --before=PATH    a third contender: another build of @topo/nx (its package folder, e.g. an
                   older commit's packages/nx compiled elsewhere) in nx.json instead
  --keep           keep the generated workspace (its path is printed)
  --strict         exit 1 when a target is missed
`;

function parseOptions(argv, env) {
  const flags = readFlags(argv, ['rounds', 'quiet-wait', 'no-build', 'before', 'keep', 'strict'], USAGE);
  if (!flags) return { help: true };
  const rounds = readRounds(flags, env, 5);
  const quietWait = readQuietWait(flags, env, 10);
  return {
    help: false,
    rounds,
    quietWait,
    build: flags.get('no-build') !== true,
    before: typeof flags.get('before') === 'string' ? path.resolve(flags.get('before')) : undefined,
    keep: flags.get('keep') === true,
    strict: flags.get('strict') === true,
    workspaceRoot: WORKSPACE_ROOT,
  };
}

/** The environment of every nx command: no daemon, no cloud, the plugin cache as a user has it. */
function nxEnvironment() {
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
  delete env.NX_CACHE_PROJECT_GRAPH;
  delete env.NX_WORKSPACE_DATA_DIRECTORY;
  delete env.NX_PROJECT_GRAPH_CACHE_DIRECTORY;
  return env;
}

function npxNx(workspace, args) {
  return spawnSync('npx', ['nx', ...args], { cwd: workspace, env: nxEnvironment(), encoding: 'utf8' });
}

const TICKS_PER_SECOND = 100; // USER_HZ

/** Busy ticks of the machine and of this process with the children it waited for (npx and the nx under it). */
function cpuTicks() {
  try {
    const machine = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , , , steal] = machine;
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    // utime, stime, cutime and cstime: fields 14 to 17.
    const own = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 15).map(Number);
    return { at: performance.now(), machine: user + nice + system + (steal ?? 0), ours: own.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/** Cores' worth of CPU that others used between two samples; null off Linux. */
function foreignCores(before, after) {
  if (!before || !after) return null;
  const foreign = (after.machine - before.machine - (after.ours - before.ours)) / TICKS_PER_SECOND / ((after.at - before.at) / 1000);
  return Math.max(0, Math.round(foreign * 100) / 100);
}

/** One timed `npx nx show projects`: its wall time and the other processes' CPU meanwhile; fails on a wrong list. */
function showProjects(workspace, contender) {
  const before = cpuTicks();
  const start = performance.now();
  const result = npxNx(workspace, ['show', 'projects']);
  const ms = performance.now() - start;
  const after = cpuTicks();
  const foreign = foreignCores(before, after);
  // CPU time of npx and the nx processes under it: on a busy machine it moves less than the wall time.
  const cpuMs = before && after ? ((after.ours - before.ours) * 1000) / TICKS_PER_SECOND : null;
  if (result.status !== 0) throw new Error(`npx nx show projects (${LABELS[contender]}) failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  const projects = result.stdout.split('\n').filter((line) => line.trim() !== '');
  if (projects.length !== EXPECTED_PROJECTS[contender] || !projects.includes('util')) {
    throw new Error(`npx nx show projects (${LABELS[contender]}) listed ${projects.length} projects, expected ${EXPECTED_PROJECTS[contender]}:\n${result.stdout}\n${result.stderr}`);
  }
  return { ms, cpuMs, foreignCpu: foreign };
}

function usePlugins(workspace, contender, options) {
  const plugins = { without: [], with: ['@topo/nx'], before: [options.before] }[contender];
  fs.writeFileSync(path.join(workspace, 'nx.json'), `${JSON.stringify({ plugins }, null, 2)}\n`);
}

/** One contender's round: nx.json, `nx reset` (untimed), then cold and warm. */
function measureRound(workspace, contender, options) {
  usePlugins(workspace, contender, options);
  const reset = npxNx(workspace, ['reset']);
  if (reset.status !== 0) throw new Error(`npx nx reset failed (exit ${reset.status}):\n${reset.stdout}\n${reset.stderr}`);
  const cold = showProjects(workspace, contender);
  const warm = showProjects(workspace, contender);
  return { cold, warm };
}

/**
 * Runs the benchmark: `options` as parseOptions or tools/bench/run.js make them (rounds,
 * quietWait, keep); returns what run.js's summary holds.
 */
async function runGraphPlugin(options, log) {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'topo-bench-graph-')));
  const workspace = path.join(base, 'ws');
  try {
    log(`generating the workspace (${SERVICES} services, ${SERVICES * ENDPOINTS_PER_SERVICE} endpoints) in ${workspace} ...`);
    fs.mkdirSync(workspace);
    generateWorkspace(workspace);
    // Once untimed for each, so that npx and the file system caches are as warm for the first round as for the last.
    const contenders = options.before ? ['without', 'with', 'before'] : ['without', 'with'];
    for (const contender of contenders) measureRound(workspace, contender, options);

    const samples = Object.fromEntries(contenders.map((contender) => [contender, []]));
    for (let r = 0; r < options.rounds; r++) {
      const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]);
      for (const contender of order) {
        if (options.quietWait > 0) {
          await waitForQuiet([process.pid], options.quietWait, (cores) => log(`waiting up to ${options.quietWait} s for other processes (using ${cores.toFixed(2)} cores) to quieten ...`));
        }
        const sample = measureRound(workspace, contender, options);
        samples[contender].push(sample);
        log(
          `round ${r + 1}, ${LABELS[contender]}: cold ${formatMs(sample.cold.ms)} ms (cpu ${formatMs(sample.cold.cpuMs)} ms, other cpu ${formatForeign(sample.cold.foreignCpu)}), ` +
            `warm ${formatMs(sample.warm.ms)} ms (cpu ${formatMs(sample.warm.cpuMs)} ms, other cpu ${formatForeign(sample.warm.foreignCpu)})`,
        );
      }
    }
    return summarize(samples, options);
  } finally {
    if (options.keep) log(`kept: ${workspace}`);
    else fs.rmSync(base, { recursive: true, force: true });
  }
}

function summarize(samples, options) {
  const measurement = (contender) => {
    const list = samples[contender];
    return {
      label: LABELS[contender],
      coldMs: median(list.map((s) => s.cold.ms)),
      warmMs: median(list.map((s) => s.warm.ms)),
      coldCpuMs: median(list.map((s) => s.cold.cpuMs)),
      warmCpuMs: median(list.map((s) => s.warm.cpuMs)),
      foreignCpu: Math.max(0, ...list.flatMap((s) => [s.cold.foreignCpu ?? 0, s.warm.foreignCpu ?? 0])),
      rounds: list.map((s) => ({ coldMs: round(s.cold.ms, 1), warmMs: round(s.warm.ms, 1), coldCpuMs: s.cold.cpuMs, warmCpuMs: s.warm.cpuMs, foreignCpu: s.cold.foreignCpu })),
    };
  };
  const measurements = Object.fromEntries(Object.keys(samples).map((contender) => [contender, measurement(contender)]));
  const over = (contender) => ({
    cold: measurements[contender].coldMs / measurements.without.coldMs,
    warm: measurements[contender].warmMs / measurements.without.warmMs,
    coldCpu: measurements[contender].coldCpuMs / measurements.without.coldCpuMs,
    warmCpu: measurements[contender].warmCpuMs / measurements.without.warmCpuMs,
  });
  const ratios = { ...over('with'), ...(measurements.before ? { before: over('before') } : {}) };
  return {
    name: 'graph',
    load: `npx nx show projects, NX_DAEMON=false, ${SERVICES} services, ${SERVICES * ENDPOINTS_PER_SERVICE} endpoints; ${options.rounds} round(s) in rotated order, median shown`,
    measurements,
    ratios,
    targets: [
      target("nx show projects with '@topo/nx' / without, cold (after nx reset)", ratios.cold, '<=', GOAL_COLD),
      target("nx show projects with '@topo/nx' / without, warm", ratios.warm, '<=', GOAL_WARM),
    ],
  };
}

function renderGraphPlugin(result) {
  const contenders = Object.values(result.measurements);
  const before = result.ratios.before;
  return [
    heading('the graph plugin: nx show projects with and without @topo/nx, same run'),
    `  ${result.load}`,
    '',
    table(
      ['nx.json', 'cold ms', 'warm ms', 'cold cpu ms', 'warm cpu ms', 'other cpu'],
      contenders.map((m) => [m.label, formatMs(m.coldMs), formatMs(m.warmMs), formatMs(m.coldCpuMs), formatMs(m.warmCpuMs), formatForeign(m.foreignCpu)]),
    ),
    '',
    table(
      ['ratio', 'value'],
      [
        ['with / without, cold', formatRatio(result.ratios.cold)],
        ['with / without, warm', formatRatio(result.ratios.warm)],
        ['with / without, CPU time, cold', formatRatio(result.ratios.coldCpu)],
        ['with / without, CPU time, warm', formatRatio(result.ratios.warmCpu)],
        ...(before
          ? [
              ['--before build / without, cold', formatRatio(before.cold)],
              ['--before build / without, warm', formatRatio(before.warm)],
              ['--before build / without, CPU time, cold', formatRatio(before.coldCpu)],
              ['--before build / without, CPU time, warm', formatRatio(before.warmCpu)],
            ]
          : []),
      ],
    ),
    '',
    targetTable(result.targets),
    foreignNote(result.measurements),
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

module.exports = { run: runGraphPlugin, render: renderGraphPlugin, parseOptions };

if (require.main === module) runStandalone({ title: 'graph plugin', slug: 'graph', usage: USAGE, parseOptions, run: runGraphPlugin, render: renderGraphPlugin });
