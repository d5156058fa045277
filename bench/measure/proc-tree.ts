/**
 * @module bench/measure/proc-tree
 * CPU time and memory of a process tree read from /proc: a system under test is its root
 * processes plus every descendant (Celery's prefork children, Chromium's renderers).
 *
 * CPU is utime+stime plus cutime+cstime summed over the live tree: a descendant that exits
 * moves its time into its parent's c-times, so the sum only grows and a delta between two
 * readings counts processes that came and went in between.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ): 100 on every Linux build Node runs on. */
const CLOCK_TICKS = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks. */
  ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
    return { pid, ppid: Number(fields[1]), ticks };
  } catch {
    return undefined; // exited between listing and reading
  }
}

function allProcesses(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== undefined);
}

/** The given pids (those still alive) and all their descendants. */
export function processTree(roots: readonly number[]): number[] {
  const processes = allProcesses();
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of processes) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const alive = new Set(processes.map((proc) => proc.pid));
  const found = new Set<number>();
  const queue = roots.filter((pid) => alive.has(pid));
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (found.has(pid)) continue;
    found.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return [...found];
}

/** Cumulative CPU seconds of the tree (see the module comment). */
export function treeCpuSeconds(roots: readonly number[]): number {
  return processTree(roots).reduce((sum, pid) => sum + (readStat(pid)?.ticks ?? 0), 0) / CLOCK_TICKS;
}

export interface TreeMemory {
  /** Sum of VmRSS: counts shared pages (Chromium's) once per process, so it overstates. */
  rssMb: number;
  /** Sum of Pss from smaps_rollup: shared pages split between sharers, so the sum is fair. */
  pssMb: number;
  processes: number;
}

function kbField(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** VmRSS of one process in kB; undefined once it has exited (or is a zombie, without memory). */
export function vmRssKb(pid: number): number | undefined {
  return kbField(readOr(`/proc/${pid}/status`), 'VmRSS');
}

export function treeMemory(roots: readonly number[]): TreeMemory {
  let rssKb = 0;
  let pssKb = 0;
  const pids = processTree(roots);
  for (const pid of pids) {
    const rss = vmRssKb(pid) ?? 0;
    rssKb += rss;
    // smaps_rollup needs ptrace access (same user or root); fall back to RSS without it.
    const rollup = readOr(`/proc/${pid}/smaps_rollup`);
    pssKb += rollup ? (kbField(rollup, 'Pss') ?? 0) : rss;
  }
  return { rssMb: rssKb / 1024, pssMb: pssKb / 1024, processes: pids.length };
}
