'use strict';
const path = require('node:path');
const { buildMicroBundles } = require('../lib/demo');
const { expectJson, measureHttp } = require('../lib/load');
const { profileDir, startServer, withServers } = require('../lib/processes');
const report = require('../lib/report');
const { interleave, summarizeHttp } = require('../lib/rounds');

/**
 * gateway hop: the hello process of the micro layout behind the Topo gateway (runGateway
 * with the demo's public routes and TOPO_DISCOVERY), against a minimal keep-alive node:http
 * proxy in front of the same service process. The service alone is measured too, so the
 * cost of each hop shows.
 */

const PATH = '/hello/Ada';
const EXPECTED = { message: 'Hello, Ada!' };

async function runGatewayHop(options, log) {
  log('building the hello process and gateway bundles (analysis, schemas, esbuild) ...');
  const bundles = await buildMicroBundles(options.workspaceRoot, path.join(options.benchDir, '.cache'));
  const common = { cwd: options.workspaceRoot, verbose: options.verbose, profileDir: profileDir(options) };
  const labels = { gateway: 'topo gateway → hello', proxy: 'keep-alive node:http proxy → hello', direct: 'hello process, no hop' };
  const paths = { gateway: ['gateway', 'hello'], proxy: ['proxy', 'hello'], direct: ['hello'] };

  const samples = await withServers(async (track) => {
    // nx serve starts every process with --enable-source-maps; so does the bench.
    const service = await track(
      startServer({ ...common, name: 'hello', file: bundles.service, nodeArgs: ['--enable-source-maps'], env: { TOPO_SECRET: 'bench-secret-long-enough-for-topo-0123456789' } }),
    );
    const running = {
      gateway: await track(
        startServer({
          ...common,
          name: 'gateway',
          file: bundles.gateway,
          nodeArgs: ['--enable-source-maps'],
          env: { TOPO_DISCOVERY: JSON.stringify({ hello: service.url }) },
        }),
      ),
      proxy: await track(startServer({ ...common, name: 'proxy', file: path.join(options.benchDir, 'servers', 'keepalive-proxy.js'), env: { TARGET: service.url } })),
      direct: service,
    };
    for (const server of Object.values(running)) await expectJson(server.url, PATH, EXPECTED);
    return interleave(Object.keys(running), options, log, (key, round) => {
      log(`round ${round}/${options.rounds}: ${labels[key]}, GET ${PATH} (pid ${running[key].pid}) ...`);
      return measureHttp(running[key].url + PATH, options);
    });
  });

  const measurements = Object.fromEntries(Object.entries(samples).map(([key, s]) => [key, summarizeHttp(labels[key], s, paths[key])]));
  const { gateway, proxy } = measurements;
  return {
    name: 'gateway',
    title: 'gateway hop: topo gateway vs a minimal keep-alive proxy, same service process',
    load: report.describeLoad(`GET ${PATH}, ${options.connections} connections`, options),
    measurements,
    ratios: {},
    targets: [
      report.target('gateway / proxy req/s', gateway.requestsPerSec / proxy.requestsPerSec, '>=', 0.9),
      report.target('gateway p99 / proxy p99', gateway.latencyMs.p99 / proxy.latencyMs.p99, '<=', 1.2),
    ],
  };
}

function renderGatewayHop(result) {
  return [
    report.heading(result.title),
    `  load: ${result.load}`,
    '',
    report.httpTable('path of a request', result.measurements),
    '',
    report.targetTable(result.targets),
  ].join('\n');
}

module.exports = { run: runGatewayHop, render: renderGatewayHop };
