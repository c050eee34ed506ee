'use strict';
const { randomBytes } = require('node:crypto');
const http = require('node:http');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { cpuSecondsByPid, foreignCpu, sampleCpu } = require('../lib/cpu');
const { buildInProcessModule, buildMicroBundles } = require('../lib/demo');
const { liveServers, profileDir, startServer, withServers } = require('../lib/processes');
const report = require('../lib/report');
const { interleave, median, summarizeCalls } = require('../lib/rounds');

/**
 * client call: `await hello.h1({ name })` through the demo's own client (client.ts), once
 * with hello hosted in the bench's process (registered by createHost as runProcess registers
 * it, so the client takes the in-process path) and once with hello in another process (the
 * hello process bundle), reached over loopback HTTP through TOPO_DISCOVERY with the
 * internal-call credential. The baseline of that HTTP call is the same call hand-written on
 * bare node:http (servers/bare-call.js): the JSON request POSTed on a keep-alive agent, parsed,
 * the same JSON answered and parsed, with no credential, deadline or validation. The same
 * baseline through global fetch (undici, the client Node ships) shows which of Node's two
 * HTTP clients is the faster here.
 */

const REQUEST_NAME = 'Ada';
const EXPECTED = { message: 'Hello, Ada!' };

async function runClientCall(options, log) {
  const cacheDir = path.join(options.benchDir, '.cache');
  log('building the hello process bundle and the in-process module (analysis, schemas, esbuild) ...');
  const { service: serviceBundle } = await buildMicroBundles(options.workspaceRoot, cacheDir);
  const moduleFile = await buildInProcessModule(options.workspaceRoot, cacheDir);
  const { createHost } = require(require.resolve('@topo/runtime/host', { paths: [options.workspaceRoot] }));
  const hello = require(moduleFile);
  const h1 = hello.endpoints.find((e) => e.name === 'h1').endpoint;
  const secret = randomBytes(32).toString('hex');
  const many = options.connections;

  const contenders = {
    httpSequential: { label: 'HTTP (other process), 1 caller', callers: 1, where: 'http' },
    inProcessSequential: { label: 'in-process, 1 caller', callers: 1, where: 'local' },
    httpConcurrent: { label: `HTTP (other process), ${many} callers`, callers: many, where: 'http' },
    inProcessConcurrent: { label: `in-process, ${many} callers`, callers: many, where: 'local' },
    directSequential: { label: 'endpoint as a plain function, 1 caller', callers: 1, where: 'direct' },
    bareSequential: { label: 'hand-written node:http call to bare node:http, 1 caller', callers: 1, where: 'bare' },
    bareConcurrent: { label: `hand-written node:http call to bare node:http, ${many} callers`, callers: many, where: 'bare' },
    fetchSequential: { label: 'the same through fetch (undici), 1 caller', callers: 1, where: 'fetch' },
    fetchConcurrent: { label: `the same through fetch (undici), ${many} callers`, callers: many, where: 'fetch' },
  };
  // Read once: the bundle's exports are getters, which a service importing its client never pays.
  const helloClient = hello.client;
  const callThroughClient = () => helloClient.h1({ name: REQUEST_NAME });
  const callDirectly = () => h1({ name: REQUEST_NAME });

  const saved = { TOPO_SECRET: process.env.TOPO_SECRET, TOPO_DISCOVERY: process.env.TOPO_DISCOVERY };
  let host;
  const hostHere = async (wanted) => {
    if (wanted && host === undefined) {
      host = createHost({ app: 'demo', process: 'bench', edge: false, services: [{ service: hello.service, endpoints: hello.endpoints }], secret, register: true });
      // The registered context has no discovery: a call that succeeds now took the in-process path.
      await expectResult(callThroughClient, 'in-process');
    } else if (!wanted && host !== undefined) {
      await host.close();
      host = undefined;
    }
  };

  let samples;
  try {
    samples = await withServers(async (track) => {
      const server = await track(
        startServer({
          name: 'hello',
          file: serviceBundle,
          nodeArgs: ['--enable-source-maps'],
          cwd: options.workspaceRoot,
          env: { TOPO_SECRET: secret },
          verbose: options.verbose,
          profileDir: profileDir(options),
        }),
      );
      const bare = await track(
        startServer({ name: 'bare', file: path.join(options.benchDir, 'servers', 'bare-call.js'), cwd: options.workspaceRoot, profileDir: profileDir(options) }),
      );
      const callBare = bareCall(`${bare.url}${BARE_CALL_PATH}`);
      const callFetch = fetchCall(`${bare.url}${BARE_CALL_PATH}`);
      await expectResult(callBare, `by hand to bare node:http at ${bare.url}`);
      await expectResult(callFetch, `through fetch to bare node:http at ${bare.url}`);
      const calls = { http: callThroughClient, local: callThroughClient, direct: callDirectly, bare: callBare, fetch: callFetch };
      // A script outside runProcess finds other services through the environment.
      process.env.TOPO_SECRET = secret;
      process.env.TOPO_DISCOVERY = JSON.stringify({ hello: server.url });
      await expectResult(callThroughClient, `over HTTP to ${server.url}`);
      return interleave(Object.keys(contenders), options, log, async (key, round) => {
        const contender = contenders[key];
        await hostHere(contender.where === 'local');
        log(`round ${round}/${options.rounds}: ${contender.label} ...`);
        return measureCalls(calls[contender.where], contender.callers, options, SERVER_OF[contender.where]);
      });
    });
  } finally {
    await hostHere(false);
    restoreEnv(saved);
  }

  const measurements = Object.fromEntries(
    Object.entries(samples).map(([key, s]) => [
      key,
      { ...summarizeCalls(contenders[key].label, s), callerCpuMicros: median(s.map((x) => x.callerCpuMicros)), serverCpuMicros: median(s.map((x) => x.serverCpuMicros)) },
    ]),
  );
  const m = measurements;
  return {
    name: 'client',
    title: 'client call: in-process vs loopback HTTP',
    load: report.describeLoad(`await hello.h1({ name: '${REQUEST_NAME}' }) in a loop per caller`, options),
    measurements,
    ratios: {
      concurrentInProcessOverHttp: report.round(m.inProcessConcurrent.callsPerSec / m.httpConcurrent.callsPerSec, 1),
      directOverInProcess: report.round(m.directSequential.callsPerSec / m.inProcessSequential.callsPerSec, 2),
      fetchOverBare: report.round(m.fetchSequential.callsPerSec / m.bareSequential.callsPerSec, 2),
      fetchOverBareConcurrent: report.round(m.fetchConcurrent.callsPerSec / m.bareConcurrent.callsPerSec, 2),
    },
    targets: [
      report.target('in-process / HTTP calls/s, 1 caller', m.inProcessSequential.callsPerSec / m.httpSequential.callsPerSec, '>=', 1000),
      report.target('Topo HTTP call / hand-written node:http call, 1 caller', m.httpSequential.callsPerSec / m.bareSequential.callsPerSec, '>=', 0.8),
      report.target(`Topo HTTP call / hand-written node:http call, ${many} callers`, m.httpConcurrent.callsPerSec / m.bareConcurrent.callsPerSec, '>=', 0.8),
    ],
  };
}

