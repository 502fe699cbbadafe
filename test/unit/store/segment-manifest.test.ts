// The chain segment manifest as a base plus a log of edits: what a seal writes does not grow with
// the number of segments listed (measured from the files' sizes), nor does the work of a listing
// (no sort of the whole list), what is saved reads back the same, even after a save that failed,
// and a torn edit, a compaction cut in half or a forged edit are read as they should be.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRecordMac } from '../../../src-main/core/integrity/index.ts';
import type { StoreIntegrity } from '../../../src-main/core/store/record-seal.ts';
import type { SegmentSummary } from '../../../src-main/core/store/segment-file.ts';
import {
  editLogPathOf,
  emptyManifest,
  openManifestWriter,
  readManifest,
  type ManifestWriter,
  type SegmentManifest,
} from '../../../src-main/core/store/segment-manifest.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

/** Array.prototype.sort as it is, for the spy that counts what is sorted to call. */
const realSort = Array.prototype.sort;

const chainId = 31337;
const contracts = ['a', 'b'].map((letter) => `${chainId}:0x${letter.repeat(40)}`);

/** A segment's summary as a seal lists it: counts per event, an hour of minutes. */
function summary(id: number): SegmentSummary {
  const fromBlock = id * 100;
  const recentMinutes: Record<string, number> = {};
  for (let minute = 0; minute < 60; minute++) recentMinutes[1_700_000_000 + minute * 60] = 50;
  return {
    id,
    file: `seg-${chainId}-${fromBlock}-${fromBlock + 99}-${id}.sqlite`,
    chainId,
    fromBlock,
    toBlock: fromBlock + 99,
    minTime: 1_700_000_000,
    maxTime: 1_700_003_600,
    recentMinutes,
    events: 3_000,
    removed: 0,
    counts: Object.fromEntries(
      contracts.flatMap((contract) =>
        ['Transfer', 'Approval', 'Rare'].map((name) => [`${contract} ${name}`, 1_000]),
      ),
    ),
    bytes: 9_000_000,
    sha256: 'ab'.repeat(32),
    bloomSha256: 'cd'.repeat(32),
    bloomBytes: 65_536,
  };
}

/** What a seal does to the manifest: one more segment, the cursors moved on. */
function sealed(manifest: SegmentManifest): SegmentManifest {
  const id = manifest.nextSegmentId;
  const through = id * 100 + 99;
  return {
    ...manifest,
    nextSegmentId: id + 1,
    segments: [...manifest.segments, summary(id)],
    lastSeal: { chainId, throughBlock: through, headGeneration: id + 1 },
    sealedCursors: {
      [chainId]: Object.fromEntries(contracts.map((contract) => [contract, through])),
    },
  };
}

