import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes `<dir>/<name>.cjs`, a server on `port` that itself starts a child process, as
 * `nx serve` of a Topo app does, and answers every request with both pids. With
 * `leavesChildBehind`, the child leaves the process group and ignores signals: the process
 * that Ctrl-C would leave behind. Used to prove the harness's own serve handling. Returns
 * the script's path.
 */
export function writeFakeServer(dir: string, name: string, port: number, leavesChildBehind: boolean): string {
  const childCode = leavesChildBehind
    ? `process.on('SIGINT', () => {}); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`
    : `setInterval(() => {}, 1000);`;
  const script = path.join(dir, `${name}.cjs`);
  fs.writeFileSync(
    script,
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
  return script;
}
