'use strict';
/**
 * The database benchmark: `node tools/bench/database.js`, or `node tools/bench/run.js
 * database` beside the others. Two questions, each answered against a baseline of the same
 * run:
 *
 *   point select   `db.queryRow\`SELECT ... WHERE id = ${id}\`` through SQLDatabase against
 *                  the same statement on a raw `pg` Pool, on the same real Postgres server
 *                  (started here: initdb into a temporary folder, pg_ctl on a free port of
 *                  127.0.0.1), the same pool size and the same number of queries in flight;
 *                  per round a fresh node runs both, taking turns in 250 ms slices (so a
 *                  neighbour stealing CPU hurts both alike); a round's figure is the median
 *                  over slice pairs of SQLDatabase's count over pg's, and the median round
 *                  counts. Target: SQLDatabase ≥ 0.9 of raw pg's rate.
 *   test database  what a test file waits for to get a fresh, migrated embedded database
 *                  (@topo/runtime/testing's startTestDatabase: a copy of the migrated
 *                  template, PGlite opened and served on 127.0.0.1, a first query, then
 *                  stopped), test file after test file in one node as a Jest worker runs
 *                  them (each file's own tests take --test-body ms, not counted, as the next
 *                  file's copy is made meanwhile), against a fresh PGlite initdb (what a test
 *                  would wait for without the template). Target: each test file after a
 *                  worker's first under 500 ms.
 *
 * Not a test: nothing here runs under `npm test`. Needs Postgres's server binaries
 * (/usr/lib/postgresql/<version>/bin) and the packages built (done first unless --no-build).
 */
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { foreignCpu, sampleCpu, waitForQuiet } = require('./lib/cpu');
const { median } = require('./lib/rounds');
const { readFlags } = require('./lib/options');
const { runStandalone } = require('./lib/standalone');
const { table, heading, formatCount, formatMs, formatForeign, foreignNote, target, targetTable, round } = require('./lib/report');
const { freePort } = require('./lib/processes');

const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..');
const RUNTIME = path.join(WORKSPACE_ROOT, 'packages', 'runtime', 'dist');
const GOAL_RATIO = 0.9;
const GOAL_TEST_FILE_MS = 500;
const CONTENDERS = ['pg', 'topo'];
const ROWS = 10_000;
const IN_FLIGHT = 10;
/** The migrations of the test-database measurement: five files, tables and indexes, as a small service has. */
const MIGRATIONS = {
  '1_customers.up.sql': 'CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());',
  '2_orders.up.sql': 'CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), total_cents int NOT NULL CHECK (total_cents >= 0));',
  '3_order_lines.up.sql': 'CREATE TABLE order_lines (order_id int NOT NULL REFERENCES orders(id), sku text NOT NULL, quantity int NOT NULL, PRIMARY KEY (order_id, sku));',
  '4_indexes.up.sql': 'CREATE INDEX orders_by_customer ON orders (customer_id);\nCREATE INDEX lines_by_sku ON order_lines (sku);',
  '5_status.up.sql': "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'open';",
};

const USAGE = `usage: node tools/bench/database.js [options]

  --rounds=N       point-select rounds, a fresh node each running both contenders in turn;
                   the median counts (BENCH_ROUNDS, default 5)
  --duration=S     seconds measured per contender and round, after 1 s of warm-up (BENCH_DURATION, default 5)
  --test-files=N   test files in a row for the test-database measurement (default 10)
  --test-body=MS   how long each test file's own tests run, not counted (default 300)
  --quiet-wait=S   before each run, wait up to S s for other processes to leave the CPU
                   (BENCH_QUIET_WAIT, default 10; 0 does not wait)
  --no-build       skip compiling packages/runtime and packages/nx before the run
  --strict         exit 1 when a target is missed
`;

