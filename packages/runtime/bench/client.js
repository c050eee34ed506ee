// Awaited client calls per second: in-process (service hosted here) vs over loopback HTTP.
// `node client.js` — needs the built runtime (npx tsc -b packages/runtime/tsconfig.lib.json).
'use strict';
const { Service, api, client } = require('../dist');
const { createHost } = require('../dist/host');

const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
function hostFor(register) {
  const h2 = api({ method: 'POST', path: '/h2' }, async ({ name }) => ({ message: `Hello, ${name}!` }));
  return createHost({
    app: 'bench', process: 'yo', edge: false, secret: 'bench-secret', register,
    services: [{ service: new Service('yo'), endpoints: [{ name: 'h2', endpoint: h2, schema }] }],
  });
}

async function callsPerSecond(yo, seconds) {
  let calls = 0;
  const end = Date.now() + seconds * 1000;
  const req = { name: 'x' };
  while (Date.now() < end) {
    for (let i = 0; i < 1000; i++) await yo.h2(req);
    calls += 1000;
  }
  return calls / seconds;
}

async function callsPerSecondHttp(yo, seconds) {
  let calls = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await yo.h2({ name: 'x' });
    calls++;
  }
  return calls / seconds;
}

async function main() {
  const yo = client('yo');
  const local = hostFor(true);
  await callsPerSecond(yo, 1); // warm-up
  const inProcess = await callsPerSecond(yo, 3);
  await local.close();

  const remote = hostFor(false);
  const { port } = await remote.listen(0, '127.0.0.1');
  process.env.TOPO_SECRET = 'bench-secret';
  process.env.TOPO_DISCOVERY = JSON.stringify({ yo: `http://127.0.0.1:${port}` });
  await callsPerSecondHttp(yo, 1);
  const overHttp = await callsPerSecondHttp(yo, 3);
  await remote.close();
  require('node:http').globalAgent.destroy();

  console.log(`in-process: ${Math.round(inProcess).toLocaleString('en')} calls/s`);
  console.log(`over HTTP:  ${Math.round(overHttp).toLocaleString('en')} calls/s`);
  console.log(`ratio:      ${Math.round(inProcess / overHttp)}x`);
  process.exit(0);
}
main();
