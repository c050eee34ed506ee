// HTTP throughput of the host against a bare node:http server and express 5, same route.
// `node bench/http.js [kinds...] [--rounds N] [--duration S]`; needs the built runtime.
// Reports req/s (autocannon -c 50) and the server's CPU time per request, which stays
// meaningful on a busy machine where req/s swings with whatever else runs.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const autocannon = require('autocannon');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index === -1 ? fallback : Number(args.splice(index, 2)[1]);
};
const rounds = option('--rounds', 3);
const duration = option('--duration', 5);
const kinds = args.length > 0 ? args : ['bare', 'host', 'express'];
const ticksPerSecond = 100;

function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

function startServer(kind, env = {}) {
  const child = spawn(process.execPath, [path.join(__dirname, 'servers.js'), kind, '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  return new Promise((resolve) => child.stdout.once('data', (chunk) => resolve({ child, port: Number(String(chunk).trim()) })));
}

/** Proxies (gateway, proxy) stand in front of a host process started for the run. */
const PROXIES = new Set(['gateway', 'proxy', 'hpm']);

async function measure(kind, urlPath) {
  const backend = PROXIES.has(kind) ? await startServer('host') : undefined;
  const { child, port } = await startServer(kind, backend ? { BACKEND_PORT: String(backend.port) } : {});
  await autocannon({ url: `http://127.0.0.1:${port}${urlPath}`, connections: 50, duration: 1 }); // warm-up
  const before = cpuSeconds(child.pid);
  const result = await autocannon({ url: `http://127.0.0.1:${port}${urlPath}`, connections: 50, duration });
  const cpu = cpuSeconds(child.pid) - before;
  child.kill();
  backend?.child.kill();
  return { reqPerSec: result.requests.average, p99: result.latency.p99, cpuMicros: (cpu * 1e6) / result.requests.total, errors: result.non2xx + result.errors };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

(async () => {
  const samples = Object.fromEntries(kinds.map((kind) => [kind, []]));
  for (let round = 0; round < rounds; round++) {
    for (const kind of kinds) samples[kind].push(await measure(kind, '/hello/world'));
  }
  for (const kind of kinds) {
    const runs = samples[kind];
    console.log(
      `${kind.padEnd(10)} req/s median ${Math.round(median(runs.map((r) => r.reqPerSec)))} ` +
        `(runs: ${runs.map((r) => Math.round(r.reqPerSec)).join(', ')}), p99 ${median(runs.map((r) => r.p99))} ms, ` +
        `server CPU ${median(runs.map((r) => r.cpuMicros)).toFixed(1)} µs/req, errors ${runs.reduce((n, r) => n + r.errors, 0)}`,
    );
  }
})();
