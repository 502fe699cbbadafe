// The head's log gives back every record as it was appended, whatever text it holds (ASCII, or
// characters of two, three and four bytes), and a write torn at its end is cut off.
import { appendFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendToIngestLog,
  readIngestLog,
  startIngestLog,
} from '../../../src-main/core/store/ingest-log.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const records = [
  { t: 'commit', rows: [{ hash: `0x${'ab'.repeat(32)}`, index: 7, args: { value: '12' } }] },
  { t: 'commit', rows: [{ name: 'Grüße "quoted" \\ ✓ 🦊', nul: 'a\u0000b' }] },
  { t: 'empty' },
  { t: 'commit', rows: [{ name: '🦊'.repeat(1_000) }] },
];

describe('the head ingest log', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
  const logPath = (): string => {
    const dir = makeTempDir();
    dirs.push(dir);
    return join(dir.path, 'head.log');
  };

  it('gives back every record as it was appended, in order, whatever its text', () => {
    const path = logPath();
    startIngestLog(path, 3);
    const log = appendToIngestLog(path, 3);
    for (const record of records) log.append(record);
    log.close();
    const opened = readIngestLog(path);
    expect(opened.generation).toBe(3);
    expect(opened.records).toEqual(records);
    expect(opened.droppedTailBytes).toBe(0);
    expect(log.bytesAppended).toBe(statSync(path).size - 16);
  });

  it('cuts off a record torn at its end and keeps the ones before', () => {
    const path = logPath();
    startIngestLog(path, 1);
    const log = appendToIngestLog(path, 1);
    for (const record of records) log.append(record);
    log.close();
    const whole = statSync(path).size;
    truncateSync(path, whole - 5);
    const opened = readIngestLog(path);
    expect(opened.records).toEqual(records.slice(0, -1));
    expect(opened.droppedTailBytes).toBeGreaterThan(0);
    // A torn header of the next record is cut as well.
    appendFileSync(path, Buffer.from([1, 2, 3]));
    expect(readIngestLog(path).records).toEqual(records.slice(0, -1));
  });
});
