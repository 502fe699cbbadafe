// The journal with the data directory's key, byte for byte: each line sealed with its MAC (an
// HMAC-SHA256 computed here from record-mac.ts's description, not with Vigil's signer), a line
// failing it quarantined with every line after it, a directory from before MACs adopted once and
// sealed, and a journal started over after a quarantine.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecordMac } from '../../../src-main/core/integrity/index.ts';
import { openJournal } from '../../../src-main/core/store/journal.ts';
import type { StoreIntegrity } from '../../../src-main/core/store/record-seal.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const key = randomBytes(32);
const sealed: StoreIntegrity = { mac: createRecordMac(key), adopting: false };
const adopting: StoreIntegrity = { mac: createRecordMac(key), adopting: true };

/** A sealed line: HMAC-SHA256 under the key over "vigil:journal\n" and the JSON, a space, it. */
const macLine = (json: string): string =>
  `${createHmac('sha256', key).update(`vigil:journal\n${json}`).digest('hex')} ${json}\n`;
/** A line from before MACs: 16 hex digits of SHA-256 over the JSON. */
const checksumLine = (json: string): string =>
  `${createHash('sha256').update(json).digest('hex').slice(0, 16)} ${json}\n`;
const entryJson = (seq: number): string => `{"seq":${seq},"at":${seq * 10},"command":{"n":${seq}}}`;
const compactionJson = (seq: number): string => `{"compactedThrough":${seq}}`;

