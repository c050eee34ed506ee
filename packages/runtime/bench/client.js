// Awaited client calls per second, one caller: in-process (the service hosted here) vs over
// loopback HTTP to the same service in another process. `node bench/client.js`; needs the
// built runtime.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { Service, api, client } = require('../dist');
const { createHost } = require('../dist/host');

const SECRET = 'bench-secret';
const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };

async function callsPerSecond(call, seconds) {
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  for (;;) {
    await call();
    calls++;
    if ((calls & 15) === 0 && performance.now() >= end) break;
  }
  return calls / ((performance.now() - start) / 1000);
}

function startRemote() {
  const child = spawn(process.execPath, [path.join(__dirname, 'servers.js'), 'host', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SERVICE_NAME: 'yo', TOPO_SECRET: SECRET },
  });
  return new Promise((resolve) => child.stdout.once('data', (chunk) => resolve({ child, port: Number(String(chunk).trim()) })));
}

async function main() {
  const yo = client('yo');
  const call = () => yo.h2({ name: 'x' });
  const rounds = Number(process.argv[2] ?? 3);
  const remote = await startRemote();
  process.env.TOPO_SECRET = SECRET;
  process.env.TOPO_DISCOVERY = JSON.stringify({ yo: `http://127.0.0.1:${remote.port}` });
  const h2 = api({ method: 'POST', path: '/h2' }, async ({ name }) => ({ message: `Hello, ${name}!` }));
  const results = [];
  for (let round = 0; round < rounds; round++) {
    await callsPerSecond(call, 0.5);
    const overHttp = await callsPerSecond(call, 2);
    const local = createHost({ app: 'bench', process: 'yo', edge: false, secret: SECRET, register: true, services: [{ service: new Service('yo'), endpoints: [{ name: 'h2', endpoint: h2, schema }] }] });
    await callsPerSecond(call, 0.5);
    const inProcess = await callsPerSecond(call, 2);
    await local.close();
    results.push({ inProcess, overHttp, ratio: inProcess / overHttp });
    console.log(`in-process ${Math.round(inProcess).toLocaleString('en')} calls/s, over HTTP ${Math.round(overHttp).toLocaleString('en')} calls/s, ratio ${Math.round(inProcess / overHttp)}x`);
  }
  remote.child.kill();
  process.exit(0);
}
main();
