import { readdirSync, readFileSync } from 'node:fs';

/**
 * Memory of a process and all its descendants, read from /proc (Linux). The chat service runs
 * under the `tsx` wrapper, which starts the real server as a child, so we sum the whole tree.
 */

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (2nd field) may contain spaces; fields after the closing paren are plain.
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(after[1]);
  } catch {
    return null;
  }
}

export function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(Number(entry));
    if (ppid !== null) parents.set(Number(entry), ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length && i < 10_000; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/** Resident set size in bytes of one process (0 when gone). */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function treeRss(root: number): number {
  return descendants(root).reduce((sum, pid) => sum + rssOf(pid), 0);
}

/** CPU time (user+system, seconds) used so far by a process tree. */
export function treeCpuSeconds(root: number): number {
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of descendants(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(after[11]) + Number(after[12])) / ticks;
    } catch {
      // the process exited meanwhile
    }
  }
  return total;
}
