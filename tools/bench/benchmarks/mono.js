'use strict';
const path = require('node:path');
const { buildMonoBundle } = require('../lib/demo');
const { expectJson, measureHttp } = require('../lib/load');
const { profileDir, startServer, withServers } = require('../lib/processes');
const report = require('../lib/report');
const { interleave, summarizeHttp } = require('../lib/rounds');

/**
 * mono: the demo in the mono topology (the bundle `nx serve demo --topology=mono` runs)
 * against the same routes hand-written on express 5 and on bare node:http.
 */

const PATH = '/hello/Ada';
const EXPECTED = { message: 'Hello, Ada!' };

async function runMono(options, log) {
  log('building the demo bundle for the mono topology (analysis, schemas, esbuild) ...');
  const bundle = await buildMonoBundle(options.workspaceRoot, path.join(options.benchDir, '.cache'));
  const servers = path.join(options.benchDir, 'servers');
  const contenders = {
    // nx serve starts every process with --enable-source-maps; so does the bench.
    topo: { label: 'topo mono (nx serve bundle)', file: bundle, nodeArgs: ['--enable-source-maps'], env: { TOPO_SECRET: 'bench-secret-long-enough-for-topo-0123456789' } },
    express: { label: 'express 5', file: path.join(servers, 'express-app.js') },
    bare: { label: 'bare node:http', file: path.join(servers, 'bare-http.js') },
  };

  const samples = await withServers(async (track) => {
    const running = {};
    for (const [key, contender] of Object.entries(contenders)) {
      running[key] = await track(
        startServer({
          name: key,
          file: contender.file,
          nodeArgs: contender.nodeArgs,
          env: contender.env,
          cwd: options.workspaceRoot,
          verbose: options.verbose,
          profileDir: profileDir(options),
        }),
      );
      await expectJson(running[key].url, PATH, EXPECTED);
    }
    return interleave(Object.keys(contenders), options, log, (key, round) => {
      log(`round ${round}/${options.rounds}: ${contenders[key].label}, GET ${PATH} (pid ${running[key].pid}) ...`);
      return measureHttp(running[key].url + PATH, options);
    });
  });

  const measurements = Object.fromEntries(Object.entries(samples).map(([key, s]) => [key, summarizeHttp(contenders[key].label, s, [key])]));
  const { topo, express, bare } = measurements;
  return {
    name: 'mono',
    title: 'mono: the demo in one process vs express 5 vs bare node:http',
    load: report.describeLoad(`GET ${PATH}, ${options.connections} connections`, options),
    measurements,
    ratios: {
      p99TopoOverExpress: report.round(topo.latencyMs.p99 / express.latencyMs.p99, 3),
      p99TopoOverBare: report.round(topo.latencyMs.p99 / bare.latencyMs.p99, 3),
    },
    targets: [
      report.target('topo / express req/s', topo.requestsPerSec / express.requestsPerSec, '>=', 3),
      report.target('topo / bare node:http req/s', topo.requestsPerSec / bare.requestsPerSec, '>=', 0.5),
    ],
  };
}

function renderMono(result) {
  return [
    report.heading(result.title),
    `  load: ${result.load}`,
    '',
    report.httpTable('server', result.measurements),
    '',
    report.targetTable(result.targets),
  ].join('\n');
}

module.exports = { run: runMono, render: renderMono };
