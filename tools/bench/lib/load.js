'use strict';
const autocannon = require('autocannon');
const { cpuSecondsByPid, foreignCpu, sampleCpu } = require('./cpu');
const { LatencyRecorder } = require('./latency');
const { liveServers } = require('./processes');

/**
 * HTTP load with autocannon, in the bench's own process: a warm-up run whose figures are
 * thrown away, then the measured run.
 */

/**
 * @param {string} url
 * @param {{ connections: number, warmup: number, duration: number }} settings
 */
async function measureHttp(url, settings) {
  if (settings.warmup > 0) await run(url, settings.connections, settings.warmup);
  const latency = new LatencyRecorder();
  const servers = liveServers();
  const cpu = sampleCpu([process.pid, ...servers.map((s) => s.pid)]);
  const result = await run(url, settings.connections, settings.duration, latency);
  const failures = result.errors + result.timeouts + result.non2xx;
  const seconds = cpuSecondsByPid(cpu);
  const foreign = foreignCpu(cpu);
  // CPU time per answered request of each server process (idle ones round to 0), in µs.
  const serverCpuMicros = Object.fromEntries(servers.map((s) => [s.name, (1e6 * (seconds.get(s.pid) ?? 0)) / Math.max(1, result.requests.total)]));
  return {
    requestsPerSec: result.requests.total / result.duration,
    requests: result.requests.total,
    seconds: result.duration,
    latencyMs: latency.summary(),
    failures: { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
    ok: failures === 0,
    foreignCpu: foreign,
    serverCpuMicros,
    loadCpuMicros: (1e6 * (seconds.get(process.pid) ?? 0)) / Math.max(1, result.requests.total),
  };
}

function run(url, connections, duration, latency) {
  const instance = autocannon({ url, connections, duration, pipelining: 1 });
  if (latency !== undefined) {
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode >= 200 && statusCode < 300) latency.record(responseTimeMs);
    });
  }
  return instance;
}

/**
 * Checks that a server answers `path` with exactly `expected` (a JSON value) before it is
 * measured, so every contender of a benchmark provably does the same work.
 */
async function expectJson(baseUrl, path, expected) {
  const response = await fetch(baseUrl + path);
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  if (response.status !== 200 || JSON.stringify(body) !== JSON.stringify(expected)) {
    throw new Error(`GET ${baseUrl}${path} answered ${response.status} ${text}, expected 200 ${JSON.stringify(expected)}`);
  }
}

module.exports = { measureHttp, expectJson };