function parseOptions(argv, env) {
  const flags = readFlags(argv, ['rounds', 'duration', 'test-files', 'test-body', 'quiet-wait', 'no-build', 'strict'], USAGE);
  if (!flags) return { help: true };
  const number = (name, raw, min) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number from ${min}, got ${JSON.stringify(raw)}`);
    return value;
  };
  return {
    help: false,
    rounds: Math.round(number('rounds', flags.get('rounds') ?? env.BENCH_ROUNDS ?? '5', 1)),
    duration: number('duration', flags.get('duration') ?? env.BENCH_DURATION ?? '5', 1),
    testFiles: Math.round(number('test-files', flags.get('test-files') ?? '10', 2)),
    testBodyMs: number('test-body', flags.get('test-body') ?? '300', 0),
    quietWait: number('quiet-wait', flags.get('quiet-wait') ?? env.BENCH_QUIET_WAIT ?? '10', 0),
    build: flags.get('no-build') !== true,
    strict: flags.get('strict') === true,
    workspaceRoot: WORKSPACE_ROOT,
  };
}

// ---------------------------------------------------------------------------------------
// A real Postgres server for the run.

function postgresBin() {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = path.join(root, version, 'bin');
    if (fs.existsSync(path.join(bin, 'initdb'))) return { bin, version };
  }
  throw new Error('no Postgres server installed (looked in /usr/lib/postgresql/*/bin): apt-get install postgresql');
}


/** initdb into a temporary folder, pg_ctl start on a free port; as root, as the postgres user. */
async function startPostgres(log) {
  const { bin, version } = postgresBin();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-bench-pg-'));
  const data = path.join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    fs.chownSync(root, id('-u'), id('-g'));
  }
  const run = (tool, args) =>
    execFileSync(asRoot ? 'runuser' : path.join(bin, tool), asRoot ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args, { stdio: 'pipe', timeout: 120_000 });
  log(`starting Postgres ${version} (initdb into ${data}) ...`);
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-l', path.join(root, 'log'), '-w', '-t', '60', '-o', `-k /tmp -h 127.0.0.1 -p ${port}`, 'start']);
  return {
    version,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

// ---------------------------------------------------------------------------------------
// Children: each measurement in a fresh node.

/** Runs this file as a child with `args`; resolves with its JSON answer and others' CPU meanwhile. */
function child(args, env = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(__dirname, 'database.js'), ...args], { cwd: WORKSPACE_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const cpu = sampleCpu([process.pid, proc.pid]);
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    proc.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    proc.on('error', reject);
    proc.on('close', (status) => {
      if (status !== 0) return reject(new Error(`${args.join(' ')} failed (exit ${status}):\n${stderr}`));
      resolve({ ...JSON.parse(stdout.trim().split('\n').pop()), foreignCpu: foreignCpu(cpu) });
    });
  });
}

/**
 * A point-select round: both contenders in one node, each with its own pool of `IN_FLIGHT`,
 * taking turns in slices of `SLICE_MS` (after a second of warm-up each), so that a neighbour
 * stealing CPU hurts both alike; each keeps `IN_FLIGHT` queries in flight on random ids.
 */
const SLICE_MS = 250;

async function selectRound(url, ms, first) {
  const { Pool } = require(require.resolve('pg', { paths: [path.join(WORKSPACE_ROOT, 'packages', 'runtime')] }));
  const pool = new Pool({ connectionString: url, max: IN_FLIGHT });
  process.env.TOPO_DATABASE_URL_BENCH = url;
  process.env.TOPO_DATABASE_POOL_SIZE = String(IN_FLIGHT);
  const { SQLDatabase } = require(RUNTIME);
  const db = SQLDatabase.named('bench');
  const queries = {
    pg: async (id) => (await pool.query({ text: 'SELECT id, name FROM items WHERE id = $1', values: [id] })).rows[0] ?? null,
    topo: (id) => db.queryRow`SELECT id, name FROM items WHERE id = ${id}`,
  };
  const run = async (mode, sliceMs) => {
    const query = queries[mode];
    const until = performance.now() + sliceMs;
    let count = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        let id = 1 + Math.floor(Math.random() * ROWS);
        while (performance.now() < until) {
          const row = await query(id);
          if (row === null || row.id !== id) throw new Error(`row ${id} came back as ${JSON.stringify(row)}`);
          count++;
          id = id === ROWS ? 1 : id + 1;
        }
      }),
    );
    return count;
  };
  const order = first === 'pg' ? ['pg', 'topo'] : ['topo', 'pg'];
  for (const mode of order) await run(mode, 1000);
  const totals = { pg: 0, topo: 0 };
  const pairRatios = [];
  const slices = Math.max(1, Math.round(ms / SLICE_MS / 2));
  for (let i = 0; i < slices; i++) {
    const counts = {};
    // Alternate who goes first, so neither always follows the other.
    for (const mode of i % 2 === 0 ? order : [...order].reverse()) counts[mode] = await run(mode, SLICE_MS);
    totals.pg += counts.pg;
    totals.topo += counts.topo;
    pairRatios.push(counts.topo / counts.pg);
  }
  await pool.end();
  await db.close();
  const seconds = (slices * SLICE_MS) / 1000;
  return { pg: totals.pg / seconds, topo: totals.topo / seconds, ratio: median(pairRatios), slices };
}

/** A fresh PGlite initdb into an empty folder: what a test file waits for without a template. */
async function initdbRound() {
  const { PGlite } = require(require.resolve('@electric-sql/pglite', { paths: [path.join(WORKSPACE_ROOT, 'packages', 'runtime')] }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-bench-initdb-'));
  try {
    const start = performance.now();
    const db = await PGlite.create(path.join(dir, 'data'));
    await db.query('SELECT 1');
    const ms = performance.now() - start;
    await db.close();
    return { ms };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Test files in a row, as one Jest worker runs them: each gets a fresh migrated database, queries it, stops it. */
async function testFilesRound(migrationsDir, files, bodyMs) {
  const { startTestDatabase } = require(path.join(RUNTIME, 'testing', 'test-database'));
  const { Pool } = require(require.resolve('pg', { paths: [path.join(WORKSPACE_ROOT, 'packages', 'runtime')] }));
  const times = [];
  for (let i = 0; i < files; i++) {
    const start = performance.now();
    const database = await startTestDatabase('orders', migrationsDir);
    const started = performance.now();
    const pool = new Pool({ connectionString: database.url, max: 1 });
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM topo_migrations WHERE name <> ''");
    if (rows[0].n !== Object.keys(MIGRATIONS).length) throw new Error(`test database has ${rows[0].n} migrations applied`);
    const ready = performance.now();
    await new Promise((resolve) => setTimeout(resolve, bodyMs)); // the file's own tests
    const bodyEnd = performance.now();
    await pool.end();
    await database.stop();
    times.push({ startMs: started - start, totalMs: ready - start + (performance.now() - bodyEnd) });
  }
  return { times };
}

async function runChild(argv) {
  const [kind, ...rest] = argv;
  if (kind === 'select') return selectRound(rest[0], Number(rest[1]), rest[2]);
  if (kind === 'initdb') return initdbRound();
  if (kind === 'test-files') return testFilesRound(rest[0], Number(rest[1]), Number(rest[2] ?? 0));
  throw new Error(`unknown child ${kind}`);
}

// ---------------------------------------------------------------------------------------

async function runDatabase(options, log) {
  const duration = options.duration ?? 5;
  const testFiles = options.testFiles ?? 10;
  const testBodyMs = options.testBodyMs ?? 300;
  const quiet = async () => {
    if (options.quietWait > 0) {
      await waitForQuiet([process.pid], options.quietWait, (cores) => log(`waiting up to ${options.quietWait} s for other processes (using ${cores.toFixed(2)} cores) to quieten ...`));
    }
  };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-bench-db-'));
  const postgres = await startPostgres(log);
  try {
    const { Pool } = require(require.resolve('pg', { paths: [path.join(WORKSPACE_ROOT, 'packages', 'runtime')] }));
    const seed = new Pool({ connectionString: postgres.url, max: 1 });
    await seed.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)');
    await seed.query("INSERT INTO items SELECT n, 'item ' || n FROM generate_series(1, $1) AS n", [ROWS]);
    await seed.query('VACUUM ANALYZE items');
    await seed.end();

    const select = [];
    for (let r = 0; r < options.rounds; r++) {
      await quiet();
      const sample = await child(['--child', 'select', postgres.url, String(duration * 1000), CONTENDERS[r % CONTENDERS.length]]);
      select.push(sample);
      log(
        `round ${r + 1}: raw pg Pool ${formatCount(sample.pg)} selects/s, SQLDatabase ${formatCount(sample.topo)} selects/s, ` +
          `ratio ${sample.ratio.toFixed(3)} (median of ${sample.slices} slice pairs; other cpu ${formatForeign(sample.foreignCpu)})`,
      );
    }

    // The test database: templates in a cache of this run, made by a first worker (not
    // timed: once per machine), then a fresh worker runs test files in a row.
    const migrationsDir = path.join(scratch, 'migrations');
    fs.mkdirSync(migrationsDir);
    for (const [file, sql] of Object.entries(MIGRATIONS)) fs.writeFileSync(path.join(migrationsDir, file), sql);
    const cacheEnv = { TOPO_EMBEDDED_CACHE: path.join(scratch, 'cache') };
    await quiet();
    log('fresh PGlite initdb ...');
    const initdb = await child(['--child', 'initdb']);
    log(`fresh PGlite initdb: ${formatMs(initdb.ms)} ms`);
    log('making the templates (once per machine) ...');
    const templateStart = performance.now();
    await child(['--child', 'test-files', migrationsDir, '1'], cacheEnv);
    const templatesMs = performance.now() - templateStart;
    await quiet();
    const worker = await child(['--child', 'test-files', migrationsDir, String(testFiles), String(testBodyMs)], cacheEnv);
    log(`test files: ${worker.times.map((t) => `${formatMs(t.totalMs)} (start ${formatMs(t.startMs)})`).join(', ')} ms`);
    return summarize({ select, initdb, templatesMs, worker, postgres: postgres.version, duration, testFiles, testBodyMs, rounds: options.rounds });
  } finally {
    postgres.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function summarize({ select, initdb, templatesMs, worker, postgres, duration, testFiles, testBodyMs, rounds }) {
  const maxForeign = (list) => Math.max(0, ...list.map((s) => s.foreignCpu ?? 0));
  const later = worker.times.slice(1);
  const measurements = {
    pg: { label: 'raw pg Pool', perSecond: median(select.map((s) => s.pg)), foreignCpu: maxForeign(select), rounds: select.map((s) => round(s.pg, 0)) },
    topo: { label: 'SQLDatabase.queryRow', perSecond: median(select.map((s) => s.topo)), foreignCpu: maxForeign(select), rounds: select.map((s) => round(s.topo, 0)) },
    initdb: { label: 'fresh PGlite initdb', ms: initdb.ms, foreignCpu: initdb.foreignCpu ?? 0 },
    templates: { label: 'templates, once per machine (initdb + migrations)', ms: templatesMs },
    firstTestFile: { label: "a worker's first test file", ms: worker.times[0].totalMs, startMs: worker.times[0].startMs },
    laterTestFiles: {
      label: 'each later test file (median)',
      ms: median(later.map((t) => t.totalMs)),
      startMs: median(later.map((t) => t.startMs)),
      maxMs: Math.max(...later.map((t) => t.totalMs)),
      foreignCpu: worker.foreignCpu ?? 0,
      all: worker.times.map((t) => round(t.totalMs, 1)),
      allStarts: worker.times.map((t) => round(t.startMs, 1)),
    },
  };
  const ratios = {
    // Per round, the median over slice pairs of SQLDatabase's count over pg's; the median round.
    topoOverPg: median(select.map((s) => s.ratio)),
    roundRatios: select.map((s) => round(s.ratio, 3)),
    testFileOverInitdb: measurements.laterTestFiles.ms / measurements.initdb.ms,
  };
  return {
    name: 'database',
    load: `Postgres ${postgres} on 127.0.0.1, ${ROWS.toLocaleString('en-US')} rows, point selects by primary key, ${IN_FLIGHT} in flight on a pool of ${IN_FLIGHT} each; per round a fresh node runs both, ${SLICE_MS} ms each in turn for ${duration} s each after 1 s of warm-up; ${rounds} round(s), medians shown; ${testFiles} test files in a row in one node (each timed from asking for its database to having it, plus stopping it; its own tests, ${testBodyMs} ms, not counted), ${Object.keys(MIGRATIONS).length} migrations`,
    measurements,
    ratios,
    targets: [
      target('SQLDatabase point select / raw pg', ratios.topoOverPg, '>=', GOAL_RATIO),
      target('a later test file gets a fresh migrated database (ms)', measurements.laterTestFiles.ms, '<=', GOAL_TEST_FILE_MS),
    ],
  };
}

function renderDatabase(result) {
  const m = result.measurements;
  return [
    heading('point select through SQLDatabase vs raw pg; a fresh migrated test database vs a fresh initdb'),
    `  ${result.load}`,
    '',
    table(
      ['contender', 'selects/s', 'rounds', 'other cpu'],
      [m.pg, m.topo].map((c) => [c.label, formatCount(c.perSecond), c.rounds.map(formatCount).join(' '), formatForeign(c.foreignCpu)]),
    ),
    '',
    table(
      ['test database', 'ms', 'of which start'],
      [
        [m.initdb.label, formatMs(m.initdb.ms), ''],
        [m.templates.label, formatMs(m.templates.ms), ''],
        [m.firstTestFile.label, formatMs(m.firstTestFile.ms), formatMs(m.firstTestFile.startMs)],
        [m.laterTestFiles.label, formatMs(m.laterTestFiles.ms), formatMs(m.laterTestFiles.startMs)],
        ['slowest later test file', formatMs(m.laterTestFiles.maxMs), ''],
      ],
    ),
    '',
    table(
      ['ratio', 'value'],
      [
        ['SQLDatabase / raw pg, selects per second (median round)', result.ratios.topoOverPg.toFixed(3)],
        ['  the rounds', result.ratios.roundRatios.map((r) => r.toFixed(3)).join(' ')],
        ['later test file / fresh initdb', result.ratios.testFileOverInitdb.toFixed(3)],
      ],
    ),
    '',
    targetTable(result.targets),
    foreignNote({ pg: m.pg, topo: m.topo, initdb: m.initdb, later: m.laterTestFiles }),
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

module.exports = { run: runDatabase, render: renderDatabase, parseOptions };

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    runChild(argv.slice(1)).then(
      (result) => {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        process.exit(0);
      },
      (error) => {
        process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  } else {
    runStandalone({ title: 'database', slug: 'database', usage: USAGE, parseOptions, run: runDatabase, render: renderDatabase });
  }
}