describe('operator journal sealed with the data directory key', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
  const journalPath = (): string => {
    const dir = makeTempDir();
    dirs.push(dir);
    return join(dir.path, 'journal.ndjson');
  };
  const seqs = (entries: readonly { seq: number }[]): number[] => entries.map((e) => e.seq);

  it('seals each line with its MAC, and reads the lines back under the same key', () => {
    const path = journalPath();
    const { journal } = openJournal<{ n: number }>(path, sealed);
    for (const n of [1, 2]) journal.append({ n }, n * 10);
    journal.close();
    expect(readFileSync(path, 'utf8')).toBe(macLine(entryJson(1)) + macLine(entryJson(2)));
    const reopened = openJournal<{ n: number }>(path, sealed, 1);
    expect(reopened.quarantined).toBeUndefined();
    expect(seqs(reopened.journal.entries)).toEqual([1, 2]);
    reopened.journal.close();
  });

  it('quarantines a line failing its MAC and every line after it: copied aside, cut, not replayed', () => {
    const path = journalPath();
    const found =
      macLine(compactionJson(2)) +
      macLine(entryJson(3)) +
      macLine(entryJson(4)).replace('"n":4', '"n":9') +
      macLine(entryJson(5)) +
      macLine(entryJson(6));
    writeFileSync(path, found);
    const { journal, quarantined, droppedTornTailBytes } = openJournal<{ n: number }>(
      path,
      sealed,
      1234,
    );
    const copy = join(dirname(path), 'quarantine-1234', 'journal.ndjson');
    expect(quarantined).toEqual({
      record: 'journal',
      path,
      message: `Journal line 3 (entry 4) fails its MAC: it was written or edited outside Vigil. It was not replayed, nor the 2 line(s) after it; the journal as found is kept in ${copy}.`,
      quarantinedTo: copy,
      fromSeq: 4,
      lines: 3,
    });
    expect(readFileSync(copy, 'utf8')).toBe(found);
    expect(readFileSync(path, 'utf8')).toBe(macLine(compactionJson(2)) + macLine(entryJson(3)));
    expect(droppedTornTailBytes).toBe(0);
    expect([seqs(journal.entries), journal.lastSeq, journal.compactedThrough]).toEqual([[3], 3, 2]);
    // The journal goes on after the last good line.
    expect(journal.append({ n: 4 }, 40).seq).toBe(4);
    journal.close();
    expect(readFileSync(path, 'utf8')).toBe(
      macLine(compactionJson(2)) + macLine(entryJson(3)) + macLine(entryJson(4)),
    );
  });

  it('quarantines a forged last line alone, after a compaction line, even with a torn tail', () => {
    const path = journalPath();
    writeFileSync(path, macLine(compactionJson(7)) + checksumLine(entryJson(8)) + 'abc {"seq":9');
    const { journal, quarantined, droppedTornTailBytes } = openJournal<{ n: number }>(
      path,
      sealed,
      5,
    );
    expect(quarantined).toMatchObject({
      message: expect.stringMatching(
        /^Journal line 2 \(entry 8\) fails its MAC: it was written or edited outside Vigil\. It was not replayed; the journal/,
      ),
      fromSeq: 8,
      lines: 1,
    });
    expect(droppedTornTailBytes).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(macLine(compactionJson(7)));
    expect([journal.entries.length, journal.lastSeq]).toEqual([0, 7]);
    journal.close();
  });

  it('takes a line sealed under another key, or a plain checksum, for a forgery', () => {
    const other: StoreIntegrity = { mac: createRecordMac(randomBytes(32)), adopting: false };
    for (const first of [checksumLine(entryJson(1)), macLine(entryJson(1))]) {
      const path = journalPath();
      writeFileSync(path, first + macLine(entryJson(2)));
      const integrity = first.indexOf(' ') === 16 ? sealed : other;
      const { journal, quarantined } = openJournal<{ n: number }>(path, integrity, 1);
      expect([quarantined?.fromSeq, quarantined?.lines, journal.entries.length]).toEqual([1, 2, 0]);
      expect(readFileSync(path, 'utf8')).toBe('');
      journal.close();
    }
  });

  it('without a key, a line sealed with a MAC fails like a torn write', () => {
    const path = journalPath();
    writeFileSync(path, checksumLine(entryJson(1)) + macLine(entryJson(2)));
    const { journal, droppedTornTailBytes, quarantined } = openJournal<{ n: number }>(path);
    expect(quarantined).toBeUndefined();
    expect(droppedTornTailBytes).toBe(Buffer.byteLength(macLine(entryJson(2))));
    expect(seqs(journal.entries)).toEqual([1]);
    journal.close();
    writeFileSync(path, macLine(entryJson(1)) + checksumLine(entryJson(2)));
    expect(() => openJournal(path)).toThrow(/damaged at line 1: the line fails its checksum/);
  });

  it('adopts a journal from before MACs once, then seals every line, the compaction line too', () => {
    const path = journalPath();
    writeFileSync(
      path,
      checksumLine(compactionJson(1)) + checksumLine(entryJson(2)) + checksumLine(entryJson(3)),
    );
    const { journal, quarantined } = openJournal<{ n: number }>(path, adopting, 1);
    expect(quarantined).toBeUndefined();
    expect([seqs(journal.entries), journal.compactedThrough]).toEqual([[2, 3], 1]);
    journal.sealAll();
    journal.close();
    const resealed = macLine(compactionJson(1)) + macLine(entryJson(2)) + macLine(entryJson(3));
    expect(readFileSync(path, 'utf8')).toBe(resealed);

    const reopened = openJournal<{ n: number }>(path, sealed, 1);
    expect(reopened.quarantined).toBeUndefined();
    expect([seqs(reopened.journal.entries), reopened.journal.compactedThrough]).toEqual([
      [2, 3],
      1,
    ]);
    // Sealing again rewrites the same bytes; with nothing compacted there is no first line.
    reopened.journal.sealAll();
    expect(readFileSync(path, 'utf8')).toBe(resealed);
    reopened.journal.close();

    const fresh = journalPath();
    writeFileSync(fresh, checksumLine(entryJson(1)));
    const uncompacted = openJournal<{ n: number }>(fresh, adopting, 1).journal;
    uncompacted.sealAll();
    uncompacted.close();
    expect(readFileSync(fresh, 'utf8')).toBe(macLine(entryJson(1)));
  });

  it('does not take an unsealed compaction line for one when not adopting', () => {
    const path = journalPath();
    writeFileSync(path, checksumLine(compactionJson(4)) + macLine(entryJson(5)));
    // Not a compaction line, so line 1 is read as an entry: it has no seq, and is not the last.
    expect(() => openJournal(path, sealed, 1)).toThrow(/damaged at line 1/);
  });

  it('does not take a compaction line failing its MAC for one', () => {
    const path = journalPath();
    const forged = macLine(compactionJson(3)).replace('":3}', '":4}');
    writeFileSync(path, forged + macLine(entryJson(5)));
    expect(() => openJournal(path, sealed, 1)).toThrow(/damaged at line 1/);
  });

  it('quarantines whole JSON under a seal of neither length, or a bad one while adopting', () => {
    for (const [first, integrity] of [
      [`abc ${entryJson(1)}\n`, sealed],
      [`${entryJson(1)}\n`, sealed],
      [checksumLine(entryJson(1)).replace(/^./, (c) => (c === '0' ? '1' : '0')), adopting],
      [macLine(entryJson(1)).replace('"n":1', '"n":2'), adopting],
    ] as const) {
      const path = journalPath();
      writeFileSync(path, first);
      const { journal, quarantined, droppedTornTailBytes } = openJournal(path, integrity, 1);
      expect([quarantined?.fromSeq, quarantined?.lines, droppedTornTailBytes], first).toEqual([
        1, 1, 0,
      ]);
      expect(journal.entries).toEqual([]);
      journal.close();
    }
  });

  it('counts the bytes it wrote: appends and rewrites, not a compaction it already did', () => {
    const path = journalPath();
    const { journal } = openJournal<{ n: number }>(path, sealed);
    expect(journal.bytesAppended).toBe(0);
    for (const n of [1, 2, 3]) journal.append({ n }, n * 10);
    const appended = readFileSync(path).length;
    expect(journal.bytesAppended).toBe(appended);
    journal.compactThrough(2);
    const compacted = readFileSync(path).length;
    expect(journal.bytesAppended).toBe(appended + compacted);
    journal.compactThrough(2);
    expect(journal.bytesAppended).toBe(appended + compacted);
    journal.close();
  });

  it('compacts a sealed journal to a sealed first line', () => {
    const path = journalPath();
    const { journal } = openJournal<{ n: number }>(path, sealed);
    for (const n of [1, 2, 3]) journal.append({ n }, n * 10);
    journal.compactThrough(2);
    journal.close();
    expect(readFileSync(path, 'utf8')).toBe(macLine(compactionJson(2)) + macLine(entryJson(3)));
  });

  it('starts over after a sequence number: one compaction line, no entries, appends after it', () => {
    const path = journalPath();
    const { journal } = openJournal<{ n: number }>(path, sealed);
    for (const n of [1, 2, 3]) journal.append({ n }, n * 10);
    journal.restartAfter(6);
    expect(readFileSync(path, 'utf8')).toBe(macLine(compactionJson(6)));
    expect([journal.entries.length, journal.lastSeq, journal.compactedThrough]).toEqual([0, 6, 6]);
    expect(journal.append({ n: 7 }, 70).seq).toBe(7);
    journal.close();
    expect(readFileSync(path, 'utf8')).toBe(macLine(compactionJson(6)) + macLine(entryJson(7)));
    const reopened = openJournal<{ n: number }>(path, sealed, 1).journal;
    expect([seqs(reopened.entries), reopened.compactedThrough]).toEqual([[7], 6]);
    reopened.close();
    expect(existsSync(`${path}.compacting`)).toBe(false);
  });
});
