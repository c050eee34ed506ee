'use strict';
/**
 * The catalog generation benchmark: `node tools/bench/catalog.js`, or
 * `node tools/bench/run.js catalog` beside the others.
 *
 * On the split-service benchmark's workspace (200 services, 2,000 endpoints, client calls
 * throughout; see split-service.js), two contenders, each a fresh node per round as
 * `nx run big:catalog` is (see lib/catalog-round.js), measured in the same run in rotated
 * order (round 1: analysis, catalog; round 2: catalog, analysis; ...):
 *
 *   analysis   the static analysis alone: topo.json, the services, endpoints and calls,
 *              the request and response schemas (what serve, build and the catalog read)
 *   catalog    the same analysis, then what `nx run <app>:catalog` adds: the model,
 *              catalog.json, openapi.json and index.html (the page, whose first render
 *              bundles its script with esbuild and lays the diagram out with dagre), each
 *              written to disk
 *
 * Each node then runs both again in the same process, which is what `nx serve` pays after
 * an edit (warm). Figures are medians across rounds. Target: catalog generation adds under
 * 30 % to the analysis, cold (as `nx run` has it) and warm (as `nx serve` has it), each
 * judged inside one node: its catalog steps over the analysis they followed, the median
 * across rounds. Beside it, the same from the two contenders, (analysis + catalog) /
 * (analysis alone) − 1, which should agree: it shows the analysis is the same in both, but
 * it compares different nodes, so other processes on the machine move it more.
 * The page's load in a browser is tools/bench/catalog-page.js's business. Not a test:
 * nothing here runs under `npm test`.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { foreignCpu, sampleCpu, waitForQuiet } = require('./lib/cpu');
const { median } = require('./lib/rounds');
const { readFlags, readRounds, readQuietWait } = require('./lib/options');
const { runStandalone } = require('./lib/standalone');
const { table, heading, formatMs, formatForeign, foreignNote, target, targetTable, round } = require('./lib/report');
const { generateWorkspace, SERVICES, ENDPOINTS_PER_SERVICE } = require('./split-service');

const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..');
const ROUND_SCRIPT = path.join(__dirname, 'lib', 'catalog-round.js');
const APP = { name: 'big', root: 'apps/big' };
const GOAL_ADDED = 0.3;
const CONTENDERS = ['analysis', 'catalog'];

const USAGE = `usage: node tools/bench/catalog.js [options]

  --rounds=N       rounds of both contenders, in rotated order; the median counts
                   (BENCH_ROUNDS, default 5)
  --quiet-wait=S   before each node, wait up to S s for other processes to leave the CPU
                   (BENCH_QUIET_WAIT, default 10; 0 does not wait)
  --no-build       skip compiling packages/runtime and packages/nx before the run
  --keep           keep the generated workspace and the catalog written (their paths are printed)
  --strict         exit 1 when the target is missed
`;

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

/** One contender's round: a fresh node; its own timings, its wall time, and others' CPU meanwhile. */
function measureRound(workspace, mode, outDir) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [ROUND_SCRIPT, workspace, APP.name, APP.root, mode, outDir], { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
    const cpu = sampleCpu([process.pid, child.pid]);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      const wallMs = performance.now() - start;
      const foreign = foreignCpu(cpu);
      if (status !== 0) return reject(new Error(`the ${mode} round failed (exit ${status}):\n${stderr}`));
      resolve({ ...JSON.parse(stdout), wallMs, foreignCpu: foreign });
    });
  });
}

/**
 * Runs the benchmark: `options` as parseOptions or tools/bench/run.js make them (rounds,
 * quietWait, workspaceRoot, keep); returns what run.js's summary holds.
 */
async function runCatalog(options, log) {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'topo-bench-catalog-')));
  const workspace = path.join(base, 'ws');
  const outDir = path.join(base, 'out');
  try {
    log(`generating the workspace (${SERVICES} services, ${SERVICES * ENDPOINTS_PER_SERVICE} endpoints) in ${workspace} ...`);
    fs.mkdirSync(workspace);
    generateWorkspace(workspace);

    const samples = { analysis: [], catalog: [] };
    for (let r = 0; r < options.rounds; r++) {
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + r) % CONTENDERS.length]);
      for (const mode of order) {
        if (options.quietWait > 0) {
          await waitForQuiet([process.pid], options.quietWait, (cores) => log(`waiting up to ${options.quietWait} s for other processes (using ${cores.toFixed(2)} cores) to quieten ...`));
        }
        const sample = await measureRound(workspace, mode, outDir);
        samples[mode].push(sample);
        const [cold] = sample.passes;
        log(
          `round ${r + 1}, ${mode}: analysis ${formatMs(cold.analysisMs)} ms` +
            (cold.catalog ? `, catalog ${formatMs(cold.catalog.ms.total)} ms` : '') +
            `, node ${formatMs(sample.wallMs)} ms (other cpu ${formatForeign(sample.foreignCpu)})`,
        );
      }
    }
    return summarize(samples, options);
  } finally {
    if (options.keep) log(`kept: ${workspace} and the catalog in ${outDir}`);
    else fs.rmSync(base, { recursive: true, force: true });
  }
}

