'use strict';
// Baseline of the gateway: a minimal reverse proxy to TARGET on a keep-alive agent, piping
// both ways. No routing table, no header policy beyond dropping hop-by-hop headers.
const http = require('node:http');

const target = new URL(process.env.TARGET);
const agent = new http.Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64 });
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'];

function withoutHopByHop(headers) {
  const copy = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}

const server = http.createServer((req, res) => {
  const upstream = http.request(
    { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: withoutHopByHop(req.headers), agent },
    (answer) => {
      res.writeHead(answer.statusCode, withoutHopByHop(answer.headers));
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end('{"code":"unavailable","message":"upstream unavailable"}');
  });
  req.pipe(upstream);
});
server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', () => {
  process.stdout.write(`proxy listening on http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
