'use strict';
/**
 * Where a server's time goes, from a CPU profile written by `run.js --profile` (or any
 * `node --cpu-prof`): self and total time per function, and self time per origin (Topo's
 * runtime, each package, Node's internals, GC, idle).
 *
 *   node tools/bench/profile-summary.js tools/bench/profiles/topo-*.cpuprofile [--top=25]
 */
const { readFileSync } = require('node:fs');
const path = require('node:path');

function summarize(file, top) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Self time per node from the samples and their time deltas (µs).
  const selfMicros = new Map();
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalMicros = [...selfMicros.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfMicros].filter(([id]) => byId.get(id).callFrame.functionName === '(idle)').reduce((a, [, v]) => a + v, 0);
  const busy = totalMicros - idle;

  const functions = new Map();
  const origins = new Map();
  const entry = (key, frame) => {
    if (!functions.has(key)) functions.set(key, { name: frame.functionName || '(anonymous)', where: where(frame), self: 0, total: 0 });
    return functions.get(key);
  };
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id).callFrame;
    if (frame.functionName === '(idle)') continue;
    entry(keyOf(frame), frame).self += micros;
    const origin = originOf(frame);
    origins.set(origin, (origins.get(origin) ?? 0) + micros);
    // Total time: count each function once per sample stack, however deep it recurses.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at).callFrame;
      const key = keyOf(f);
      if (seen.has(key) || f.functionName === '(root)') continue;
      seen.add(key);
      entry(key, f).total += micros;
    }
  }

  const pct = (micros) => `${((100 * micros) / busy).toFixed(1)}%`.padStart(6);
  const lines = [`${path.basename(file)}: ${(busy / 1e6).toFixed(1)} s busy of ${(totalMicros / 1e6).toFixed(1)} s profiled (percentages of busy time)`, '', 'self time by origin:'];
  for (const [origin, micros] of [...origins].sort((a, b) => b[1] - a[1])) lines.push(`  ${pct(micros)}  ${origin}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const f of [...functions.values()].sort((a, b) => b.self - a.self).slice(0, top)) lines.push(`  ${pct(f.self)} self ${pct(f.total)} total  ${f.name}  ${f.where}`);
  lines.push('', `top ${top} functions by total time (Topo's runtime and the demo only):`);
  const ours = [...functions.values()].filter((f) => /runtime\/dist|\.cache|packages\/demo|servers\//.test(f.where));
  for (const f of ours.sort((a, b) => b.total - a.total).slice(0, top)) lines.push(`  ${pct(f.total)} total ${pct(f.self)} self  ${f.name}  ${f.where}`);
  return lines.join('\n');
}

function keyOf(frame) {
  return `${frame.functionName}\0${frame.url}\0${frame.lineNumber}\0${frame.columnNumber}`;
}

function where(frame) {
  if (!frame.url) return '';
  const url = frame.url.replace(/^file:\/\//, '');
  const short = url.includes('node_modules/') ? url.slice(url.lastIndexOf('node_modules/') + 13) : url.replace(/^.*?\/(packages|tools)\//, '$1/');
  return `${short}:${frame.lineNumber + 1}`;
}

function originOf(frame) {
  const name = frame.functionName;
  if (name === '(garbage collector)' || name === '(program)') return name;
  const url = frame.url.replace(/^file:\/\//, '');
  if (url === '') return '(native: V8 builtins, C++)';
  // node:internal/http/server.js → node:internal/http; node:events stays as it is.
  if (url.startsWith('node:')) return `node ${url.startsWith('node:internal/') ? url.split('/').slice(0, 2).join('/').replace(/\.js$/, '') : url}`;
  if (url.includes('/runtime/dist/')) return `@topo/runtime: ${url.slice(url.indexOf('/runtime/dist/') + 14)}`;
  if (url.includes('node_modules/')) {
    const rest = url.slice(url.lastIndexOf('node_modules/') + 13).split('/');
    return `package ${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  if (url.includes('/.cache/')) return 'the bundle (demo code)';
  return url;
}

const args = process.argv.slice(2);
const topFlag = args.find((a) => a.startsWith('--top='));
const top = topFlag ? Number(topFlag.slice(6)) : 25;
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  process.stderr.write('usage: node tools/bench/profile-summary.js <file.cpuprofile>... [--top=25]\n');
  process.exit(2);
}
process.stdout.write(files.map((file) => summarize(file, top)).join('\n\n') + '\n');
