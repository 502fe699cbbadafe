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
