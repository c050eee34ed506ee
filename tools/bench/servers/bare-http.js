'use strict';
// Baseline: the demo's public GET routes on bare node:http, the least a server can do for them
// (the bench asks GET /hello/Ada; the demo's POST /hello is left out).
const http = require('node:http');

const ROUTES = [
  { prefix: '/hello/', greet: (name) => ({ message: `Hello, ${name}!` }) },
  { prefix: '/yo/', greet: (name) => ({ message: `Yo, ${name}!` }) },
  { prefix: '/both/', greet: (name) => ({ message: `Yo, ${name}! Good day, ${name}.` }) },
];

function send(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function handle(req, res) {
  const query = req.url.indexOf('?');
  const path = query === -1 ? req.url : req.url.slice(0, query);
  if (req.method === 'GET') {
    for (const route of ROUTES) {
      if (!path.startsWith(route.prefix)) continue;
      const raw = path.slice(route.prefix.length);
      if (raw === '' || raw.includes('/')) break;
      let name;
      try {
        name = decodeURIComponent(raw);
      } catch {
        return send(res, 400, { code: 'invalid_argument', message: 'malformed path' });
      }
      return send(res, 200, route.greet(name));
    }
  }
  send(res, 404, { code: 'not_found', message: `no endpoint for ${req.method} ${path}` });
}

const server = http.createServer(handle);
server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', () => {
  process.stdout.write(`node:http listening on http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
