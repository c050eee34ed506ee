'use strict';
const { randomBytes } = require('node:crypto');
const http = require('node:http');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { foreignCpu, sampleCpu } = require('../lib/cpu');
const { buildInProcessModule, buildMicroBundles } = require('../lib/demo');
const { livePids, profileDir, startServer, withServers } = require('../lib/processes');
const report = require('../lib/report');
const { interleave, summarizeCalls } = require('../lib/rounds');

/**
 * client call: `await hello.h1({ name })` through the demo's own client (client.ts), once
 * with hello hosted in the bench's process (registered by createHost as runProcess registers
 * it, so the client takes the in-process path) and once with hello in another process (the
 * hello process bundle), reached over loopback HTTP through TOPO_DISCOVERY with the
 * internal-call credential. A plain node:http request loop against a bare server shows
 * what a loopback round trip costs on this machine without Topo.
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
    bareSequential: { label: 'plain node:http GET to bare node:http, 1 caller', callers: 1, where: 'bare' },
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
        startServer({ name: 'bare', file: path.join(options.benchDir, 'servers', 'bare-http.js'), cwd: options.workspaceRoot, profileDir: profileDir(options) }),
      );
      const callBare = bareCall(`${bare.url}/hello/${REQUEST_NAME}`);
      await expectResult(callBare, `to bare node:http at ${bare.url}`);
      const calls = { http: callThroughClient, local: callThroughClient, direct: callDirectly, bare: callBare };
      // A script outside runProcess finds other services through the environment.
      process.env.TOPO_SECRET = secret;
      process.env.TOPO_DISCOVERY = JSON.stringify({ hello: server.url });
      await expectResult(callThroughClient, `over HTTP to ${server.url}`);
      return interleave(Object.keys(contenders), options, log, async (key, round) => {
        const contender = contenders[key];
        await hostHere(contender.where === 'local');
        log(`round ${round}/${options.rounds}: ${contender.label} ...`);
        return measureCalls(calls[contender.where], contender.callers, options);
      });
    });
  } finally {
    await hostHere(false);
    restoreEnv(saved);
  }

  const measurements = Object.fromEntries(Object.entries(samples).map(([key, s]) => [key, summarizeCalls(contenders[key].label, s)]));
  const m = measurements;
  return {
    name: 'client',
    title: 'client call: in-process vs loopback HTTP',
    load: report.describeLoad(`await hello.h1({ name: '${REQUEST_NAME}' }) in a loop per caller`, options),
    measurements,
    ratios: {
      concurrentInProcessOverHttp: report.round(m.inProcessConcurrent.callsPerSec / m.httpConcurrent.callsPerSec, 1),
      directOverInProcess: report.round(m.directSequential.callsPerSec / m.inProcessSequential.callsPerSec, 2),
      bareOverHttp: report.round(m.bareSequential.callsPerSec / m.httpSequential.callsPerSec, 2),
    },
    targets: [report.target('in-process / HTTP calls/s, 1 caller', m.inProcessSequential.callsPerSec / m.httpSequential.callsPerSec, '>=', 1000)],
  };
}

/** GET with a keep-alive agent, the answer read and parsed: the least an HTTP call can cost. */
function bareCall(url) {
  const agent = new http.Agent({ keepAlive: true });
  const { hostname, port, pathname } = new URL(url);
  return () =>
    new Promise((resolve, reject) => {
      const request = http.request({ hostname, port, path: pathname, agent }, (answer) => {
        const chunks = [];
        answer.on('data', (chunk) => chunks.push(chunk));
        answer.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        answer.on('error', reject);
      });
      request.on('error', reject);
      request.end();
    });
}

async function expectResult(call, how) {
  const result = await call();
  if (JSON.stringify(result) !== JSON.stringify(EXPECTED)) {
    throw new Error(`hello.h1 ${how} returned ${JSON.stringify(result)}, expected ${JSON.stringify(EXPECTED)}`);
  }
}

/** A warm-up, then `callers` loops each awaiting one call after another until the time is up. */
async function measureCalls(call, callers, options) {
  if (options.warmup > 0) await callLoops(call, callers, options.warmup);
  const cpu = sampleCpu([process.pid, ...livePids()]);
  const result = await callLoops(call, callers, options.duration);
  return { ...result, foreignCpu: foreignCpu(cpu) };
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

function renderClientCall(result) {
  const m = result.measurements;
  const rows = [m.inProcessSequential, m.httpSequential, m.inProcessConcurrent, m.httpConcurrent, m.directSequential, m.bareSequential].map((x) => [
    x.label,
    report.formatCount(x.callsPerSec),
    report.formatSpread(x.spread),
    x.microsPerCall < 10 ? x.microsPerCall.toFixed(2) : Math.round(x.microsPerCall).toLocaleString('en-US'),
    report.formatForeign(x.foreignCpu),
  ]);
  return [
    report.heading(result.title),
    `  load: ${result.load}`,
    '',
    report.table(['awaited call', 'calls/s', 'spread', 'µs per call', 'other cpu'], rows),
    report.foreignNote(m),
    '',
    `  in-process / HTTP, ${m.httpConcurrent.callers} callers each: ${report.formatRatio(result.ratios.concurrentInProcessOverHttp)}× (no target)`,
    `  plain function / in-process client call: ${report.formatRatio(result.ratios.directOverInProcess)}× (what the client adds: copies, validation)`,
    `  plain node:http GET / Topo HTTP call: ${report.formatRatio(result.ratios.bareOverHttp)}× (what Topo adds to a loopback round trip)`,
    '',
    report.targetTable(result.targets),
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

module.exports = { run: runClientCall, render: renderClientCall };
