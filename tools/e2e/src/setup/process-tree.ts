import { execFileSync } from 'node:child_process';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  command: string;
}

/**
 * Every live process on the machine. Zombies are left out: they have exited, and whether
 * one lingers depends on the init process of the machine, not on the code under test.
 */
export function listProcesses(): ProcessInfo[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,pgid=,stat=,args='], { encoding: 'utf8' });
  const processes: ProcessInfo[] = [];
  for (const line of out.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!match || match[4].startsWith('Z')) continue;
    processes.push({ pid: Number(match[1]), ppid: Number(match[2]), pgid: Number(match[3]), command: match[5] });
  }
  return processes;
}

/**
 * The processes started, directly or not, by `rootPid`, plus every member of its process
 * group: a child that left the group (a new session, a pseudo-terminal) is still found
 * through its parent, and one whose parent is gone is still found through its group.
 */
export function processTree(rootPid: number, all: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const found = new Map<number, ProcessInfo>();
  for (const p of all) if (p.pid === rootPid || p.pgid === rootPid) found.set(p.pid, p);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.set(p.pid, p);
        grew = true;
      }
    }
  }
  return [...found.values()];
}

/** Which of the given processes still run (matched by pid and command, against pid reuse). */
export function stillRunning(processes: readonly ProcessInfo[], all: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const live = new Map(all.map((p) => [p.pid, p]));
  return processes.filter((p) => live.get(p.pid)?.command === p.command);
}

/** Polls until none of `processes` runs; returns those still running at the deadline. */
export async function waitUntilGone(processes: readonly ProcessInfo[], timeoutMs: number): Promise<ProcessInfo[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const remaining = stillRunning(processes);
    if (remaining.length === 0 || Date.now() >= deadline) return remaining;
    await sleep(100);
  }
}

/** SIGKILLs a process, its group and everything below it. For clean-up after a failure. */
export async function killProcessTree(rootPid: number): Promise<void> {
  const tree = processTree(rootPid);
  try {
    process.kill(-rootPid, 'SIGKILL');
  } catch {
    // The group is already gone, or the root was not a group leader.
  }
  for (const p of tree) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await waitUntilGone(tree, 5_000);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function describeProcesses(processes: readonly ProcessInfo[]): string {
  return processes.map((p) => `  pid ${p.pid} (parent ${p.ppid}, group ${p.pgid}): ${p.command}`).join('\n');
}
