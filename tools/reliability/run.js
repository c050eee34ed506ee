'use strict';
// The reliability run: Topo's runtime attacked as an operator and an attacker would, on the
// built packages (npm run build:packages first). Prints what it found; docs/reliability.md
// says what each part means and holds the last figures.
//
//   node tools/reliability/run.js [--seconds=30] [--connections=100] [--only=5|6]
//
// 1. bad requests: every shape below, sent raw to the monolith, the gateway and a service's
//    own port; each answer classified (2xx, 4xx JSON, 4xx other, 5xx, no answer), and the
//    process checked alive after each;
// 2. load: --seconds at --connections on each (autocannon), errors and non-2xx counted;
// 3. SIGTERM under keep-alive load: requests reset (target 0);
// 4. SIGSTOP of a service: what the gateway answers, and when (TOPO_GATEWAY_TIMEOUT_MS=2000);
// 5. the supervisor of nx serve killed with -9: processes of the app left after 2 s (target 0);
// 6. kill -9 of a service under load behind the gateway, restarted by nx serve's supervisor:
//    how soon its callers get 503 (target < 1 s), errors on another service meanwhile
//    (target 0), and how soon it answers again (target < 2 s).
const { spawn } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const autocannon = require('autocannon');
const { freePort, startServer, stopAll } = require('../bench/lib/processes');

const ROOT = path.resolve(__dirname, '..', '..');
const APP = path.join(__dirname, 'app.js');
const SECRET = 'reliability-run-secret-0123456789abcdefghijklmnop';
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const SECONDS = Number(args.seconds ?? 30);
const CONNECTIONS = Number(args.connections ?? 100);

/** The bad requests: raw HTTP/1.1, `HOST` replaced by the target's host:port. */
const deep = (n) => `{"text":${'['.repeat(n)}${']'.repeat(n)}}`;
const post = (body, headers = '') => `POST /notes HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}Connection: close\r\n\r\n${body}`;
const get = (target, headers = '') => `GET ${target} HTTP/1.1\r\nHost: HOST\r\n${headers}Connection: close\r\n\r\n`;
const BAD = [
  ['malformed JSON', post('{"text": ')],
  ['JSON array body', post('[1,2]')],
  ['JSON string body', post('"text"')],
  ['JSON null body', post('null')],
  ['missing field', post('{}')],
  ['wrong type', post('{"text": 42}')],
  ['wrong item type', post('{"text": "a", "tags": [1]}')],
  ['prototype pollution', post('{"text": "a", "__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}')],
  ['JSON nested 3,000 deep', post(deep(3000))],
  ['body over the limit, declared', post(`{"text":"${'x'.repeat(100_000)}"}`)],
  ['body over the limit, chunked', `POST /notes HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${(100_000).toString(16)}\r\n${'x'.repeat(100_000)}\r\n0\r\n\r\n`],
  ['invalid chunk size', `POST /notes HTTP/1.1\r\nHost: HOST\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`],
  ['content-length and chunked (smuggling)', `POST /notes HTTP/1.1\r\nHost: HOST\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /internal/stats HTTP/1.1\r\nHost: HOST\r\n\r\n`],
  ['two content-lengths', `POST /notes HTTP/1.1\r\nHost: HOST\r\nContent-Length: 5\r\nContent-Length: 6\r\nConnection: close\r\n\r\n{"a":1}`],
  ['content-length larger than the body', `POST /notes HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\nContent-Length: 40\r\nConnection: close\r\n\r\n{"text":"a"}`],
  ['text/plain body', `POST /notes HTTP/1.1\r\nHost: HOST\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{"text":"a"}`],
  ['empty POST body', post('')],
  ['bad method', `FOO /notes HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n`],
  ['TRACE', `TRACE /notes HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n`],
  ['OPTIONS', `OPTIONS /notes HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n`],
  ['CONNECT', `CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n`],
  ['DELETE on a GET route', `DELETE /notes/1 HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n`],
  ['NUL in the URL', get('/notes/1\u0000x')],
  ['space in the URL', `GET /notes/1 x HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n`],
  ['bad percent-encoding', get('/notes/%E0%A4%A')],
  ['path traversal', get('/notes/../internal/stats')],
  ['encoded traversal', get('/notes/..%2Finternal%2Fstats')],
  ['absolute-form URL', get('http://evil.example/internal/stats')],
  ['very long URL', get(`/search?q=${'a'.repeat(100_000)}`)],
  ['huge header', get('/ping', `X-Big: ${'a'.repeat(100_000)}\r\n`)],
  ['header without a colon', get('/ping', 'NoColonHere\r\n')],
  ['LF-only line ends', 'GET /ping HTTP/1.1\nHost: HOST\nConnection: close\n\n'],
  ['HTTP/0.9 request line', 'GET /ping\r\n\r\n'],
  ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
  ['not HTTP at all', '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003'],
  ['id not an integer', get('/notes/abc')],
  ['id too large', get('/notes/99999999999999999999999999')],
  ['unknown id', get('/notes/123456')],
  ['missing query field', get('/search')],
  ['query field of the wrong type', get('/search?q=a&limit=many')],
  ['repeated query field', get('/search?q=a&q=b')],
  ['2,000 query parameters', get(`/search?q=a&${Array.from({ length: 2000 }, (_, i) => `p${i}=1`).join('&')}`)],
  ['unknown path', get('/nope')],
  ['private path from outside', get('/internal/stats')],
  ['forged internal-call headers', get('/internal/stats', 'X-Topo-Caller: billing\r\nX-Topo-Auth: 1700000000000.00\r\n')],
  ['internal call without a credential', `POST /__topo/call/notes/stats HTTP/1.1\r\nHost: HOST\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`],
  ['unknown /__topo path', get('/__topo/../../etc/passwd')],
  ['raw endpoint, odd query', get('/raw/echo?a[b][c]=1&a[__proto__]=x')],
];

