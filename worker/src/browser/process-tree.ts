/**
 * @module worker/browser/process-tree
 * Reads a process tree from /proc (Linux): the descendants of a pid and their summed resident
 * memory, so the browser pool can recycle a Chromium whose renderers and helpers grew too big.
 */
import { readdir, readFile } from 'node:fs/promises';

/** Direct children of `pid`, from /proc/<pid>/task/<tid>/children (needs CONFIG_PROC_CHILDREN). */
async function childrenFromTasks(pid: number): Promise<number[] | undefined> {
  let tasks: string[];
  try {
    tasks = await readdir(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const task of tasks) {
    try {
      const text = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8');
      for (const child of text.split(' ')) if (child.trim()) children.push(Number(child));
    } catch (error) {
      // ENOENT on an existing task: the kernel lacks CONFIG_PROC_CHILDREN; scan /proc instead.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && tasks.length > 0) return undefined;
    }
  }
  return children;
}

/** Parent pid of every process, from /proc/<pid>/stat (field 4, after the parenthesised name). */
async function parentsByScan(): Promise<Map<number, number[]>> {
  const byParent = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const siblings = byParent.get(ppid) ?? [];
      siblings.push(Number(entry));
      byParent.set(ppid, siblings);
    } catch {
      // The process exited while we read.
    }
  }
  return byParent;
}

/** `pid` and all its descendants (breadth first); empty when `pid` is gone. */
export async function processTree(pid: number): Promise<number[]> {
  const tree: number[] = [pid];
  let scanned: Map<number, number[]> | undefined;
  for (let i = 0; i < tree.length; i++) {
    const parent = tree[i]!;
    let children = scanned ? undefined : await childrenFromTasks(parent);
    if (children === undefined) {
      scanned ??= await parentsByScan();
      children = scanned.get(parent) ?? [];
    }
    tree.push(...children);
  }
  return tree;
}

/**
 * Resident memory of one process in bytes: its PSS from /proc/<pid>/smaps_rollup (shared pages
 * split between the processes sharing them), else VmRSS; 0 if it exited or is a zombie.
 */
export async function processMemoryBytes(pid: number): Promise<number> {
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = /^Pss:\s+(\d+)\s+kB/m.exec(rollup)?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // No smaps_rollup (kernel < 4.14, or not permitted): fall back to VmRSS.
  }
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Resident memory of `pid` and its descendants, in bytes, as summed PSS. Summed VmRSS would
 * count Chromium's shared pages (its binary, shared memory between browser and renderers) once
 * per process: measured on a 4-page headless-shell under load, ~1000 MiB summed VmRSS where the
 * whole tree's PSS was ~300-400 MiB, so a ceiling on VmRSS would recycle a healthy browser.
 */
export async function processTreeMemoryBytes(pid: number): Promise<number> {
  const sizes = await Promise.all((await processTree(pid)).map(processMemoryBytes));
  return sizes.reduce((sum, size) => sum + size, 0);
}
