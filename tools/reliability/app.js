'use strict';
// The app the reliability run attacks: one service, "notes", with typed endpoints (a JSON
// body, path and query parameters, a private one) and a raw one, run as a process of its own
// (ROLE=service), as the monolith (ROLE=mono), or as the gateway in front of the service
// (ROLE=gateway, TOPO_DISCOVERY naming it). Built runtime only, as a bundle would run it.
const path = require('node:path');
const runtime = path.join(__dirname, '..', '..', 'packages', 'runtime', 'dist');
const { Service, api, APIError, ErrCode } = require(runtime);
const { runProcess } = require(path.join(runtime, 'host'));
const { runGateway } = require(path.join(runtime, 'gateway'));

const notes = new Map();
const endpoints = [
  {
    name: 'add',
    endpoint: api({ expose: true, method: 'POST', path: '/notes', bodyLimit: 64 * 1024 }, async ({ text, tags }) => {
      const id = notes.size + 1;
      notes.set(id, { id, text, tags: tags ?? [] });
      return notes.get(id);
    }),
    schema: { type: 'object', properties: { text: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['text'] },
  },
  {
    name: 'get',
    endpoint: api({ expose: true, method: 'GET', path: '/notes/:id' }, async ({ id }) => {
      const note = notes.get(id);
      if (!note) throw new APIError(ErrCode.NotFound, `no note ${id}`);
      return note;
    }),
    schema: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
  },
  {
    name: 'search',
    endpoint: api({ expose: true, method: 'GET', path: '/search' }, async ({ q, limit }) => ({ q, limit: limit ?? 10, found: [...notes.values()].filter((n) => n.text.includes(q)).length })),
    schema: { type: 'object', properties: { q: { type: 'string' }, limit: { type: 'integer' } }, required: ['q'] },
  },
  { name: 'stats', endpoint: api({ method: 'GET', path: '/internal/stats' }, async () => ({ notes: notes.size })) },
  { name: 'echo', endpoint: api.raw({ expose: true, method: 'GET', path: '/raw/echo' }, (req, res) => res.json({ query: req.query })) },
  { name: 'ping', endpoint: api({ expose: true, method: 'GET', path: '/ping' }, async () => ({ pong: true })) },
];
const services = [{ service: new Service('notes'), endpoints }];
// A second service (ROLE=other), for what the others see while "notes" is down.
const others = [{ service: new Service('other'), endpoints: [{ name: 'ping', endpoint: api({ expose: true, method: 'GET', path: '/other/ping' }, async () => ({ pong: true })) }] }];

const role = process.env.ROLE;
if (role === 'gateway') {
  const withOther = 'other' in JSON.parse(process.env.TOPO_DISCOVERY ?? '{}');
  runGateway({
    app: 'reliability',
    // The public routes, as nx build generates them.
    routes: [
      { method: 'POST', path: '/notes', service: 'notes', bodyLimit: 64 * 1024 },
      { method: 'GET', path: '/notes/:id', service: 'notes', bodyLimit: 1024 * 1024 },
      { method: 'HEAD', path: '/notes/:id', service: 'notes', bodyLimit: 1024 * 1024 },
      { method: 'GET', path: '/search', service: 'notes', bodyLimit: 1024 * 1024 },
      { method: 'HEAD', path: '/search', service: 'notes', bodyLimit: 1024 * 1024 },
      { method: 'GET', path: '/raw/echo', service: 'notes' },
      { method: 'GET', path: '/ping', service: 'notes', bodyLimit: 1024 * 1024 },
      ...(withOther ? [{ method: 'GET', path: '/other/ping', service: 'other' }] : []),
    ],
  });
} else if (role === 'other') {
  runProcess({ app: 'reliability', process: 'other', edge: false, services: others });
} else {
  runProcess({ app: 'reliability', process: role === 'mono' ? 'mono' : 'notes', edge: role === 'mono', services });
}
