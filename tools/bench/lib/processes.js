'use strict';
const { spawn } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const net = require('node:net');
const path = require('node:path');

/**
 * Servers under test, each in its own child process so it never shares an event loop with
 * the load generator. Every child started here is stopped by {@link stopAll}, and killed
 * outright if the bench exits any other way.
 */

const LISTENING = /listening on http:\/\/127\.0\.0\.1:(\d+)/;
const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

const live = new Set();

process.once('exit', () => {
  for (const server of live) server.child.kill('SIGKILL');
});

/** Variables a server must not inherit from the shell the bench runs in. */
const OWN_VARIABLES = ['PORT', 'HOST', 'TOPO_SECRET', 'TOPO_DISCOVERY', 'TARGET', 'NODE_OPTIONS'];

/**
 * Starts `node <file>` with HOST=127.0.0.1 and PORT=0 (plus `env`), and resolves once it
 * prints `listening on http://127.0.0.1:<port>`, as Topo processes and the baselines do.
 *
 * @param {{ name: string, file: string, env?: Record<string,string>, nodeArgs?: string[],
 *           cwd: string, verbose?: boolean, profileDir?: string }} options
 * @returns {Promise<{ name: string, url: string, port: number, pid: number, stop: () => Promise<void> }>}
 */
function startServer(options) {
  const env = { ...process.env };
  for (const name of OWN_VARIABLES) delete env[name];
  Object.assign(env, { HOST: '127.0.0.1', PORT: '0' }, options.env);
  const nodeArgs = [...(options.nodeArgs ?? [])];
  if (options.profileDir) {
    mkdirSync(options.profileDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${options.name}-${Date.now()}.cpuprofile`);
  }
  const child = spawn(process.execPath, [...nodeArgs, options.file], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { name: options.name, child, url: '', port: 0, pid: child.pid, stop: () => stopServer(server) };
  live.add(server);

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopServer(server).finally(() => reject(new Error(`${options.name}: ${message}`)));
    };
    const timer = setTimeout(() => fail(`did not print "listening on" within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    forwardLines(child.stderr, (line) => process.stderr.write(`  [${options.name}] ${line}\n`));
    forwardLines(child.stdout, (line) => {
      const match = settled ? null : LISTENING.exec(line);
      if (match) {
        settled = true;
        clearTimeout(timer);
        server.port = Number(match[1]);
        server.url = `http://127.0.0.1:${server.port}`;
        resolve(server);
      } else if (options.verbose) {
        process.stdout.write(`  [${options.name}] ${line}\n`);
      }
    });
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => {
      live.delete(server);
      fail(`exited (${signal ?? `code ${code}`}) before listening`);
    });
  });
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the child has exited. */
function stopServer(server) {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) {
    live.delete(server);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(killer);
      live.delete(server);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Stops every server still running. */
function stopAll() {
  return Promise.all([...live].map(stopServer));
}

/** Runs `body(track)`; every server passed to `track` is stopped afterwards, even on error. */
async function withServers(body) {
  const started = [];
  const track = async (starting) => {
    const server = await starting;
    started.push(server);
    return server;
  };
  try {
    return await body(track);
  } finally {
    // Last started, first stopped: a gateway goes before the service behind it.
    for (const server of started.reverse()) await server.stop();
  }
}

function forwardLines(stream, onLine) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop();
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
  });
}

/** The process ids of the servers running now. */
function livePids() {
  return [...live].map((server) => server.pid);
}

/** Name → pid of the servers running now. */
function liveServers() {
  return [...live].map((server) => ({ name: server.name, pid: server.pid }));
}

/** Where --profile writes the servers' CPU profiles. */
function profileDir(options) {
  return options.profile ? path.join(options.benchDir, 'profiles') : undefined;
}

/** A port the OS hands out now on 127.0.0.1, for a server that must be told its port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

module.exports = { startServer, stopAll, withServers, profileDir, livePids, liveServers, freePort };