/** Sends raw text, reads until the server closes or `ms` pass; resolves with what came back. */
function raw(port, text, ms = 5000) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let error;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ answer, error });
    };
    const timer = setTimeout(() => ((error = 'no answer in 5 s'), done()), ms);
    socket.setEncoding('latin1');
    socket.on('connect', () => socket.write(text.replace(/HOST/g, `127.0.0.1:${port}`)));
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', done);
    socket.on('error', (e) => ((error = e.code ?? e.message), done()));
  });
}

function classify({ answer, error }) {
  if (!answer) return { kind: 'no answer', detail: error ?? 'closed' };
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0);
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  let json;
  try {
    JSON.parse(body.split('\r\n').find((line) => line.startsWith('{')) ?? body);
    json = true;
  } catch {
    json = false;
  }
  const kind = status >= 500 ? '5xx' : status >= 400 ? (json ? '4xx JSON' : '4xx other') : status >= 200 ? '2xx/3xx' : 'no status';
  return { kind, detail: `${status}${json ? '' : ' (not JSON)'}` };
}

function health(port) {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: '/__topo/health', agent: false }, (res) => (res.resume(), resolve(res.statusCode === 200)))
      .on('error', () => resolve(false));
  });
}

async function badRequests(targets) {
  console.log(`\n1. Bad requests: ${BAD.length} shapes to each target`);
  const rows = [];
  for (const target of targets) {
    const tally = {};
    let crashes = 0;
    const notable = [];
    for (const [name, text] of BAD) {
      const { kind, detail } = classify(await raw(target.port, text));
      tally[kind] = (tally[kind] ?? 0) + 1;
      if (kind !== '4xx JSON') notable.push(`${name}: ${kind} ${detail}`);
      if (!(await health(target.port))) crashes++;
    }
    rows.push({ target: target.name, ...tally, crashes });
    for (const line of notable) console.log(`   ${target.name}: ${line}`);
  }
  console.table(rows);
}