describe('the segment manifest, a base and a log of edits', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
  /** In memory where there is such a folder: the bytes test saves (and fsyncs) thousands of times. */
  function freshPath(inMemory = false): string {
    const dir =
      inMemory && existsSync('/dev/shm') ? makeTempDir('vigil-test-', '/dev/shm') : makeTempDir();
    dirs.push(dir);
    return join(dir.path, 'manifest.json');
  }
  function open(path: string, integrity?: StoreIntegrity): ManifestWriter {
    const read = readManifest(path, { integrity });
    const state =
      'manifest' in read ? read : { manifest: emptyManifest(), editLogBytes: 0, edits: 0 };
    return openManifestWriter(path, state, integrity);
  }
  const reread = (path: string, integrity?: StoreIntegrity): SegmentManifest => {
    const read = readManifest(path, { integrity });
    if (!('manifest' in read)) throw new Error(`not read back: ${JSON.stringify(read)}`);
    return read.manifest;
  };

  /**
   * Seals `count` segments, one save each, and returns the bytes each save wrote, measured from
   * the files: the growth of the log, or the whole base and the new log when the base was
   * replaced (a new inode).
   */
  function sealMany(path: string, count: number): number[] {
    const writer = open(path);
    const size = (file: string): number => statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    const inode = (file: string): number => statSync(file, { throwIfNoEntry: false })?.ino ?? -1;
    let manifest = emptyManifest();
    const written: number[] = [];
    for (let i = 0; i < count; i++) {
      const [baseInode, logSize] = [inode(path), size(editLogPathOf(path))];
      const saved = writer.save(sealed(manifest));
      manifest = saved.manifest;
      const bytes =
        inode(path) === baseInode
          ? size(editLogPathOf(path)) - logSize
          : size(path) + size(editLogPathOf(path));
      expect(saved.bytesWritten).toBe(bytes);
      written.push(bytes);
    }
    writer.close();
    expect(reread(path).segments).toHaveLength(count);
    return written;
  }

  it('writes about the same bytes a seal at 300 listed segments as at 3,000', () => {
    const few = sealMany(freshPath(true), 300);
    const many = sealMany(freshPath(true), 3_000);
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    const summaryBytes = JSON.stringify(summary(1)).length;
    // A seal that only appends writes one edit, whatever is listed already.
    const appendOnly = (values: number[]): number => Math.min(...values.slice(50));
    expect(appendOnly(many)).toBeLessThan(summaryBytes * 1.5);
    expect(appendOnly(many)).toBeLessThanOrEqual(appendOnly(few) * 1.05);
    // Bases are rewritten as the log outgrows them, so on the whole each seal pays a few times
    // its own edit, not the whole list (3,000 segments are ~5 MB of summaries).
    expect(mean(many)).toBeLessThan(summaryBytes * 4);
    expect(mean(many)).toBeLessThan(mean(few) * 1.5);
    // Rewriting the whole manifest at every seal would have written this, on average:
    const wholeEachTime = (summaryBytes * (3_000 + 1)) / 2;
    expect(mean(many)).toBeLessThan(wholeEachTime / 100);
  });

  it('reads back what was saved, across compactions, with removals and merges', () => {
    const path = freshPath();
    let writer = open(path);
    let manifest = emptyManifest();
    for (let i = 0; i < 120; i++) {
      let next = sealed(manifest);
      if (i % 10 === 9) {
        // A merge: two segments out, a new one in (the list's order is the manifest's own).
        const [first, second] = next.segments;
        next = {
          ...next,
          nextSegmentId: next.nextSegmentId + 1,
          segments: [
            { ...summary(next.nextSegmentId), fromBlock: first!.fromBlock },
            ...next.segments.filter((s) => s.id !== first!.id && s.id !== second!.id),
          ],
        };
      }
      manifest = writer.save(next).manifest;
      expect(reread(path)).toEqual(manifest);
      // Reopened now and then, as a restart would.
      if (i % 37 === 0) {
        writer.close();
        writer = open(path);
      }
    }
    writer.close();
    expect(manifest.segments.map((s) => s.id)).toEqual(
      [...manifest.segments]
        .sort((a, b) => a.fromBlock - b.fromBlock || a.id - b.id)
        .map((s) => s.id),
    );
  });

  it('an edit torn by a crash is cut off, and the next save goes on from the one before', () => {
    const path = freshPath();
    const writer = open(path);
    let manifest = writer.save(sealed(emptyManifest())).manifest;
    manifest = writer.save(sealed(manifest)).manifest;
    const before = statSync(editLogPathOf(path)).size;
    writer.save(sealed(manifest));
    writer.close();
    // The third edit never finished: half of it reached the disk.
    truncateSync(
      editLogPathOf(path),
      before + Math.floor((statSync(editLogPathOf(path)).size - before) / 2),
    );
    expect(reread(path)).toEqual(manifest);
    const reopened = open(path);
    const next = reopened.save(sealed(manifest)).manifest;
    reopened.close();
    expect(reread(path)).toEqual(next);
    expect(next.segments).toHaveLength(3);
  });

  it('a bad edit with good ones after it is damage, not a torn tail; zeros at the end are a torn tail', () => {
    const path = freshPath();
    const writer = open(path);
    let manifest = emptyManifest();
    const sizes: number[] = [];
    for (let i = 0; i < 4; i++) {
      manifest = writer.save(sealed(manifest)).manifest;
      sizes.push(statSync(editLogPathOf(path)).size);
    }
    writer.close();
    const logPath = editLogPathOf(path);
    const good = readFileSync(logPath);
    // A write torn by a power cut: the file grew, its last blocks never written (zeros).
    writeFileSync(logPath, Buffer.concat([good, Buffer.alloc(3_000)]));
    expect(reread(path)).toEqual(manifest);
    expect(statSync(logPath).size).toBe(good.length);
    // A byte flipped inside the second edit (the first is inside the base): the later edits
    // are whole, so dropping them would unlist segments that exist.
    const damaged = Buffer.from(good);
    const inSecondEdit = sizes[1]! + 100;
    damaged[inSecondEdit] = damaged[inSecondEdit]! ^ 0x01;
    writeFileSync(logPath, damaged);
    expect(readManifest(path)).toMatchObject({
      damaged: expect.stringMatching(/edit 1 of .* fails its checksum/),
    });
    expect(readFileSync(logPath)).toEqual(damaged); // left as found, for whoever looks
  });

  it('a base past its first generation without its edit log is damaged, not a shorter list', () => {
    const path = freshPath(true);
    const writer = open(path);
    let manifest = emptyManifest();
    while ((manifest.editsGeneration ?? 0) < 2) manifest = writer.save(sealed(manifest)).manifest;
    manifest = writer.save(sealed(manifest)).manifest;
    writer.close();
    expect(reread(path)).toEqual(manifest);
    rmSync(editLogPathOf(path));
    expect(readManifest(path)).toMatchObject({ damaged: expect.stringMatching(/is missing/) });
  });

  it('a compaction cut between its new base and its new log reads the base alone', () => {
    const path = freshPath();
    const writer = open(path);
    let manifest = emptyManifest();
    let baseInode = -1;
    let oldLog: Buffer | undefined;
    for (let i = 0; i < 2_000 && !oldLog; i++) {
      const logBefore = readFileSync(editLogPathOf(path), { flag: 'a+' });
      manifest = writer.save(sealed(manifest)).manifest;
      const inode = statSync(path).ino;
      if (baseInode !== -1 && inode !== baseInode) oldLog = logBefore;
      baseInode = inode;
    }
    writer.close();
    expect(oldLog).toBeDefined();
    // The new base was renamed in, the old log (its edits inside the base) still in place.
    writeFileSync(editLogPathOf(path), oldLog!);
    expect(reread(path)).toEqual(manifest);
    const reopened = open(path);
    const next = reopened.save(sealed(manifest)).manifest;
    reopened.close();
    expect(reread(path)).toEqual(next);
  });

  it('an edit changed on disk fails its MAC and the manifest is not used', () => {
    const integrity: StoreIntegrity = { mac: createRecordMac(randomBytes(32)), adopting: false };
    const path = freshPath();
    const writer = open(path, integrity);
    let manifest = emptyManifest();
    for (let i = 0; i < 3; i++) manifest = writer.save(sealed(manifest)).manifest;
    writer.close();
    expect(reread(path, integrity)).toEqual(manifest);
    const logPath = editLogPathOf(path);
    // Someone without the key renumbers a segment in the last edit and writes the record again
    // with a right length and CRC: the record is whole, so only the MAC can tell.
    const log = readFileSync(logPath);
    let offset = 16; // magic and generation
    let last = offset;
    while (offset < log.length) {
      last = offset;
      offset += 8 + log.readUInt32LE(offset);
    }
    const record = JSON.parse(log.subarray(last + 8).toString('utf8')) as { body: string };
    const edit = JSON.parse(record.body) as { add: { id: number }[] };
    edit.add[0]!.id = 9;
    const payload = Buffer.from(JSON.stringify({ ...record, body: JSON.stringify(edit) }));
    const header = Buffer.alloc(8);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(crc32(payload), 4);
    writeFileSync(logPath, Buffer.concat([log.subarray(0, last), header, payload]));
    expect(readManifest(path, { integrity })).toMatchObject({
      damaged: expect.stringMatching(/MAC mismatch in edit 1/),
      forged: true,
    });
  });
  it('merges a stated edit into the list in manifest order, as comparing and sorting the whole would', () => {
    // Two chains whose segments are listed out of order: a later chain's before an earlier one's,
    // a segment listed after one with a higher id (its id is then below the next id saved), and
    // removals among them. One writer is told each change, the other compares the lists.
    const stated = freshPath();
    const compared = freshPath();
    const [told, diffed] = [open(stated), open(compared)];
    let manifest = emptyManifest();
    let saved = { told: emptyManifest(), diffed: emptyManifest() };
    const segment = (id: number, chain: number, fromBlock: number): SegmentSummary => ({
      ...summary(id),
      chainId: chain,
      fromBlock,
      toBlock: fromBlock + 9,
      file: `seg-${chain}-${fromBlock}-${id}.sqlite`,
    });
    let late: SegmentSummary | undefined;
    for (let step = 0; step < 60; step++) {
      const id = manifest.nextSegmentId;
      const add = [segment(id, step % 3 === 0 ? 2 : 1, 1_000 - step * 10)];
      if (step % 7 === 3) late = segment(id + 1, 1, 5_000 + step); // given its id now, listed later
      if (step % 7 === 5 && late) add.push(late);
      const remove = step % 11 === 10 ? [manifest.segments[2]!.id] : [];
      manifest = {
        ...manifest,
        nextSegmentId: id + (step % 7 === 3 ? 2 : 1),
        segments: [...manifest.segments.filter((s) => !remove.includes(s.id)), ...add],
      };
      saved = {
        told: told.save(manifest, { add, remove }).manifest,
        diffed: diffed.save(manifest).manifest,
      };
      expect(saved.told).toEqual(saved.diffed);
      manifest = saved.told;
    }
    told.close();
    diffed.close();
    const order = [...saved.told.segments].sort(
      (a, b) => a.chainId - b.chainId || a.fromBlock - b.fromBlock || a.id - b.id,
    );
    expect(saved.told.segments).toEqual(order);
    // Read back, the log's edits are replayed the general way (all at once, then sorted).
    expect(reread(stated).segments).toEqual(saved.told.segments);
    expect(reread(stated)).toEqual(reread(compared));
    expect(readFileSync(editLogPathOf(stated))).toEqual(readFileSync(editLogPathOf(compared)));
  });
  it('sorts only what a stated edit adds, also for a segment listed after one with a higher id', () => {
    const writer = open(freshPath());
    let manifest = emptyManifest();
    for (let i = 0; i < 200; i++) manifest = writer.save(sealed(manifest)).manifest;
    // Ids are handed out when a build starts and listed when it is written: 201 is listed first.
    const [early, late] = [summary(201), summary(202)];
    const sorted: number[] = [];
    const sort = vi.spyOn(Array.prototype, 'sort').mockImplementation(function (
      this: unknown[],
      compare?: (a: unknown, b: unknown) => number,
    ) {
      sorted.push(this.length);
      return realSort.call(this, compare);
    });
    try {
      for (const segment of [late, early]) {
        manifest = writer.save(
          { ...manifest, nextSegmentId: 203, segments: [...manifest.segments, segment] },
          { add: [segment], remove: [] },
        ).manifest;
      }
    } finally {
      sort.mockRestore();
    }
    writer.close();
    expect(Math.max(...sorted)).toBeLessThanOrEqual(1);
    expect(manifest.segments.map((segment) => segment.id).slice(-3)).toEqual([200, 201, 202]);
  });

  it('after a save that failed part-way, or given less than it holds, saves all it holds', () => {
    const path = freshPath();
    const writer = open(path);
    let manifest = emptyManifest();
    for (let i = 0; i < 5; i++) manifest = writer.save(sealed(manifest)).manifest;
    // A listing that removes one segment and adds another fails as its edit is written (a full
    // disk, say); the store still holds both changes when it lists the next segment.
    let failed = false;
    const added = {
      ...summary(6),
      toJSON(this: SegmentSummary) {
        if (!failed) {
          failed = true;
          throw new Error('no space left on device');
        }
        const { toJSON: _, ...plain } = this as SegmentSummary & { toJSON: unknown };
        return plain;
      },
    } as SegmentSummary;
    const removed = manifest.segments[0]!.id;
    const first = {
      ...manifest,
      nextSegmentId: 7,
      segments: [...manifest.segments.filter((s) => s.id !== removed), added],
    };
    expect(() => writer.save(first, { add: [added], remove: [removed] })).toThrow(/no space/);
    // As many segments as the saved list and the change would make: only the failure tells.
    const next = { ...first, nextSegmentId: 8, segments: [...first.segments, summary(7)] };
    const ids = (m: SegmentManifest): number[] => m.segments.map((segment) => segment.id);
    expect(ids(writer.save(next, { add: [summary(7)], remove: [] }).manifest)).toEqual([
      2, 3, 4, 5, 6, 7,
    ]);
    expect(ids(reread(path))).toEqual([2, 3, 4, 5, 6, 7]);
    // A change that leaves out what the list holds besides (its count tells).
    const more = {
      ...next,
      nextSegmentId: 10,
      segments: [...next.segments, summary(8), summary(9)],
    };
    const saved = writer.save(more, { add: [summary(9)], remove: [] }).manifest;
    writer.close();
    expect(ids(saved)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ids(reread(path))).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
