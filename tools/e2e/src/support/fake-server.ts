import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Adds a project `name` whose `serve` target (a package.json script) starts a server on
 * `port` that itself starts a child process, as `nx serve` of a Topo app does. With
 * `leavesChildBehind`, the child leaves the process group and ignores signals: the process
 * that Ctrl-C would leave behind. Used to prove the harness's own serve handling.
 */
export function addFakeServerProject(root: string, name: string, port: number, leavesChildBehind: boolean): void {
  const dir = path.join(root, 'packages', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name, version: '0.0.0', private: true, scripts: { serve: 'node server.cjs' } }, null, 2),
  );
  const childCode = leavesChildBehind
    ? `process.on('SIGINT', () => {}); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`
    : `setInterval(() => {}, 1000);`;
  fs.writeFileSync(
    path.join(dir, 'server.cjs'),
    `const http = require('node:http');
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', ${JSON.stringify(childCode)}], {
  stdio: 'ignore',
  detached: ${leavesChildBehind},
});
http
  .createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ server: process.pid, child: child.pid }));
  })
  .listen(${port}, '127.0.0.1', () => console.log('listening on http://127.0.0.1:${port}'));
`,
  );
}