async function load(targets) {
  console.log(`\n2. Load: ${SECONDS} s at ${CONNECTIONS} connections, GET /ping`);
  const rows = [];
  for (const target of targets) {
    const result = await autocannon({ url: `http://127.0.0.1:${target.port}/ping`, connections: CONNECTIONS, duration: SECONDS });
    rows.push({ target: target.name, 'req/s': Math.round(result.requests.average), requests: result.requests.total, errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx });
  }
  console.table(rows);
}

async function sigtermUnderLoad() {
  console.log('\n3. SIGTERM under keep-alive load (20 keep-alive clients on a service process)');
  const server = await startServer({ name: 'notes', file: APP, cwd: ROOT, env: { ROLE: 'service', TOPO_SECRET: SECRET } });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
  const outcome = { answered: 0, refused: 0, reset: 0 };
  let stopped = false;
  const once = () =>
    new Promise((resolve) => {
      http
        .get({ host: '127.0.0.1', port: server.port, path: '/ping', agent }, (res) => res.resume().on('end', () => (outcome.answered++, resolve())))
        .on('error', (e) => ((e.code === 'ECONNREFUSED' ? outcome.refused++ : outcome.reset++), resolve()));
    });
  const clients = Array.from({ length: 20 }, async () => {
    while (!stopped) await once();
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  process.kill(server.pid, 'SIGTERM');
  while (outcome.refused < 20) await once();
  stopped = true;
  await Promise.all(clients);
  agent.destroy();
  console.table([{ answered: outcome.answered, 'reset (target 0)': outcome.reset, 'refused after close': outcome.refused }]);
}

async function sigstop() {
  console.log('\n4. SIGSTOP of a service behind the gateway (TOPO_GATEWAY_TIMEOUT_MS=2000)');
  const service = await startServer({ name: 'notes', file: APP, cwd: ROOT, env: { ROLE: 'service', TOPO_SECRET: SECRET } });
  const gateway = await startServer({ name: 'gateway', file: APP, cwd: ROOT, env: { ROLE: 'gateway', TOPO_GATEWAY_TIMEOUT_MS: '2000', TOPO_DISCOVERY: JSON.stringify({ notes: `http://127.0.0.1:${service.port}` }) } });
  process.kill(service.pid, 'SIGSTOP');
  const started = Date.now();
  const { kind, detail } = classify(await raw(gateway.port, get('/ping'), 10_000));
  const ms = Date.now() - started;
  process.kill(service.pid, 'SIGCONT');
  console.table([{ answer: `${kind} ${detail}`, 'after ms': ms }]);
}

async function supervisorKilled() {
  console.log('\n5. The supervisor of nx serve killed with -9');
  const notes = await supervised('service', 0);
  const pid = notes.pid();
  notes.parent.kill('SIGKILL');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  let alive = true;
  try {
    process.kill(pid, 0);
  } catch {
    alive = false;
  }
  console.table([{ 'processes left after 2 s (target 0)': alive ? 1 : 0 }]);
  if (alive) process.kill(pid, 'SIGKILL');
}

/** Starts `role` of the app under nx serve's supervisor on `port`; resolves with the supervisor and a reader of the child's pid. */
async function supervised(role, port) {
  const supervisor = path.join(ROOT, 'packages', 'nx', 'dist', 'executors', 'serve', 'lib', 'supervisor.js');
  const script = `
    const { SupervisedProcess } = require(${JSON.stringify(supervisor)});
    const p = new SupervisedProcess({ name: '${role}', bundleFile: ${JSON.stringify(APP)}, cwd: ${JSON.stringify(ROOT)}, env: { ...process.env, ROLE: '${role}', PORT: '${port}', HOST: '127.0.0.1', TOPO_SECRET: '${SECRET}' } });
    p.start();
    setInterval(() => process.stdout.write('pid ' + p.pid + '\\n'), 50);
  `;
  const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  parent.stdout.on('data', (chunk) => (output += chunk));
  while (!/listening on/.test(output) || !/pid \d+/.test(output)) await new Promise((resolve) => setTimeout(resolve, 50));
  return { parent, pid: () => Number([...output.matchAll(/pid (\d+)/g)].pop()[1]) };
}


async function killedUnderLoad() {
  console.log('\n6. kill -9 of a service under load behind the gateway, restarted by the supervisor (20 clients on it, 20 on another service)');
  const port = await freePort();
  const notes = await supervised('service', port);
  const other = await startServer({ name: 'other', file: APP, cwd: ROOT, env: { ROLE: 'other', TOPO_SECRET: SECRET } });
  const gateway = await startServer({
    name: 'gateway',
    file: APP,
    cwd: ROOT,
    env: { ROLE: 'gateway', TOPO_DISCOVERY: JSON.stringify({ notes: `http://127.0.0.1:${port}`, other: `http://127.0.0.1:${other.port}` }) },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 40 });
  const seen = { killedAt: 0, first503: undefined, backAt: undefined, notesOk: 0, notes503: 0, notesOther: 0, otherOk: 0, otherErrors: 0 };
  let stopped = false;
  const once = (path) =>
    new Promise((resolve) => {
      http
        .get({ host: '127.0.0.1', port: gateway.port, path, agent }, (res) => res.resume().on('end', () => resolve(res.statusCode)))
        .on('error', (error) => resolve(error.code ?? 'error'));
    });
  const clients = (path, count, tally) =>
    Array.from({ length: count }, async () => {
      while (!stopped) tally(await once(path), Date.now());
    });
  const running = [
    ...clients('/ping', 20, (status, at) => {
      if (status === 200) {
        seen.notesOk++;
        if (seen.killedAt && seen.first503 !== undefined && seen.backAt === undefined) seen.backAt = at;
      } else if (status === 503) {
        seen.notes503++;
        if (seen.killedAt && seen.first503 === undefined) seen.first503 = at;
      } else seen.notesOther++;
    }),
    ...clients('/other/ping', 20, (status) => (status === 200 ? seen.otherOk++ : seen.otherErrors++)),
  ];
  await new Promise((resolve) => setTimeout(resolve, 1000));
  seen.killedAt = Date.now();
  process.kill(notes.pid(), 'SIGKILL');
  await new Promise((resolve) => setTimeout(resolve, 4000));
  stopped = true;
  await Promise.all(running);
  agent.destroy();
  notes.parent.kill('SIGTERM');
  const after = (at) => (at === undefined ? 'never' : at - seen.killedAt);
  console.table([
    {
      'first 503 after ms (target < 1000)': after(seen.first503),
      'answering again after ms (target < 2000)': after(seen.backAt),
      'notes 200 / 503 / other': `${seen.notesOk} / ${seen.notes503} / ${seen.notesOther}`,
      'other service: errors (target 0)': seen.otherErrors,
      'other service: answered': seen.otherOk,
    },
  ]);
}

(async () => {
  // The fault scenarios that need no shared servers run alone on request.
  const alone = { 5: supervisorKilled, 6: killedUnderLoad }[args.only];
  if (alone) return alone().then(stopAll);
  const service = await startServer({ name: 'notes', file: APP, cwd: ROOT, env: { ROLE: 'service', TOPO_SECRET: SECRET } });
  const mono = await startServer({ name: 'mono', file: APP, cwd: ROOT, env: { ROLE: 'mono', TOPO_SECRET: SECRET } });
  const gateway = await startServer({ name: 'gateway', file: APP, cwd: ROOT, env: { ROLE: 'gateway', TOPO_DISCOVERY: JSON.stringify({ notes: `http://127.0.0.1:${service.port}` }) } });
  const targets = [mono, gateway, { ...service, name: "service's own port" }];
  await badRequests(targets);
  await load(targets);
  await stopAll();
  await sigtermUnderLoad();
  await sigstop();
  await stopAll();
  await supervisorKilled();
  await killedUnderLoad();
  await stopAll();
})().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