function summarize(samples, options) {
  const pass = (sample, name) => sample.passes.find((p) => p.pass === name);
  const med = (list, pick) => median(list.map(pick));
  const alone = samples.analysis;
  const withCatalog = samples.catalog;
  const first = pass(withCatalog[0], 'cold').catalog;
  const steps = Object.fromEntries(Object.keys(first.ms).map((step) => [step, med(withCatalog, (s) => pass(s, 'cold').catalog.ms[step])]));
  const warmSteps = Object.fromEntries(Object.keys(first.ms).map((step) => [step, med(withCatalog, (s) => pass(s, 'warm').catalog.ms[step])]));
  const maxForeign = (list) => Math.max(0, ...list.map((s) => s.foreignCpu ?? 0));

  const measurements = {
    analysis: {
      label: 'analysis alone',
      loadMs: med(alone, (s) => s.loadMs),
      analysisMs: med(alone, (s) => pass(s, 'cold').analysisMs),
      warmAnalysisMs: med(alone, (s) => pass(s, 'warm').analysisMs),
      wallMs: med(alone, (s) => s.wallMs),
      foreignCpu: maxForeign(alone),
      rounds: alone.map((s) => ({ analysisMs: round(pass(s, 'cold').analysisMs, 1), wallMs: round(s.wallMs, 1), foreignCpu: s.foreignCpu })),
    },
    catalog: {
      label: 'analysis + catalog',
      loadMs: med(withCatalog, (s) => s.loadMs),
      analysisMs: med(withCatalog, (s) => pass(s, 'cold').analysisMs),
      catalogMs: steps.total,
      analysisPlusCatalogMs: med(withCatalog, (s) => pass(s, 'cold').analysisMs + pass(s, 'cold').catalog.ms.total),
      steps,
      warmAnalysisMs: med(withCatalog, (s) => pass(s, 'warm').analysisMs),
      warmCatalogMs: warmSteps.total,
      warmSteps,
      wallMs: med(withCatalog, (s) => s.wallMs),
      bytes: first.bytes,
      foreignCpu: maxForeign(withCatalog),
      rounds: withCatalog.map((s) => ({ analysisMs: round(pass(s, 'cold').analysisMs, 1), catalogMs: round(pass(s, 'cold').catalog.ms.total, 1), wallMs: round(s.wallMs, 1), foreignCpu: s.foreignCpu })),
    },
  };
  const a = measurements.analysis;
  const c = measurements.catalog;
  const ratios = {
    // The cold target's figure, inside one node: the catalog's steps over the analysis they followed.
    catalogOverAnalysisSameNode: med(withCatalog, (s) => pass(s, 'cold').catalog.ms.total / pass(s, 'cold').analysisMs),
    // The same from the two contenders: the catalog contender's analysis and catalog over the analysis contender's.
    addedOverAnalysisAlone: c.analysisPlusCatalogMs / a.analysisMs - 1,
    // Whole nodes, module loading and start-up included.
    wallOverAnalysisWall: c.wallMs / a.wallMs - 1,
    // Again in the same process: what nx serve pays after an edit.
    warmCatalogOverWarmAnalysis: med(withCatalog, (s) => pass(s, 'warm').catalog.ms.total / pass(s, 'warm').analysisMs),
  };
  return {
    name: 'catalog',
    load: `${SERVICES} services, ${SERVICES * ENDPOINTS_PER_SERVICE} endpoints, ${first.callingPairs} calling pairs; a fresh node per contender and round, ${options.rounds} round(s) in rotated order, median shown`,
    measurements,
    ratios,
    targets: [
      target('catalog added to the analysis, cold (nx run)', ratios.catalogOverAnalysisSameNode, '<=', GOAL_ADDED),
      target('catalog added to the analysis, warm (nx serve)', ratios.warmCatalogOverWarmAnalysis, '<=', GOAL_ADDED),
    ],
  };
}

function renderCatalog(result) {
  const { analysis: a, catalog: c } = result.measurements;
  const percent = (value) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} %` : 'n/a');
  const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
  return [
    heading('catalog generation vs the static analysis alone, same run'),
    `  ${result.load}`,
    '',
    table(
      ['contender', 'load ms', 'analysis ms', 'catalog ms', 'node wall ms', 'warm analysis ms', 'warm catalog ms', 'other cpu'],
      [
        [a.label, formatMs(a.loadMs), formatMs(a.analysisMs), '', formatMs(a.wallMs), formatMs(a.warmAnalysisMs), '', formatForeign(a.foreignCpu)],
        [c.label, formatMs(c.loadMs), formatMs(c.analysisMs), formatMs(c.catalogMs), formatMs(c.wallMs), formatMs(c.warmAnalysisMs), formatMs(c.warmCatalogMs), formatForeign(c.foreignCpu)],
      ],
    ),
    '',
    table(
      ['catalog step', 'cold ms', 'warm ms', 'writes'],
      [
        ['model (buildCatalog)', formatMs(c.steps.model), formatMs(c.warmSteps.model), ''],
        ['catalog.json', formatMs(c.steps.catalogJson), formatMs(c.warmSteps.catalogJson), kb(c.bytes.catalogJson)],
        ['openapi.json', formatMs(c.steps.openapi), formatMs(c.warmSteps.openapi), kb(c.bytes.openapi)],
        ['index.html (renderCatalogPage)', formatMs(c.steps.page), formatMs(c.warmSteps.page), kb(c.bytes.page)],
      ],
    ),
    '',
    table(
      ['ratio', 'value'],
      [
        ['catalog / analysis in the same node, cold (nx run)', percent(result.ratios.catalogOverAnalysisSameNode)],
        ['catalog / analysis, again in the same node, warm (nx serve)', percent(result.ratios.warmCatalogOverWarmAnalysis)],
        ['contenders: (analysis + catalog) / analysis alone − 1, cold', percent(result.ratios.addedOverAnalysisAlone)],
        ['contenders, whole nodes: wall / wall − 1', percent(result.ratios.wallOverAnalysisWall)],
      ],
    ),
    '',
    targetTable(result.targets),
    foreignNote(result.measurements),
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

module.exports = { run: runCatalog, render: renderCatalog, parseOptions };

if (require.main === module) runStandalone({ title: 'catalog', slug: 'catalog', usage: USAGE, parseOptions, run: runCatalog, render: renderCatalog });
