// A model of a power cut, for tests of the store on real files. The kernel keeps written bytes in
// its page cache until they are fsync'd; a kill -9 loses none of them, a power cut loses all that
// were not fsync'd. Put in place of node:fs with vi.mock (see power-cut.test.ts), the functions
// below note each file's size at its last fsync; powerCut() then cuts every file written since
// back to that size. Renames and deletions are taken as durable: this models lost data, not
// lost directory entries.
import type * as Fs from 'node:fs';

/** Path → bytes of it that were fsync'd (or were there before it was first opened). */
const durableBytes = new Map<string, number>();
const pathsOfFds = new Map<number, string>();
const written = new Set<string>();

type TrackedFs = Pick<
  typeof Fs,
  'openSync' | 'closeSync' | 'writeSync' | 'fsyncSync' | 'renameSync' | 'truncateSync'
>;

/** node:fs's functions that write, wrapped to note what reached the disk. */
export function trackingFs(fs: typeof Fs): TrackedFs {
  const sizeOf = (path: string): number => (fs.existsSync(path) ? fs.statSync(path).size : 0);
  return {
    openSync: ((path: Fs.PathLike, flags?: Fs.OpenMode, mode?: Fs.Mode) => {
      const name = String(path);
      const truncates = typeof flags === 'string' && flags.startsWith('w');
      if (truncates) durableBytes.set(name, 0);
      else if (!durableBytes.has(name)) durableBytes.set(name, sizeOf(name));
      const fd = fs.openSync(path, flags ?? 'r', mode);
      pathsOfFds.set(fd, name);
      return fd;
    }) as typeof Fs.openSync,
    closeSync(fd) {
      pathsOfFds.delete(fd);
      fs.closeSync(fd);
    },
    writeSync: ((fd: number, ...rest: unknown[]) => {
      const path = pathsOfFds.get(fd);
      if (path !== undefined) written.add(path);
      return (fs.writeSync as (fd: number, ...args: unknown[]) => number)(fd, ...rest);
    }) as typeof Fs.writeSync,
    fsyncSync(fd) {
      fs.fsyncSync(fd);
      const path = pathsOfFds.get(fd);
      if (path !== undefined) durableBytes.set(path, fs.fstatSync(fd).size);
    },
    renameSync(from, to) {
      fs.renameSync(from, to);
      const [source, target] = [String(from), String(to)];
      const durable = durableBytes.get(source);
      durableBytes.delete(source);
      if (durable === undefined) durableBytes.delete(target);
      else durableBytes.set(target, durable);
      if (written.delete(source)) written.add(target);
    },
    truncateSync(path, length) {
      fs.truncateSync(path, length);
      const name = String(path);
      const durable = durableBytes.get(name);
      if (durable !== undefined) durableBytes.set(name, Math.min(durable, length ?? 0));
    },
  };
}

/**
 * The power goes out: every file written since its last fsync loses what was not fsync'd.
 * Returns the files cut, and how many bytes each lost. Tracking starts afresh after.
 */
export function powerCut(fs: typeof Fs): { path: string; lostBytes: number }[] {
  const cut: { path: string; lostBytes: number }[] = [];
  for (const path of written) {
    if (!fs.existsSync(path)) continue;
    const size = fs.statSync(path).size;
    const durable = durableBytes.get(path) ?? 0;
    if (size > durable) {
      fs.truncateSync(path, durable);
      cut.push({ path, lostBytes: size - durable });
    }
  }
  written.clear();
  durableBytes.clear();
  return cut;
}
