// What Linux says about another process (/proc/<pid>) and about a directory on disk, so the
// store's figures are read from outside, the same way whichever store is inside.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function procField(pid: number, file: 'status' | 'io', field: string): number {
  const text = readFileSync(`/proc/${pid}/${file}`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text);
  if (!match) throw new Error(`/proc/${pid}/${file} has no ${field} line (is this Linux?)`);
  return Number(match[1]);
}

/** Resident set size of the whole process, every thread included. */
export const readRssBytes = (pid: number): number => procField(pid, 'status', 'VmRSS') * 1024;

/**
 * Bytes the process caused to be sent to storage (page cache dirtied on a disk filesystem);
 * pipes and sockets do not count, so the console output and WebSocket pushes are left out.
 */
export const readWriteBytes = (pid: number): number => procField(pid, 'io', 'write_bytes');

/** Space the directory's files take on disk (allocated blocks, like `du`). */
export function directorySizeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? directorySizeBytes(path) : lstatSync(path).blocks * 512;
  }
  return total;
}

/** User + system CPU seconds in a /proc stat line (fields 14 and 15, after the command name). */
function cpuSecondsOf(statLine: string): number {
  // Clock ticks: 100 a second on every Linux a bench runs on (getconf CLK_TCK).
  const ticksPerSecond = 100;
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

export interface CpuReading {
  /** The whole process, threads that have ended included. */
  processSeconds: number;
  /** Each living thread, by thread id. */
  threads: Map<number, number>;
}

/** CPU seconds a process has used so far, in all and thread by thread. */
export function readCpuSeconds(pid: number): CpuReading {
  const threads = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      threads.set(Number(tid), cpuSecondsOf(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return { processSeconds: cpuSecondsOf(readFileSync(`/proc/${pid}/stat`, 'utf8')), threads };
}

export interface CpuUse {
  /** Every thread of the process, those that ended meanwhile included, in CPU seconds. */
  totalSeconds: number;
  /** The living threads, busiest first (for serve in a backfill: the engine, then the segment builder). */
  threadSeconds: number[];
}

/** CPU a process used since `before`: in all, and by each thread still living. */
export function cpuUseSince(pid: number, before: CpuReading): CpuUse {
  const now = readCpuSeconds(pid);
  const threadSeconds = [...now.threads]
    .map(([tid, seconds]) => seconds - (before.threads.get(tid) ?? 0))
    .sort((a, b) => b - a);
  return { totalSeconds: now.processSeconds - before.processSeconds, threadSeconds };
}
