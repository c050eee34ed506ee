'use strict';
// Baseline: the demo's public GET routes as a hand-written express 5 app, with express's
// defaults (the bench asks GET /hello/Ada; the demo's POST /hello is left out).
const http = require('node:http');
const express = require('express');

const app = express();
app.get('/hello/:name', (req, res) => {
  res.json({ message: `Hello, ${req.params.name}!` });
});
app.get('/yo/:name', (req, res) => {
  res.json({ message: `Yo, ${req.params.name}!` });
});
app.get('/both/:name', (req, res) => {
  res.json({ message: `Yo, ${req.params.name}! Good day, ${req.params.name}.` });
});

const server = http.createServer(app);
server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', () => {
  process.stdout.write(`express listening on http://127.0.0.1:${server.address().port}\n`);
});
// Exit through process.exit so --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0));
