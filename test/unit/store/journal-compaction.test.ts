// The journal's less travelled paths, byte for byte: compaction (its first line, what it keeps,
// reopening after it), a torn tail with or without its newline, and the damage it refuses.
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../../src-main/core/store/journal.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

/** A line as the journal's header describes it: 16 hex digits of SHA-256 over the JSON, a space. */
const line = (json: string): string =>
  `${createHash('sha256').update(json).digest('hex').slice(0, 16)} ${json}\n`;

describe('operator journal, compaction and damage', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
  const journalPath = (): string => {
    const dir = makeTempDir();
    dirs.push(dir);
    return join(dir.path, 'journal.ndjson');
  };

  function withFive(path: string) {
    const { journal } = openJournal<{ n: number }>(path);
    for (const n of [1, 2, 3, 4, 5]) journal.append({ n }, n * 10);
    return journal;
  }

  it('reopens a journal that was opened and never written to', () => {
    const path = journalPath();
    openJournal(path).journal.close();
    expect(readFileSync(path, 'utf8')).toBe('');
    const { journal, droppedTornTailBytes } = openJournal<{ n: number }>(path);
    expect([journal.entries.length, journal.lastSeq, droppedTornTailBytes]).toEqual([0, 0, 0]);
    expect(journal.append({ n: 1 }).seq).toBe(1);
    journal.close();
  });

  it('writes each entry as checksum, space, JSON; audit entries only when there are some', () => {
    const path = journalPath();
    const { journal } = openJournal<{ n: number }>(path);
    journal.append({ n: 1 }, 10, []);
    const audit = [
      {
        seq: 1,
        at: 20,
        actor: 'a',
        action: 'x',
        subject: 's',
        details: {},
        prevHash: '0',
        hash: '1',
      },
    ];
    expect(journal.append({ n: 2 }, 20, audit)).toEqual({
      seq: 2,
      at: 20,
      command: { n: 2 },
      audit,
    });
    journal.close();
    expect(readFileSync(path, 'utf8')).toBe(
      line('{"seq":1,"at":10,"command":{"n":1}}') +
        line(`{"seq":2,"at":20,"command":{"n":2},"audit":${JSON.stringify(audit)}}`),
    );
  });

  it('compacts to a first line saying through which entry, keeping the rest verbatim', () => {
    const path = journalPath();
    const journal = withFive(path);
    const kept = readFileSync(path, 'utf8').split('\n').slice(3).join('\n');
    journal.compactThrough(3);
    expect(journal.compactedThrough).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe(line('{"compactedThrough":3}') + kept);
    // Appending continues after the kept entries, in the compacted file.
    expect(journal.append({ n: 6 }, 60).seq).toBe(6);
    journal.close();

    const reopened = openJournal<{ n: number }>(path).journal;
    expect(reopened.compactedThrough).toBe(3);
    expect(reopened.entries.map((entry) => entry.seq)).toEqual([4, 5, 6]);
    expect(reopened.lastSeq).toBe(6);
    reopened.close();
  });

  it('ignores a compaction it already did, and never compacts past the last entry', () => {
    const path = journalPath();
    const journal = withFive(path);
    journal.compactThrough(4);
    const once = readFileSync(path, 'utf8');
    journal.compactThrough(4);
    journal.compactThrough(2);
    expect(readFileSync(path, 'utf8')).toBe(once);
    journal.compactThrough(99);
    expect(journal.compactedThrough).toBe(5);
    expect(readFileSync(path, 'utf8')).toBe(line('{"compactedThrough":5}'));
    journal.close();
    const reopened = openJournal<{ n: number }>(path).journal;
    expect([reopened.entries.length, reopened.lastSeq, reopened.compactedThrough]).toEqual([
      0, 5, 5,
    ]);
    expect(reopened.append({ n: 6 }).seq).toBe(6);
    reopened.close();
  });

  it('drops a torn last line that has its newline, and truncates the file to the good lines', () => {
    const path = journalPath();
    withFive(path).close();
    const good = readFileSync(path, 'utf8');
    const torn = '0123456789abcdef {"seq":6,"at":1,"command":{"n":6}}\n';
    appendFileSync(path, torn);
    const { journal, droppedTornTailBytes } = openJournal<{ n: number }>(path);
    expect(droppedTornTailBytes).toBe(Buffer.byteLength(torn));
    expect(journal.entries).toHaveLength(5);
    journal.close();
    expect(readFileSync(path, 'utf8')).toBe(good);
  });

  it('drops exactly the bytes after the last newline, after a compaction line too', () => {
    const path = journalPath();
    const journal = withFive(path);
    journal.compactThrough(2);
    journal.close();
    const good = readFileSync(path, 'utf8');
    appendFileSync(path, 'ünï');
    const reopened = openJournal<{ n: number }>(path);
    expect(reopened.droppedTornTailBytes).toBe(Buffer.byteLength('ünï'));
    expect(reopened.journal.entries.map((entry) => entry.seq)).toEqual([3, 4, 5]);
    reopened.journal.close();
    expect(readFileSync(path, 'utf8')).toBe(good);
    // Nothing torn: nothing dropped, the file untouched.
    const again = openJournal<{ n: number }>(path);
    expect(again.droppedTornTailBytes).toBe(0);
    again.journal.close();
  });

  it.each([
    ['a compaction line whose checksum fails', line('{"compactedThrough":3}').replace(/^./, 'f')],
    ['a compaction line that is not a whole number', line('{"compactedThrough":2.5}')],
    ['a compaction line with a short checksum', line('{"compactedThrough":3}').slice(1)],
  ])('refuses %s, naming line 1', (_case, first) => {
    const path = journalPath();
    writeFileSync(path, first + line('{"seq":4,"at":1,"command":{"n":4}}'));
    let error: { code?: string; details?: unknown; message?: string } = {};
    try {
      openJournal(path);
    } catch (thrown) {
      error = thrown as typeof error;
    }
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toMatch(/is damaged at line 1: /);
    expect(error.details).toEqual({ path, line: 1 });
  });

  it.each([
    ['not JSON', line('{"seq":2,')],
    ['JSON null', line('null')],
  ])('takes a last line under a good checksum that is %s for a torn write', (_case, last) => {
    const path = journalPath();
    writeFileSync(path, line('{"seq":1,"at":1,"command":{"n":1}}') + last);
    const { journal, droppedTornTailBytes } = openJournal(path);
    expect([journal.entries.length, droppedTornTailBytes]).toEqual([1, Buffer.byteLength(last)]);
    journal.close();
    // The same as the only line: it is not taken for a compaction line either.
    writeFileSync(path, last);
    const alone = openJournal(path);
    expect([alone.journal.compactedThrough, alone.droppedTornTailBytes]).toEqual([
      0,
      Buffer.byteLength(last),
    ]);
    alone.journal.close();
  });

  it('refuses a gap right after the compaction line, saying which sequence follows which', () => {
    const path = journalPath();
    writeFileSync(
      path,
      line('{"compactedThrough":3}') +
        line('{"seq":5,"at":1,"command":{"n":5}}') +
        line('{"seq":6,"at":1,"command":{"n":6}}'),
    );
    expect(() => openJournal(path)).toThrow(
      /damaged at line 2: sequence 5 follows 3\. Nothing was changed/,
    );
  });

  it('refuses a bad last line that is followed by a torn tail: only an unterminated line is torn', () => {
    const path = journalPath();
    writeFileSync(
      path,
      line('{"seq":1,"at":1,"command":{"n":1}}') + 'x'.repeat(16) + ' {}\npartial',
    );
    expect(() => openJournal(path)).toThrow(/damaged at line 2: the line fails its checksum/);
  });
});
