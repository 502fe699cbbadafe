import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../../src-main/core/store/journal.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

describe('operator journal', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
  const journalPath = (): string => {
    const dir = makeTempDir();
    dirs.push(dir);
    return join(dir.path, 'journal.ndjson');
  };

  it('reads back appended entries in order, with sequence numbers', () => {
    const path = journalPath();
    const { journal } = openJournal<{ n: number }>(path);
    journal.append({ n: 1 }, 10);
    journal.append({ n: 2 }, 20);
    journal.close();
    const reopened = openJournal<{ n: number }>(path).journal;
    expect(reopened.entries.map((entry) => [entry.seq, entry.at, entry.command.n])).toEqual([
      [1, 10, 1],
      [2, 20, 2],
    ]);
    expect(reopened.lastSeq).toBe(2);
    reopened.close();
  });

  it('cuts off a torn last line (never acknowledged) and keeps appending after it', () => {
    const path = journalPath();
    const { journal } = openJournal<{ n: number }>(path);
    journal.append({ n: 1 });
    journal.close();
    appendFileSync(path, '0123456789abcdef {"seq":2,"at":1,"comm');
    const { journal: reopened, droppedTornTailBytes } = openJournal<{ n: number }>(path);
    expect(droppedTornTailBytes).toBeGreaterThan(0);
    expect(reopened.entries).toHaveLength(1);
    reopened.append({ n: 3 });
    reopened.close();
    expect(
      openJournal<{ n: number }>(path).journal.entries.map((entry) => entry.command.n),
    ).toEqual([1, 3]);
  });

  it('refuses a journal damaged in the middle, naming the line, and leaves the file as it was', () => {
    const path = journalPath();
    const { journal } = openJournal<{ n: number }>(path);
    journal.append({ n: 1 });
    journal.append({ n: 2 });
    journal.append({ n: 3 });
    journal.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"n":2', '"n":7');
    writeFileSync(path, lines.join('\n'));
    const before = readFileSync(path, 'utf8');
    expect(() => openJournal(path)).toThrow(/damaged at line 2: the line fails its checksum/);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('refuses a journal with a missing entry (sequence gap)', () => {
    const path = journalPath();
    const { journal } = openJournal<{ n: number }>(path);
    journal.append({ n: 1 });
    journal.append({ n: 2 });
    journal.append({ n: 3 });
    journal.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.splice(1, 1);
    writeFileSync(path, lines.join('\n'));
    expect(() => openJournal(path)).toThrow(/line 2: sequence 3 follows 1/);
  });
});
