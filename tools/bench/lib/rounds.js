'use strict';
const { waitForQuiet } = require('./cpu');
const { livePids } = require('./processes');

/**
 * Rounds: the contenders of a benchmark are measured in turn, round after round, and each
 * is summarised by its median round. A neighbour stealing CPU for a while then hurts one
 * round of every contender instead of all rounds of one.
 */

/** Other processes using more than this many cores during a measurement make it be redone. */
const NOISY_CORES = 0.25;
const RETRIES = 2;

/**
 * Runs `measure(key, round)` for every key, `options.rounds` times over; returns key →
 * samples. With `options.quietWait` above 0, each measurement first waits up to that many
 * seconds for other processes to leave the CPU alone, and one during which they used more
 * than a quarter of a core is redone (twice at most; the quietest attempt is kept).
 */
async function interleave(keys, options, log, measure) {
  const samples = Object.fromEntries(keys.map((key) => [key, []]));
  for (let round = 1; round <= options.rounds; round++) {
    for (const key of keys) {
      let kept;
      for (let attempt = 0; attempt <= (options.quietWait > 0 ? RETRIES : 0); attempt++) {
        if (options.quietWait > 0) {
          await waitForQuiet([process.pid, ...livePids()], options.quietWait, (cores) =>
            log(`waiting up to ${options.quietWait} s for other processes (using ${cores.toFixed(2)} cores) to quieten ...`),
          );
        }
        const sample = await measure(key, round);
        if (kept === undefined || (sample.foreignCpu ?? 0) < (kept.foreignCpu ?? 0)) kept = sample;
        if ((sample.foreignCpu ?? 0) <= NOISY_CORES) break;
        log(`other processes used ${sample.foreignCpu.toFixed(2)} cores during that run; ${attempt < RETRIES ? 'measuring again' : 'keeping the quietest attempt'}`);
      }
      samples[key].push(kept);
    }
  }
  return samples;
}

function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** (max − min) / median of a figure across rounds: 0.05 means the rounds agree within 5 %. */
function spread(values) {
  const m = median(values);
  return values.length < 2 || !(m > 0) ? 0 : (Math.max(...values) - Math.min(...values)) / m;
}

function maxForeign(samples) {
  const values = samples.map((s) => s.foreignCpu).filter((v) => v !== null && v !== undefined);
  return values.length === 0 ? null : Math.max(...values);
}

/**
 * An HTTP contender over its rounds: median req/s and median latencies. `path` names the
 * server processes a request of this contender passes through, whose CPU per request adds
 * up to `cpuMicrosPerRequest`.
 */
function summarizeHttp(label, samples, path) {
  const rate = samples.map((s) => s.requestsPerSec);
  const sum = (field) => samples.reduce((total, s) => total + s.failures[field], 0);
  const serverCpuMicros = Object.fromEntries(Object.keys(samples[0].serverCpuMicros).map((name) => [name, median(samples.map((s) => s.serverCpuMicros[name]))]));
  return {
    label,
    requestsPerSec: median(rate),
    latencyMs: {
      p50: median(samples.map((s) => s.latencyMs.p50)),
      p90: median(samples.map((s) => s.latencyMs.p90)),
      p99: median(samples.map((s) => s.latencyMs.p99)),
      max: Math.max(...samples.map((s) => s.latencyMs.max)),
    },
    spread: spread(rate),
    foreignCpu: maxForeign(samples),
    failures: { errors: sum('errors'), timeouts: sum('timeouts'), non2xx: sum('non2xx') },
    ok: samples.every((s) => s.ok),
    cpuMicrosPerRequest: path.reduce((total, name) => total + serverCpuMicros[name], 0),
    // Per server process (idle ones near 0), the median across rounds of its CPU µs per request.
    serverCpuMicros,
    loadCpuMicros: median(samples.map((s) => s.loadCpuMicros)),
    rounds: samples.map((s) => ({ requestsPerSec: s.requestsPerSec, p50: s.latencyMs.p50, p99: s.latencyMs.p99, foreignCpu: s.foreignCpu })),
  };
}

/** A calling contender over its rounds: median calls/s. */
function summarizeCalls(label, samples) {
  const rate = samples.map((s) => s.callsPerSec);
  const callsPerSec = median(rate);
  return {
    label,
    callsPerSec,
    callers: samples[0].callers,
    microsPerCall: (1e6 * samples[0].callers) / callsPerSec,
    spread: spread(rate),
    foreignCpu: maxForeign(samples),
    rounds: samples.map((s) => ({ callsPerSec: s.callsPerSec, foreignCpu: s.foreignCpu })),
  };
}

module.exports = { interleave, median, summarizeHttp, summarizeCalls };
