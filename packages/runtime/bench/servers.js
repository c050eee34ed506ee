// Benchmark servers: `node servers.js <bare|host|express|host-mw> [port]`. Prints the port.
'use strict';
const http = require('node:http');
const kind = process.argv[2];
const port = Number(process.argv[3] ?? 0);

function ready(server) {
  server.on('listening', () => process.stdout.write(`${server.address().port}\n`));
}

if (kind === 'bare') {
  // A bare node:http server with the same route, parsed by hand as simply as possible.
  const server = http.createServer((req, res) => {
    const url = req.url;
    if (req.method === 'GET' && url.startsWith('/hello/')) {
      const body = JSON.stringify({ message: `Hello, ${url.slice(7)}!` });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  ready(server);
  server.listen(port, '127.0.0.1');
} else if (kind === 'express') {
  const express = require('express');
  const app = express();
  app.get('/hello/:name', (req, res) => res.json({ message: `Hello, ${req.params.name}!` }));
  app.post('/hello/:name', (req, res) => res.json({ message: `Hello, ${req.params.name}!` }));
  app.get('/bye', (req, res) => res.json({ ok: true }));
  app.get('/users/:id/posts/:post', (req, res) => res.json({ ok: true }));
  ready(app.listen(port, '127.0.0.1'));
} else {
  const { Service, api } = require('../dist');
  const { createHost } = require('../dist/host');
  const service = new Service('hello', kind === 'host-mw' ? { middleware: [(req, res, next) => next()] } : {});
  const h1 = api({ expose: true, method: ['GET', 'POST'], path: '/hello/:name' }, async ({ name }) => ({ message: `Hello, ${name}!` }));
  const bye = api({ expose: true, method: 'GET', path: '/bye' }, async () => ({ ok: true }));
  const posts = api({ expose: true, method: 'GET', path: '/users/:id/posts/:post' }, async () => ({ ok: true }));
  const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
  const host = createHost({
    app: 'bench', process: 'hello', edge: true,
    services: [{ service, endpoints: [{ name: 'h1', endpoint: h1, schema }, { name: 'bye', endpoint: bye }, { name: 'posts', endpoint: posts }] }],
  });
  host.listen(port, '127.0.0.1').then((address) => process.stdout.write(`${address.port}\n`));
}
