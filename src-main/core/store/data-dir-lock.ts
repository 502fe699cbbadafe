// One Vigil process per data directory: two writers would each keep their own in-memory copy
// and overwrite each other's snapshots. A lock left by a process that died is taken over.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from '../errors/index.ts';

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'vigil.lock');
  if (existsSync(lockPath)) {
    const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    if (Number.isSafeInteger(holder) && holder !== process.pid && processIsAlive(holder)) {
      throw new VigilError(
        'FORBIDDEN',
        `The data directory ${dataDir} is in use by another Vigil process (pid ${holder}). Stop it first, or choose another --data-dir.`,
        { details: { dataDir, pid: holder } },
      );
    }
  }
  writeFileSync(lockPath, String(process.pid));
  return () => rmSync(lockPath, { force: true });
}
