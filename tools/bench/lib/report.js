'use strict';

/**
 * Printing: one table of measurements and one of targets per benchmark. Every figure a
 * target judges is a ratio of two measurements of the same run.
 */

/** A target: `value` compared to `goal` with `at least` (≥) or `at most` (≤). */
function target(name, value, comparison, goal) {
  const pass = Number.isFinite(value) && (comparison === '>=' ? value >= goal : value <= goal);
  return { name, value: round(value, 3), comparison, goal, pass };
}

function table(headers, rows, align) {
  const cells = [headers, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) =>
    '  ' +
    row
      .map((cell, i) => ((align?.[i] ?? (i === 0 ? 'left' : 'right')) === 'left' ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('   ')
      .trimEnd();
  return [line(cells[0]), '  ' + widths.map((w) => '-'.repeat(w)).join('   '), ...cells.slice(1).map(line)].join('\n');
}

function targetTable(targets) {
  return table(
    ['target', 'value', 'goal', 'result'],
    targets.map((t) => [t.name, formatRatio(t.value), `${t.comparison === '>=' ? '≥' : '≤'} ${t.goal}`, t.pass ? 'PASS' : 'MISS']),
  );
}

function formatCount(value) {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

function formatMs(value) {
  return Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : 'n/a';
}

function formatRatio(value) {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

/** Spread of a figure across rounds, as ±half the range in percent. */
function formatSpread(value) {
  return Number.isFinite(value) ? `±${((value * 100) / 2).toFixed(1)}%` : 'n/a';
}

/** CPU used by other processes during the worst round, in cores. */
function formatForeign(value) {
  return value === null || value === undefined ? 'n/a' : value.toFixed(2);
}

/** A note under a table when others used enough CPU to move the figures. */
function foreignNote(measurements) {
  const worst = Math.max(0, ...Object.values(measurements).map((m) => m.foreignCpu ?? 0));
  return worst >= 0.1
    ? `  warning: other processes used up to ${worst.toFixed(2)} cores during some rounds; on a busy machine the figures move`
    : undefined;
}

/**
 * The rows of HTTP contenders: req/s, its spread, latencies, the servers' CPU time per
 * request (every server process of the row's path: the gateway and the service behind it),
 * others' CPU.
 */
function httpTable(firstHeader, measurements) {
  const rows = Object.values(measurements).map((m) => [
    m.label,
    formatCount(m.requestsPerSec),
    formatSpread(m.spread),
    formatMs(m.latencyMs.p50),
    formatMs(m.latencyMs.p99),
    Number.isFinite(m.cpuMicrosPerRequest) ? m.cpuMicrosPerRequest.toFixed(1) : 'n/a',
    formatForeign(m.foreignCpu),
  ]);
  const warnings = Object.values(measurements).map((m) => failureNote(m.label, m));
  return [table([firstHeader, 'req/s', 'spread', 'p50 ms', 'p99 ms', 'server cpu µs/req', 'other cpu'], rows), ...warnings, foreignNote(measurements)]
    .filter(Boolean)
    .join('\n');
}

function round(value, digits) {
  if (!Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The load line under a benchmark's heading. */
function describeLoad(what, options) {
  return `${what}; ${options.duration} s measured after ${options.warmup} s warm-up, ${options.rounds} round(s) in turn, median shown`;
}

function heading(text) {
  return `\n${text}\n${'='.repeat(text.length)}`;
}

/** A warning line for measurements where some requests failed: their figures mean little. */
function failureNote(label, measurement) {
  if (measurement.ok) return undefined;
  const { errors, timeouts, non2xx } = measurement.failures;
  return `  warning: ${label}: ${errors} errors, ${timeouts} timeouts, ${non2xx} non-2xx answers during the measured run`;
}

module.exports = { target, table, targetTable, httpTable, formatCount, formatMs, formatRatio, formatSpread, formatForeign, foreignNote, round, heading, describeLoad, failureNote };
