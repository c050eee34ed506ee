// Benchmark servers: `node servers.js <bare|host|express|host-mw> [port]`. Prints the port.
'use strict';
const http = require('node:http');
const kind = process.argv[2];
// Exit through process.exit so --cpu-prof gets to write its profile.
process.on('SIGINT', () => process.exit(0));
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
} else if (kind === 'proxy') {
  // A minimal keep-alive reverse proxy on node:http, the yardstick for the gateway.
  const backend = Number(process.env.BACKEND_PORT);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const server = http.createServer((req, res) => {
    const upstream = http.request({ host: '127.0.0.1', port: backend, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  ready(server);
  server.listen(port, '127.0.0.1');
} else if (kind === 'hpm') {
  // http-proxy-middleware alone on node:http, no routing: what the gateway builds on.
  const { createProxyMiddleware } = require('http-proxy-middleware');
  const proxy = createProxyMiddleware({
    target: `http://127.0.0.1:${process.env.BACKEND_PORT}`,
    agent: new http.Agent({ keepAlive: true, maxSockets: 1024 }),
    ejectPlugins: true,
    plugins: [(proxyServer) => proxyServer.on('error', (error, req, res) => { res.writeHead(503); res.end(); })],
  });
  const server = http.createServer((req, res) => proxy(req, res));
  ready(server);
  server.listen(port, '127.0.0.1');
} else if (kind === 'gateway') {
  const { createGateway } = require('../dist/gateway');
  const gateway = createGateway({
    app: 'bench',
    routes: [
      { method: 'GET', path: '/hello/:name', service: 'hello' },
      { method: 'POST', path: '/hello/:name', service: 'hello' },
      { method: 'GET', path: '/bye', service: 'hello' },
      { method: 'GET', path: '/users/:id/posts/:post', service: 'hello' },
    ],
    discovery: { hello: `http://127.0.0.1:${process.env.BACKEND_PORT}` },
  });
  gateway.listen(port, '127.0.0.1').then((address) => process.stdout.write(`${address.port}\n`));
} else {
  const { Service, api } = require('../dist');
  const { createHost } = require('../dist/host');
  const service = new Service(process.env.SERVICE_NAME || 'hello', kind === 'host-mw' ? { middleware: [(req, res, next) => next()] } : {});
  const h1 = api({ expose: true, method: ['GET', 'POST'], path: '/hello/:name' }, async ({ name }) => ({ message: `Hello, ${name}!` }));
  const bye = api({ expose: true, method: 'GET', path: '/bye' }, async () => ({ ok: true }));
  const posts = api({ expose: true, method: 'GET', path: '/users/:id/posts/:post' }, async () => ({ ok: true }));
  const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
  const h2 = api({ method: 'POST', path: '/h2' }, async ({ name }) => ({ message: `Hello, ${name}!` }));
  const host = createHost({
    app: 'bench', process: 'hello', edge: true, secret: process.env.TOPO_SECRET,
    services: [{ service, endpoints: [{ name: 'h1', endpoint: h1, schema }, { name: 'h2', endpoint: h2, schema }, { name: 'bye', endpoint: bye }, { name: 'posts', endpoint: posts }] }],
  });
  host.listen(port, '127.0.0.1').then((address) => process.stdout.write(`${address.port}\n`));
}