const BARE_CALL_PATH = '/__topo/call/hello/h1';

/**
 * The call written by hand on node:http: the request POSTed as JSON on a keep-alive agent,
 * the answer read and parsed. The least an HTTP call carrying the same JSON can cost.
 */
function bareCall(url) {
  const agent = new http.Agent({ keepAlive: true });
  const { hostname, port, pathname } = new URL(url);
  return () =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ name: REQUEST_NAME });
      const request = http.request(
        { hostname, port, path: pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (answer) => {
          const chunks = [];
          answer.on('data', (chunk) => chunks.push(chunk));
          answer.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
          answer.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}

/** The same call through global fetch, whose dispatcher is the undici Agent Node ships (a pool per origin). */
function fetchCall(url) {
  return async () => {
    const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: REQUEST_NAME }) });
    return answer.json();
  };
}

async function expectResult(call, how) {
  const result = await call();
  if (JSON.stringify(result) !== JSON.stringify(EXPECTED)) {
    throw new Error(`hello.h1 ${how} returned ${JSON.stringify(result)}, expected ${JSON.stringify(EXPECTED)}`);
  }
}

/** The server process each kind of call reaches, whose CPU per call is reported. */
const SERVER_OF = { http: 'hello', bare: 'bare', fetch: 'bare' };

