// A service process as a generated entry would run it, on the built runtime.
// Env: PORT, HOST, TOPO_SECRET, TOPO_DISCOVERY, TOPO_SHUTDOWN_TIMEOUT_MS as in production.
'use strict';
const { Service, api } = require('../../../dist');
const { runProcess } = require('../../../dist/host');

const service = new Service('slow');
const wait = api({ expose: true, method: 'GET', path: '/wait' }, async ({ ms }) => {
  await new Promise((resolve) => setTimeout(resolve, Number(ms)));
  return { waited: Number(ms) };
});
const ping = api({ expose: true, method: 'GET', path: '/ping' }, async () => ({ pong: true }));
const careless = api({ expose: true, method: 'GET', path: '/careless' }, async () => {
  Promise.reject(new Error('nobody awaits me'));
  return { ok: true };
});

runProcess({
  app: 'fixture',
  process: 'slow',
  edge: false,
  services: [{ service, endpoints: [
    { name: 'wait', endpoint: wait },
    { name: 'ping', endpoint: ping },
    { name: 'careless', endpoint: careless },
  ] }],
}).then(() => {
  const expressLoaded = Object.keys(require.cache).some((file) => /[\\/]node_modules[\\/]express[\\/]/.test(file));
  process.stdout.write(`express loaded: ${expressLoaded}\n`);
});
