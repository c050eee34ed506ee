'use strict';
const path = require('node:path');

/** The workspace root: tools/bench/lib → ../../.. */
const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..', '..');
const BENCH_DIR = path.resolve(__dirname, '..');

const BENCHMARKS = ['mono', 'client', 'gateway'];
const ALIASES = { 'client-call': 'client', 'gateway-hop': 'gateway', all: null };

const USAGE = `usage: node tools/bench/run.js [mono|client|gateway ...] [options]

  with no name, runs all three benchmarks in turn

  --duration=S      measured seconds per run       (BENCH_DURATION, default 10)
  --warmup=S        warm-up seconds before each    (BENCH_WARMUP, default 3)
  --connections=N   connections / concurrent callers (BENCH_CONNECTIONS, default 50)
  --rounds=N        contenders measured in turn N times; the median counts (BENCH_ROUNDS, default 3)
  --quiet-wait=S    before each run, wait up to S s for other processes to leave the CPU
                    (BENCH_QUIET_WAIT, default 30; 0 does not wait)
  --quick           --warmup=1 --duration=3 --rounds=1 --quiet-wait=0: checks the harness, no figures
  --profile         run every server under --cpu-prof; read the profiles with
                    node tools/bench/profile-summary.js tools/bench/profiles/<name>-*.cpuprofile
  --no-build        skip compiling packages/runtime and packages/nx before the run
  --strict          exit 1 when a target is missed
  --verbose         show the servers' own output
`;

/**
 * Options read once from the command line and the environment; flags win over variables.
 */
function parseOptions(argv, env) {
  const flags = new Map();
  const names = [];
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') return { help: true, usage: USAGE };
    if (arg.startsWith('--')) {
      const [key, value] = arg.slice(2).split(/=(.*)/s);
      flags.set(key, value === undefined ? true : value);
    } else {
      names.push(arg);
    }
  }
  const known = new Set(['duration', 'warmup', 'connections', 'rounds', 'quiet-wait', 'quick', 'profile', 'no-build', 'strict', 'verbose']);
  for (const key of flags.keys()) {
    if (!known.has(key)) throw new Error(`unknown option --${key}\n\n${USAGE}`);
  }

  const quick = flags.get('quick') === true;
  const selected = [];
  for (const name of names) {
    const canonical = name in ALIASES ? ALIASES[name] : name;
    if (canonical === null) continue;
    if (!BENCHMARKS.includes(canonical)) throw new Error(`unknown benchmark "${name}": use ${BENCHMARKS.join(', ')}\n\n${USAGE}`);
    if (!selected.includes(canonical)) selected.push(canonical);
  }

  return {
    help: false,
    benchmarks: selected.length > 0 ? selected : [...BENCHMARKS],
    duration: seconds('duration', flags.get('duration') ?? env.BENCH_DURATION ?? (quick ? '3' : '10')),
    warmup: seconds('warmup', flags.get('warmup') ?? env.BENCH_WARMUP ?? (quick ? '1' : '3'), true),
    connections: whole('connections', flags.get('connections') ?? env.BENCH_CONNECTIONS ?? '50'),
    rounds: whole('rounds', flags.get('rounds') ?? env.BENCH_ROUNDS ?? (quick ? '1' : '3')),
    quietWait: seconds('quiet-wait', flags.get('quiet-wait') ?? env.BENCH_QUIET_WAIT ?? (quick ? '0' : '30'), true),
    profile: flags.get('profile') === true,
    build: flags.get('no-build') !== true,
    strict: flags.get('strict') === true,
    verbose: flags.get('verbose') === true,
    workspaceRoot: WORKSPACE_ROOT,
    benchDir: BENCH_DIR,
  };
}

function seconds(name, raw, zeroAllowed = false) {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new Error(`--${name} must be a number of seconds${zeroAllowed ? '' : ' above 0'}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function whole(name, raw) {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number above 0, got ${JSON.stringify(raw)}`);
  return value;
}

/**
 * The `--name` and `--name=value` flags of a benchmark script that takes no other argument,
 * checked against the names it knows; undefined when `--help` is asked for.
 *
 * @example
 * const flags = readFlags(process.argv.slice(2), ['rounds', 'strict'], USAGE); // Map { 'rounds' => '3' }
 */
function readFlags(argv, known, usage) {
  const flags = new Map();
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') return undefined;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"\n\n${usage}`);
    const [key, value] = arg.slice(2).split(/=(.*)/s);
    flags.set(key, value === undefined ? true : value);
  }
  for (const key of flags.keys()) {
    if (!known.includes(key)) throw new Error(`unknown option --${key}\n\n${usage}`);
  }
  return flags;
}

/**
 * `--rounds` (else BENCH_ROUNDS, else `fallback`): a whole number above 0.
 *
 * @example
 * readRounds(flags, process.env, 5); // 5 when neither is given
 */
function readRounds(flags, env, fallback) {
  const raw = flags.get('rounds') ?? env.BENCH_ROUNDS ?? String(fallback);
  const rounds = Number(raw);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number above 0, got ${JSON.stringify(raw)}`);
  return rounds;
}

/** `--quiet-wait` (else BENCH_QUIET_WAIT, else `fallback`): seconds, 0 or more. */
function readQuietWait(flags, env, fallback) {
  const raw = flags.get('quiet-wait') ?? env.BENCH_QUIET_WAIT ?? String(fallback);
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`--quiet-wait must be a number of seconds, got ${JSON.stringify(raw)}`);
  return seconds;
}

module.exports = { parseOptions, readFlags, readRounds, readQuietWait, USAGE, BENCHMARKS, WORKSPACE_ROOT, BENCH_DIR };