/**
 * A warm-up, then `callers` loops each awaiting one call after another until the time is up;
 * with the CPU the caller (this process) and the called server spent per call, in µs.
 */
async function measureCalls(call, callers, options, serverName) {
  if (options.warmup > 0) await callLoops(call, callers, options.warmup);
  const servers = liveServers();
  const cpu = sampleCpu([process.pid, ...servers.map((s) => s.pid)]);
  const result = await callLoops(call, callers, options.duration);
  const seconds = cpuSecondsByPid(cpu);
  const server = servers.find((s) => s.name === serverName);
  const perCall = (pid) => (1e6 * (seconds.get(pid) ?? NaN)) / result.calls;
  return { ...result, foreignCpu: foreignCpu(cpu), callerCpuMicros: perCall(process.pid), serverCpuMicros: server ? perCall(server.pid) : NaN };
}

async function callLoops(call, callers, seconds) {
  const start = performance.now();
  const end = start + seconds * 1000;
  let calls = 0;
  // The clock is read every 16 calls: often enough to stop on time, rarely enough to cost nothing.
  const loop = async () => {
    let count = 0;
    for (;;) {
      await call();
      count++;
      if ((count & 15) === 0 && performance.now() >= end) break;
    }
    calls += count;
  };
  await Promise.all(Array.from({ length: callers }, loop));
  const elapsed = (performance.now() - start) / 1000;
  return { callsPerSec: calls / elapsed, calls, seconds: elapsed, callers };
}

function restoreEnv(saved) {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

function formatMicros(value) {
  return Number.isFinite(value) ? value.toFixed(1) : '';
}

function renderClientCall(result) {
  const m = result.measurements;
  const rows = [
    m.inProcessSequential,
    m.httpSequential,
    m.bareSequential,
    m.fetchSequential,
    m.inProcessConcurrent,
    m.httpConcurrent,
    m.bareConcurrent,
    m.fetchConcurrent,
    m.directSequential,
  ].map((x) => [
    x.label,
    report.formatCount(x.callsPerSec),
    report.formatSpread(x.spread),
    x.microsPerCall < 10 ? x.microsPerCall.toFixed(2) : Math.round(x.microsPerCall).toLocaleString('en-US'),
    formatMicros(x.callerCpuMicros),
    formatMicros(x.serverCpuMicros),
    report.formatForeign(x.foreignCpu),
  ]);
  return [
    report.heading(result.title),
    `  load: ${result.load}`,
    '',
    report.table(['awaited call', 'calls/s', 'spread', 'µs per call', 'caller cpu µs', 'server cpu µs', 'other cpu'], rows),
    report.foreignNote(m),
    '',
    `  in-process / HTTP, ${m.httpConcurrent.callers} callers each: ${report.formatRatio(result.ratios.concurrentInProcessOverHttp)}× (no target)`,
    `  plain function / in-process client call: ${report.formatRatio(result.ratios.directOverInProcess)}× (what the client adds: copies, validation)`,
    `  fetch (undici) / hand-written node:http call: ${report.formatRatio(result.ratios.fetchOverBare)}× with 1 caller, ${report.formatRatio(result.ratios.fetchOverBareConcurrent)}× with ${m.bareConcurrent.callers}`,
    '',
    report.targetTable(result.targets),
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

module.exports = { run: runClientCall, render: renderClientCall };
