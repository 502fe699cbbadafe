import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeSnapshot,
  encodeSnapshot,
  loadSnapshot,
  writeSnapshot,
} from '../../../src-main/core/store/snapshot.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

describe('snapshots', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
  const dataDir = (): string => {
    const dir = makeTempDir();
    dirs.push(dir);
    return dir.path;
  };

  it('round-trips an image and keeps the previous one', () => {
    const dir = dataDir();
    writeSnapshot(dir, new Uint8Array([1, 2, 3]));
    writeSnapshot(dir, new Uint8Array([4, 5]));
    const loaded = loadSnapshot(dir);
    expect(loaded.source).toBe('current');
    expect([...loaded.bytes!]).toEqual([4, 5]);
    expect(existsSync(join(dir, 'store.prev.sqlite'))).toBe(true);
  });

  it('detects truncation and edits', () => {
    const encoded = encodeSnapshot(new Uint8Array(100).fill(7));
    expect(decodeSnapshot(encoded.subarray(0, 80))).toEqual({
      reason: expect.stringMatching(/truncated/),
    });
    const edited = Buffer.from(encoded);
    edited[edited.length - 1] = 0;
    expect(decodeSnapshot(edited)).toEqual({ reason: expect.stringMatching(/checksum mismatch/) });
    expect(
      decodeSnapshot(
        Buffer.from(
          'SQLite format 3\u0000 — a plain database file, not one written by Vigil, so no header',
        ),
      ),
    ).toEqual({
      reason: expect.stringMatching(/bad magic/),
    });
  });

  it('falls back to the previous good snapshot and moves the damaged one aside without deleting it', () => {
    const dir = dataDir();
    writeSnapshot(dir, new Uint8Array([1, 1, 1]));
    writeSnapshot(dir, new Uint8Array([2, 2, 2]));
    const current = join(dir, 'store.sqlite');
    const damaged = readFileSync(current).subarray(0, 30);
    writeFileSync(current, damaged);
    const loaded = loadSnapshot(dir, 42);
    expect(loaded.source).toBe('previous');
    expect([...loaded.bytes!]).toEqual([1, 1, 1]);
    expect(loaded.problems).toEqual([
      {
        path: current,
        movedTo: `${current}.damaged-42`,
        reason: expect.stringMatching(/truncated/),
      },
    ]);
    expect(readFileSync(`${current}.damaged-42`)).toEqual(damaged);
    // The next snapshot must not overwrite the previous good one with nothing.
    writeSnapshot(dir, new Uint8Array([3]));
    expect([...loadSnapshot(dir).bytes!]).toEqual([3]);
    expect(readdirSync(dir).sort()).toEqual(
      ['store.prev.sqlite', 'store.sqlite', 'store.sqlite.damaged-42'].sort(),
    );
  });
});
