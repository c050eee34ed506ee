// A process whose service owns a database, as a generated entry would run it, on the built runtime.
// Env: TOPO_DATABASE_URL_ORDERS, FIXTURE_MIGRATIONS (the migrations folder), PORT, HOST.
'use strict';
const { Service, SQLDatabase, api } = require('../../../dist');
const { runProcess } = require('../../../dist/host');

const db = new SQLDatabase('orders', { migrations: process.env.FIXTURE_MIGRATIONS });
const items = api({ expose: true, method: 'GET', path: '/items' }, async () => db.queryAll`SELECT name FROM items ORDER BY name`);

runProcess({
  app: 'fixture',
  process: 'orders',
  edge: false,
  services: [{ service: new Service('orders'), endpoints: [{ name: 'items', endpoint: items }] }],
});
