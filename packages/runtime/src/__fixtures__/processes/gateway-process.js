// A gateway as a generated entry would run it, on the built runtime. Routes the service
// process fixture's endpoints; TOPO_DISCOVERY says where it listens.
'use strict';
const { runGateway } = require('../../../dist/gateway');

runGateway({
  app: 'fixture',
  routes: [
    { method: 'GET', path: '/wait', service: 'slow' },
    { method: 'GET', path: '/ping', service: 'slow' },
  ],
});
