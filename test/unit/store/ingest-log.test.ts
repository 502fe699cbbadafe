// The head's log gives back every record as it was appended, whatever text it holds (ASCII, or
// characters of two, three and four bytes), and a write torn at its end is cut off.
import { appendFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendToIngestLog,
  readIngestLog,
  startIngestLog,
  type BinaryRecords,
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

  /** Records with `bytes` are written as those bytes after a kind byte 2; the rest as JSON. */
  type Sample = { t: string; bytes?: number[] };
  const binary: BinaryRecords<Sample> = {
    encode: (record) => (record.bytes ? Uint8Array.from([2, ...record.bytes]) : undefined),
    decode(payload) {
      if (payload[0] !== 2) throw new Error('not a sample record');
      return { t: 'binary', bytes: [...payload.subarray(1)] };
    },
  };

  it('keeps binary records among JSON ones, in order, and cuts the log at one it cannot read', () => {
    const path = logPath();
    startIngestLog(path, 2);
    const mixed: Sample[] = [
      { t: 'json' },
      { t: 'binary', bytes: [0, 255, 0x7b, 10] },
      { t: 'json again' },
      { t: 'binary', bytes: [] },
    ];
    const log = appendToIngestLog(path, 2, binary);
    for (const record of mixed) log.append(record);
    log.close();
    expect(readIngestLog(path, { binary }).records).toEqual(mixed);
    // A reader that does not know the kind byte stops at the first binary record.
    const refusing: BinaryRecords<Sample> = {
      ...binary,
      decode: () => {
        throw new Error('unknown kind');
      },
    };
    const refused = readIngestLog(path, { binary: refusing, cutTornTail: false });
    expect(refused.records).toEqual([{ t: 'json' }]);
    expect(refused.undecodable).toBe(true);
    // An encoder whose payload would read as JSON is refused before anything is written.
    const misleading: BinaryRecords<Sample> = { ...binary, encode: () => Uint8Array.from([0x7b]) };
    const again = appendToIngestLog(path, 2, misleading);
    expect(() => again.append({ t: 'x' })).toThrow(/may not start as JSON does/);
    again.close();
    expect(readIngestLog(path, { binary }).records).toEqual(mixed);
  });

  it('keeps a copy before cutting a record written whole that it cannot read, and not for a torn one', () => {
    const path = logPath();
    startIngestLog(path, 4);
    const log = appendToIngestLog(path, 4, binary);
    log.append({ t: 'json' });
    log.append({ t: 'binary', bytes: [1, 2, 3] });
    log.close();
    const copied: string[] = [];
    const refusing: BinaryRecords<Sample> = {
      ...binary,
      decode: () => {
        throw new Error('unknown kind');
      },
    };
    const whole = statSync(path).size;
    const opened = readIngestLog(path, {
      binary: refusing,
      beforeCuttingDamage: (damaged) => copied.push(`${damaged} ${statSync(damaged).size}`),
    });
    expect(opened).toMatchObject({ records: [{ t: 'json' }], undecodable: true });
    // Called while the log was still whole, then cut.
    expect(copied).toEqual([`${path} ${whole}`]);
    expect(statSync(path).size).toBeLessThan(whole);

    appendFileSync(path, Buffer.from([7, 0, 0, 0, 1, 2]));
    const torn = readIngestLog(path, {
      binary,
      beforeCuttingDamage: (damaged) => copied.push(damaged),
    });
    expect(torn).toMatchObject({
      records: [{ t: 'json' }],
      undecodable: false,
      damagedMidway: false,
    });
    expect(copied).toHaveLength(1);
  });
});
