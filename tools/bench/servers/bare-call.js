'use strict';
// Baseline of a call between processes: what a hand-written RPC on bare node:http does for
// hello.h1. POST /__topo/call/hello/h1 with the JSON request as the body; the body is read,
// parsed, answered with the same JSON Topo's endpoint returns. No credential, no deadline,
// no validation: the least a call over HTTP can cost.
const http = require('node:http');

const CALL_PATH = '/__topo/call/hello/h1';

function send(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function handle(req, res) {
  if (req.method !== 'POST' || req.url !== CALL_PATH) return send(res, 404, { code: 'not_found', message: `no endpoint for ${req.method} ${req.url}` });
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let request;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { code: 'invalid_argument', message: 'malformed JSON body' });
    }
    send(res, 200, { message: `Hello, ${request.name}!` });
  });
}

const server = http.createServer(handle);
server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', () => {
  process.stdout.write(`bare call server listening on http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
