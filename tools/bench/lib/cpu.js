'use strict';
const { readFileSync } = require('node:fs');

/**
 * How much CPU something other than the bench used during a measurement: the machine's busy
 * time (user, system, and time stolen by the hypervisor) minus that of the bench and its
 * servers. On a 2-core machine a neighbour using half a core changes the figures, so every
 * measurement carries this number. Linux only (/proc); elsewhere it is null.
 */

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux Node supports

function machineBusyTicks() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...: interrupt time is left out because
  // the bench's own loopback traffic is processed there, uncharged to any process.
  const [user, nice, system, , , , , steal] = fields;
  return user + nice + system + (steal ?? 0);
}

function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** A snapshot to pass to {@link foreignCpu} later; `pids` are the processes that are ours. */
function sampleCpu(pids) {
  try {
    const ours = new Map(pids.map((pid) => [pid, processTicks(pid)]));
    return { at: process.hrtime.bigint(), machine: machineBusyTicks(), ours };
  } catch {
    return null;
  }
}

/** Cores' worth of CPU used by others between two samples (0.25 = a quarter of one core). */
function foreignCpu(before) {
  if (before === null) return null;
  const after = sampleCpu([...before.ours.keys()]);
  if (after === null) return null;
  const seconds = Number(after.at - before.at) / 1e9;
  let ours = 0;
  for (const [pid, ticks] of before.ours) ours += after.ours.get(pid) - ticks;
  const foreign = (after.machine - before.machine - ours) / TICKS_PER_SECOND / seconds;
  return Math.max(0, Math.round(foreign * 100) / 100);
}

const QUIET_CORES = 0.1;
const QUIET_WINDOW_MS = 1000;

/**
 * Waits, at most `maxSeconds`, for a one-second window in which other processes use less
 * than a tenth of a core; the bench's own (idle) processes are `pids`. Resolves with the
 * other processes' CPU in the last window, so the caller can say how quiet it got.
 */
async function waitForQuiet(pids, maxSeconds, onWait) {
  const deadline = Date.now() + maxSeconds * 1000;
  let told = false;
  for (;;) {
    const before = sampleCpu(pids);
    if (before === null) return null;
    await new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));
    const foreign = foreignCpu(before);
    if (foreign < QUIET_CORES || Date.now() >= deadline) return foreign;
    if (!told) {
      told = true;
      onWait?.(foreign);
    }
  }
}

/** CPU seconds each of the sampled processes used since `before`: pid → seconds. */
function cpuSecondsByPid(before) {
  if (before === null) return new Map();
  return new Map([...before.ours].map(([pid, ticks]) => [pid, (processTicks(pid) - ticks) / TICKS_PER_SECOND]));
}

module.exports = { sampleCpu, foreignCpu, cpuSecondsByPid, waitForQuiet };
