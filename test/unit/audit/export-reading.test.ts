// The export verifier in process, on export text built here: every way a file can be malformed
// (not an export, a damaged header or trailer, an unreadable entry line or CSV row, a cut end)
// gets its own kind, line, seq and message, since these are the words an auditor acts on. The
// files in test/integration/audit/ check the same on exports Vigil wrote to disk (and through
// `npm run audit:verify`, a child process a mutation run cannot see into); these reach every
// branch of the reader and verifier without a store or a process.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import {
  chainAuditEntry,
  describeExportCheck,
  GENESIS_HASH,
  verifyAuditExport,
  verifyAuditExportFile,
  type AuditAction,
  type AuditEntry,
} from '../../../src-main/core/audit/index.ts';
import {
  AUDIT_EXPORT_FORMAT,
  AUDIT_EXPORT_VERSION,
  exportEncoders,
  readTextCell,
  unprotectCell,
} from '../../../src-main/core/audit/export-format.ts';
import { openAuditExport } from '../../../src-main/core/audit/read-export.ts';
import type {
  AuditExportFormat,
  AuditExportHeader,
  AuditExportTrailer,
} from '../../../src-main/ipc/contract.ts';

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

function buildLog(
  texts: { actor?: string; subject?: string; details?: Record<string, unknown> }[],
): AuditEntry[] {
  const entries: AuditEntry[] = [];
  texts.forEach((text, index) => {
    entries.push(
      chainAuditEntry(
        entries.at(-1),
        {
          actor: text.actor ?? 'alice',
          action: 'tx.approved' as AuditAction,
          subject: text.subject ?? `tx:${index + 1}`,
          details: text.details ?? { i: index + 1 },
        },
        T0 + index * 60_000,
      ),
    );
  });
  return entries;
}

const log = buildLog(Array.from({ length: 6 }, () => ({})));

function headerOf(
  entries: AuditEntry[],
  patch: Partial<AuditExportHeader> = {},
): AuditExportHeader {
  const first = entries[0]!;
  const last = entries.at(-1)!;
  return {
    record: 'header',
    // The writer's constants: what it writes must be what the reader's schema takes.
    format: AUDIT_EXPORT_FORMAT as 'vigil-audit-export',
    version: AUDIT_EXPORT_VERSION as 1,
    exportedAt: new Date(T0 + 3_600_000).toISOString(),
    exportedBy: 'alice',
    requested: { from: null, to: null },
    fromSeq: first.seq,
    toSeq: last.seq,
    count: entries.length,
    prevHash: first.prevHash,
    last: { seq: last.seq, hash: last.hash },
    head: { seq: last.seq, hash: last.hash },
    ...patch,
  };
}

function trailerOf(
  entries: AuditEntry[],
  patch: Partial<AuditExportTrailer> = {},
): AuditExportTrailer {
  const last = entries.at(-1)!;
  return {
    record: 'trailer',
    format: AUDIT_EXPORT_FORMAT as 'vigil-audit-export',
    count: entries.length,
    last: { seq: last.seq, hash: last.hash },
    ...patch,
  };
}

/** An export as Vigil writes it, as lines (JSONL: header, entries, trailer; CSV: names first). */
function exportLines(
  format: AuditExportFormat,
  entries: AuditEntry[] = log,
  patch: { header?: Partial<AuditExportHeader>; trailer?: Partial<AuditExportTrailer> } = {},
): string[] {
  const encode = exportEncoders[format];
  const text =
    encode.header(headerOf(entries, patch.header)) +
    entries.map((entry) => encode.entry(entry)).join('') +
    encode.trailer(trailerOf(entries, patch.trailer));
  return text.split('\n').slice(0, -1);
}

const joined = (lines: string[]): string => `${lines.join('\n')}\n`;

/** The line (row) of the export that holds entry `seq` of `log`. */
const lineOf = (format: AuditExportFormat, seq: number): number =>
  seq + (format === 'jsonl' ? 1 : 2);

async function verify(text: string) {
  return (await verifyAuditExport(text)).verification;
}

const INTACT = {
  intact: true,
  count: 6,
  firstSeq: 1,
  lastSeq: 6,
  headHash: log[5]!.hash,
};

describe('an export read back in process', () => {
  for (const format of ['jsonl', 'csv'] as const) {
    // Built inside each test, not while the tests are collected: a mutant of the encoders must
    // fail a test (Stryker does not count a file that fails to load as a kill).
    it(`${format}: verifies intact however it is chunked, with a BOM, CRLF or no last line break`, async () => {
      const lines = exportLines(format);
      expect(await verifyAuditExport(joined(lines))).toMatchObject({
        format,
        verification: INTACT,
        header: headerOf(log),
      });
      // One byte at a time: the format is recognised across chunks, and UTF-8 split inside a
      // character is decoded whole (the header's exportedBy is not hashed, so this stays intact).
      const renamed = joined(exportLines(format, log, { header: { exportedBy: 'ålïcé' } }));
      const bytes = Buffer.from(`\uFEFF${renamed}`, 'utf8');
      async function* oneByteChunks() {
        for (const byte of bytes) yield Uint8Array.of(byte);
      }
      const byBytes = await verifyAuditExport(oneByteChunks());
      expect(byBytes.verification).toEqual(INTACT);
      expect(byBytes.header?.exportedBy).toBe('ålïcé');
      expect((await verifyAuditExport(`\uFEFF${joined(lines)}`)).verification).toEqual(INTACT);
      expect(await verify(lines.join('\r\n'))).toEqual(INTACT);
      expect(await verify(lines.join('\n'))).toEqual(INTACT);
    });

    it(`${format}: a second header line is found as inserted where it stands`, async () => {
      const lines = exportLines(format);
      const tampered = [...lines];
      tampered.splice(lineOf(format, 4) - 1, 0, lines[format === 'jsonl' ? 0 : 1]!);
      expect(await verify(joined(tampered))).toEqual({
        intact: false,
        count: 3,
        atSeq: 1,
        atPosition: lineOf(format, 4),
        kind: 'inserted',
        message: `Line ${lineOf(format, 4)} is a second export header: lines from another export were added.`,
      });
    });

    it(`${format}: a line after the trailer is found as added`, async () => {
      const lines = exportLines(format);
      const tampered = [...lines, lines[lineOf(format, 2) - 1]!];
      expect(await verify(joined(tampered))).toEqual({
        intact: false,
        count: 6,
        atSeq: 6,
        atPosition: tampered.length,
        kind: 'inserted',
        message: `Line ${tampered.length} comes after the trailer line, which ends an export: it was added.`,
      });
    });

    it(`${format}: a trailer that disagrees with the header is found as edited`, async () => {
      for (const trailer of [
        { count: 5 },
        { last: { seq: 5, hash: log[5]!.hash } },
        { last: { seq: 5, hash: log[4]!.hash } },
        { last: { seq: 6, hash: log[4]!.hash } },
      ]) {
        const tampered = exportLines(format, log, { trailer });
        expect(await verify(joined(tampered)), JSON.stringify(trailer)).toEqual({
          intact: false,
          count: 6,
          atSeq: trailer.last?.seq ?? 6,
          atPosition: tampered.length,
          kind: 'edited',
          message: `The trailer (line ${tampered.length}) and the header disagree on the last entry or the count: one of them was edited.`,
        });
      }
    });

    it(`${format}: a header that does not add up is found as edited, at its first seq`, async () => {
      const cases: [Partial<AuditExportHeader>, string][] = [
        [
          { count: 5 },
          'The export header does not add up (seq 1..6, count 5, last seq 6): it was edited.',
        ],
        [
          { toSeq: 5 },
          'The export header does not add up (seq 1..5, count 6, last seq 6): it was edited.',
        ],
        [
          { last: { seq: 5, hash: log[4]!.hash } },
          'The export header does not add up (seq 1..6, count 6, last seq 5): it was edited.',
        ],
        [
          { head: { seq: 5, hash: log[4]!.hash } },
          "The export header's head (seq 5) is before its last entry (seq 6): it was edited.",
        ],
      ];
      for (const [header, message] of cases) {
        const check = await verifyAuditExport(joined(exportLines(format, log, { header })));
        expect(check.verification, message).toEqual({
          intact: false,
          count: 0,
          atSeq: 1,
          atPosition: lineOf(format, 0),
          kind: 'edited',
          message,
        });
        expect(check.header).toBeNull();
      }
      // A head past the last entry is what a range export has: not a problem.
      const range = exportLines(format, log, { header: { head: { seq: 9, hash: log[0]!.hash } } });
      expect(await verify(joined(range))).toEqual(INTACT);
    });

    it(`${format}: a malformed header or trailer names the field`, async () => {
      const badHeader = exportLines(format, log, { header: { fromSeq: 0 } });
      expect(await verify(joined(badHeader))).toEqual({
        intact: false,
        count: 0,
        atSeq: 0,
        atPosition: lineOf(format, 0),
        kind: 'edited',
        message: `Line ${lineOf(format, 0)}: the export header is malformed (fromSeq: Too small: expected number to be >0).`,
      });
      const badTrailer = exportLines(format, log, {
        trailer: { last: { seq: 6, hash: log[5]!.hash.toUpperCase() } },
      });
      expect(await verify(joined(badTrailer))).toEqual({
        intact: false,
        count: 6,
        atSeq: 7,
        atPosition: badTrailer.length,
        kind: 'edited',
        message: `Line ${badTrailer.length} is not a valid audit entry: the export trailer is malformed (last.hash: must be 64 lowercase hex digits).`,
      });
    });

    it(`${format}: a file cut off before its trailer, or inside its last line, is truncated`, async () => {
      const lines = exportLines(format);
      const noTrailer = lines.slice(0, -1);
      expect(await verify(joined(noTrailer))).toEqual({
        intact: false,
        count: 6,
        atSeq: 6,
        atPosition: noTrailer.length + 1,
        kind: 'truncated',
        message:
          'The trailer line is missing after the last entry (seq 6): the end of the file was cut off.',
      });
      // Cut inside entry 4, in the middle of its hash (no line break after it).
      const cut = lines.slice(0, lineOf(format, 4));
      cut[cut.length - 1] = cut.at(-1)!.slice(0, -10);
      const verification = await verify(cut.join('\n'));
      expect(verification).toMatchObject({
        intact: false,
        count: 3,
        atSeq: 4,
        atPosition: lineOf(format, 4),
        kind: 'truncated',
      });
      expect((verification as { message: string }).message).toMatch(
        new RegExp(
          `^Line ${lineOf(format, 4)} ends in the middle \\(.+\\): the end of the file was cut off\\.$`,
        ),
      );
      // The same damaged line with its line break kept is an edit, not a cut.
      expect(await verify(joined(cut))).toMatchObject({ kind: 'edited', atSeq: 4 });
    });

    it(`${format}: an entry line first (the header cut away) is found as truncated at its seq`, async () => {
      const lines = exportLines(format);
      const headless =
        format === 'jsonl' ? lines.slice(2) : [lines[0]!, ...lines.slice(lineOf(format, 2) - 1)];
      expect(await verify(joined(headless))).toEqual({
        intact: false,
        count: 0,
        atSeq: 2,
        atPosition: format === 'jsonl' ? 1 : 2,
        kind: 'truncated',
        message: `Line ${format === 'jsonl' ? 1 : 2} is not the export header: the start of the file was cut off.`,
      });
    });

    it(`${format}: a trailer first is not taken for an export`, async () => {
      const lines = exportLines(format);
      const trailerFirst = format === 'jsonl' ? [lines.at(-1)!] : [lines[0]!, lines.at(-1)!];
      await expect(verifyAuditExport(joined(trailerFirst), 'x.export')).rejects.toMatchObject({
        code: 'EXPORT_INVALID',
        message: 'x.export is not a Vigil audit export: its first line is not an export header.',
      });
    });

    it(`${format}: a break among entries still held is reported before a later unreadable line`, async () => {
      const lines = exportLines(format);
      const tampered = [...lines];
      const at2 = lineOf(format, 2) - 1;
      tampered[at2] = tampered[at2]!.replace('tx:2', 'tx:two');
      tampered[lineOf(format, 4) - 1] = format === 'jsonl' ? '{"seq":' : 'entry,4';
      expect(await verify(joined(tampered))).toEqual({
        intact: false,
        count: 1,
        atSeq: 2,
        atPosition: lineOf(format, 2),
        kind: 'edited',
        message: `entry ${lineOf(format, 2)} (seq 2) was edited: its content no longer matches its hash.`,
      });
    });
  }
});

describe('what surrounds the lines of a JSON Lines export', () => {
  async function* chunksOf(bytes: Buffer, size: number) {
    for (let start = 0; start < bytes.length; start += size)
      yield bytes.subarray(start, start + size);
  }

  it('blank lines an editor left (also between lines, also across chunks) carry nothing', async () => {
    const lines = exportLines('jsonl');
    const spaced = [...lines.slice(0, 3), '', '   ', ...lines.slice(3), ''];
    for (const size of [1, 7, 1 << 20]) {
      const check = await verifyAuditExport(chunksOf(Buffer.from(joined(spaced)), size));
      expect(check.verification, `chunks of ${size}`).toEqual(INTACT);
    }
  });

  it('only a byte-order mark at the very start is skipped', async () => {
    const [header, ...rest] = exportLines('jsonl');
    const inside = [header!.replace('{"record"', '{"re\uFEFFcord"'), ...rest];
    await expect(verifyAuditExport(joined(inside))).rejects.toMatchObject({
      code: 'EXPORT_INVALID',
    });
  });

  it('a stray byte after the last line break is found as added, even half a character', async () => {
    const bytes = Buffer.concat([Buffer.from(joined(exportLines('jsonl'))), Buffer.of(0xc3)]);
    const check = await verifyAuditExport(chunksOf(bytes, 64));
    expect(check.verification).toMatchObject({
      intact: false,
      kind: 'inserted',
      atPosition: 9,
      message: 'Line 9 comes after the trailer line, which ends an export: it was added.',
    });
  });
});

describe('an entry line that is not an audit entry is named for what is wrong with it', () => {
  const entry = log[2]!;
  const jsonl = (): string[] => exportLines('jsonl');
  const cases: [string, Record<string, unknown>, string][] = [
    ['a field added', { ...entry, note: 'x' }, 'the entry has a field no audit entry has: note'],
    ['seq zero', { ...entry, seq: 0 }, 'seq is not a positive whole number'],
    ['seq a fraction', { ...entry, seq: 3.5 }, 'seq is not a positive whole number'],
    ['seq as text', { ...entry, seq: '3' }, 'seq is not a positive whole number'],
    ['seq too large to be exact', { ...entry, seq: 2 ** 53 }, 'seq is not a positive whole number'],
    ['at as text', { ...entry, at: '2026-12-01' }, 'at is not a time in milliseconds'],
    ['at a fraction', { ...entry, at: T0 + 0.5 }, 'at is not a time in milliseconds'],
    ['actor missing', { ...entry, actor: undefined }, 'actor is not text'],
    ['action a number', { ...entry, action: 1 }, 'action is not text'],
    ['subject null', { ...entry, subject: null }, 'subject is not text'],
    ['details null', { ...entry, details: null }, 'details is not a JSON object'],
    ['details an array', { ...entry, details: [1] }, 'details is not a JSON object'],
    ['details text', { ...entry, details: '{}' }, 'details is not a JSON object'],
    [
      'prevHash upper case',
      { ...entry, prevHash: entry.prevHash.toUpperCase() },
      'prevHash is not 64 lowercase hex digits',
    ],
    [
      'prevHash short',
      { ...entry, prevHash: entry.prevHash.slice(1) },
      'prevHash is not 64 lowercase hex digits',
    ],
    ['prevHash a number', { ...entry, prevHash: 0 }, 'prevHash is not 64 lowercase hex digits'],
    [
      'hash with a suffix',
      { ...entry, hash: `${entry.hash}0` },
      'hash is not 64 lowercase hex digits',
    ],
    ['hash missing', { ...entry, hash: undefined }, 'hash is not 64 lowercase hex digits'],
    // An array of one hash reads as that hash when made text; it is not one.
    [
      'prevHash in an array',
      { ...entry, prevHash: [entry.prevHash] },
      'prevHash is not 64 lowercase hex digits',
    ],
    ['hash in an array', { ...entry, hash: [entry.hash] }, 'hash is not 64 lowercase hex digits'],
  ];

  it.each(cases)('jsonl: %s', async (_name, edited, reason) => {
    const tampered = jsonl();
    tampered[lineOf('jsonl', 3) - 1] = JSON.stringify(edited);
    expect(await verify(joined(tampered))).toEqual({
      intact: false,
      count: 2,
      atSeq: 3,
      atPosition: 4,
      kind: 'edited',
      message: `Line 4 is not a valid audit entry: ${reason}.`,
    });
  });

  it.each([
    ['not JSON', '{"seq":3,', 'the line is not valid JSON'],
    ['an array', '[3]', 'the line is not a JSON object'],
    ['a string', '"entry"', 'the line is not a JSON object'],
    ['null', 'null', 'the line is not a JSON object'],
    ['another record', '{"record":"footer"}', 'record "footer" is neither header nor trailer'],
  ])('jsonl: a line that is %s', async (_name, line, reason) => {
    const tampered = jsonl();
    tampered[lineOf('jsonl', 3) - 1] = line;
    expect(await verify(joined(tampered))).toMatchObject({
      kind: 'edited',
      atSeq: 3,
      atPosition: 4,
      message: `Line 4 is not a valid audit entry: ${reason}.`,
    });
  });

  const csv = (): string[] => exportLines('csv');
  const cellsOf = (line: string): string[] => (parseCsv(line) as string[][])[0]!;
  const rowWith = (change: (cells: string[]) => void): string => {
    const cells = cellsOf(csv()[lineOf('csv', 3) - 1]!);
    change(cells);
    // RFC 4180 quoting, as a person's editor would write the row back.
    return cells
      .map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell))
      .join(',');
  };

  it.each([
    ['a cell missing', (cells: string[]) => cells.pop(), 'the row has 8 cells, not 9'],
    ['a cell added', (cells: string[]) => cells.push(''), 'the row has 10 cells, not 9'],
    [
      'an unknown record',
      (cells: string[]) => (cells[0] = 'note'),
      'record "note" is not header, entry or trailer',
    ],
    ['seq not a number', (cells: string[]) => (cells[1] = '3a'), 'seq is not a whole number'],
    ['seq negative', (cells: string[]) => (cells[1] = '-3'), 'seq is not a whole number'],
    ['seq empty', (cells: string[]) => (cells[1] = ''), 'seq is not a whole number'],
    [
      'seq of 16 digits',
      (cells: string[]) => (cells[1] = '1000000000000003'),
      'seq is not a whole number',
    ],
    [
      'time without milliseconds',
      (cells: string[]) => (cells[2] = cells[2]!.replace('.000Z', 'Z')),
      `time "${new Date(T0 + 120_000).toISOString().replace('.000Z', 'Z')}" is not an ISO time as exported`,
    ],
    [
      'time not a time',
      (cells: string[]) => (cells[2] = 'noon'),
      'time "noon" is not an ISO time as exported',
    ],
    ['details not JSON', (cells: string[]) => (cells[6] = '{i:3}'), 'details are not valid JSON'],
    ['details an array', (cells: string[]) => (cells[6] = '[3]'), 'details is not a JSON object'],
    [
      'a hash in upper case',
      (cells: string[]) => (cells[8] = cells[8]!.toUpperCase()),
      'hash is not 64 lowercase hex digits',
    ],
  ])('csv: %s', async (_name, change, reason) => {
    const tampered = csv();
    tampered[lineOf('csv', 3) - 1] = rowWith(change);
    expect(await verify(joined(tampered))).toEqual({
      intact: false,
      count: 2,
      atSeq: 3,
      atPosition: 5,
      kind: 'edited',
      message: `Line 5 is not a valid audit entry: ${reason}.`,
    });
  });

  it('csv: a header or trailer row whose details are not JSON', async () => {
    const badHeader = csv();
    badHeader[1] = badHeader[1]!.replace('"{""count""', '"{count""');
    expect(await verify(joined(badHeader))).toEqual({
      intact: false,
      count: 0,
      atSeq: 0,
      atPosition: 2,
      kind: 'edited',
      message: "Line 2: the header row's details are not valid JSON.",
    });
    const badTrailer = csv();
    badTrailer[badTrailer.length - 1] = badTrailer.at(-1)!.replace('"{""count""', '"{count""');
    expect(await verify(joined(badTrailer))).toMatchObject({
      kind: 'edited',
      atSeq: 7,
      atPosition: badTrailer.length,
      message: `Line ${badTrailer.length} is not a valid audit entry: the trailer row's details are not valid JSON.`,
    });
  });

  it('csv: a stray quote mid-file is not valid CSV (edited); an unclosed quote at the end is a cut', async () => {
    const stray = csv();
    stray[lineOf('csv', 3) - 1] = `entry,3,"x"y,${stray[lineOf('csv', 3) - 1]!.slice(8)}`;
    const verification = await verify(joined(stray));
    expect(verification).toMatchObject({
      intact: false,
      count: 2,
      atSeq: 3,
      atPosition: 5,
      kind: 'edited',
    });
    expect((verification as { message: string }).message).toMatch(
      /^Line 5 is not a valid audit entry: not valid CSV \(.+\)\.$/,
    );
    // Cut inside entry 4's quoted details: the quote never closes.
    const cut = csv().slice(0, lineOf('csv', 4));
    cut[cut.length - 1] = cut.at(-1)!.slice(0, cut.at(-1)!.indexOf('""i""'));
    expect(await verify(cut.join('\n'))).toMatchObject({
      intact: false,
      count: 3,
      atSeq: 4,
      kind: 'truncated',
    });
  });
});

describe('a file that is not an export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-export-reading-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused by name, without repeating its content', async () => {
    await expect(verifyAuditExport('', 'empty.jsonl')).rejects.toMatchObject({
      code: 'EXPORT_INVALID',
      message: 'empty.jsonl is empty: it is not a Vigil audit export.',
    });
    for (const text of ['secret: hunter2\n', 'record,sequence\n', '\uFEFF', ' {"seq":1}\n']) {
      const refused = await verifyAuditExport(text, 'notes.txt').catch((error: Error) => error);
      expect(refused, JSON.stringify(text)).toMatchObject({
        code: 'EXPORT_INVALID',
        message:
          text === '\uFEFF'
            ? 'notes.txt is empty: it is not a Vigil audit export.'
            : 'notes.txt is not a Vigil audit export: it starts with neither a JSON Lines header nor the CSV column names.',
      });
    }
  });

  it('a CSV whose column names were edited is not one, though its rows are intact', async () => {
    const [, ...rows] = exportLines('csv');
    const renamed = ['record,seq,when,actor,action,subject,details,prev_hash,hash', ...rows];
    await expect(verifyAuditExport(joined(renamed), 'sheet.csv')).rejects.toMatchObject({
      code: 'EXPORT_INVALID',
      message: 'sheet.csv is not a Vigil audit export: its first line is not an export header.',
    });
  });

  it('a CSV with other columns, or with only the column names, is not one', async () => {
    await expect(
      verifyAuditExport('record,seq,when,who\nheader,1,x,y\n', 'sheet.csv'),
    ).rejects.toMatchObject({
      code: 'EXPORT_INVALID',
      message: 'sheet.csv is not a Vigil audit export: its first line is not an export header.',
    });
    await expect(verifyAuditExport(`${exportLines('csv')[0]}\n`)).rejects.toMatchObject({
      code: 'EXPORT_INVALID',
      message: 'The file has no export header: it is not a Vigil audit export.',
    });
  });

  it('a JSON Lines file cut inside its first line is a cut export, not a stranger', async () => {
    const first = exportLines('jsonl')[0]!;
    expect(await verify(first.slice(0, 40))).toEqual({
      intact: false,
      count: 0,
      atSeq: 0,
      atPosition: 1,
      kind: 'truncated',
      message: 'The file ends inside its first line: it was cut off (or it is not an export).',
    });
  });

  it('a path that cannot be read is refused with the path and what to give instead', async () => {
    const missing = join(dir, 'missing.jsonl');
    await expect(verifyAuditExportFile(missing)).rejects.toMatchObject({
      code: 'EXPORT_INVALID',
      field: 'path',
      details: { path: missing },
      message: expect.stringMatching(
        new RegExp(`^Cannot read ${missing}: ENOENT.*\\. Give the path of an exported file\\.$`),
      ),
    });
  });
});

describe('the CSV cells a spreadsheet would run, and the quoting', () => {
  it('every formula start gets one apostrophe, which the reader takes off again', async () => {
    // A tab or CR is a hidden character, written as \u0009 / \u000D, so it starts no formula.
    for (const start of ['\t', '\r']) {
      const entries = buildLog([{ actor: `${start}SUM(A1)`, subject: 's' }]);
      const rows = parseCsv(joined(exportLines('csv', entries)), {
        relax_column_count: true,
      }) as string[][];
      const cell = rows[2]![3]!;
      const code = start.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
      expect(cell).toBe(`\\u${code}SUM(A1)`);
      expect(readTextCell(cell)).toBe(`${start}SUM(A1)`);
    }
    const starts = ['=', '+', '-', '@', "'"];
    const entries = buildLog([
      ...starts.map((start) => ({ actor: `${start}SUM(A1)`, subject: `${start}s` })),
      { actor: 'plain', subject: 'a=b' },
    ]);
    const lines = exportLines('csv', entries);
    const rows = parseCsv(joined(lines), { relax_column_count: true }) as string[][];
    starts.forEach((start, index) => {
      expect(rows[index + 2]!.slice(3, 6)).toEqual([
        `'${start}SUM(A1)`,
        'tx.approved',
        `'${start}s`,
      ]);
    });
    expect(rows.at(-2)!.slice(3, 6)).toEqual(['plain', 'tx.approved', 'a=b']);
    expect(await verify(joined(lines))).toMatchObject({ intact: true, count: starts.length + 1 });
    expect(unprotectCell("''x")).toBe("'x");
    expect(unprotectCell('x')).toBe('x');
  });

  it('a backslash in a text cell is doubled, so text that looks like an escape reads back as written', async () => {
    const texts = ['C:\\dir\\file', 'literal \\u0041'];
    const entries = buildLog(texts.map((text) => ({ actor: text, subject: text })));
    const text = joined(exportLines('csv', entries));
    expect(text).toContain(',C:\\\\dir\\\\file,tx.approved,C:\\\\dir\\\\file,');
    expect(text).toContain(',literal \\\\u0041,tx.approved,literal \\\\u0041,');
    const rows = parseCsv(text, { relax_column_count: true }) as string[][];
    expect(rows.slice(2, 4).map((row) => readTextCell(row[3]!))).toEqual(texts);
    expect(await verify(text)).toMatchObject({ intact: true, count: 2 });
  });

  it('a field with a quote or comma is quoted; CR and LF are written as escapes', async () => {
    const texts = ['say "hi"', 'a,b', 'a\rb', 'a\nb', 'plain text'];
    const entries = buildLog(texts.map((text) => ({ subject: text, details: { text } })));
    const lines = exportLines('csv', entries);
    const text = joined(lines);
    expect(text).toContain(',"say ""hi""",');
    expect(text).toContain(',"a,b",');
    expect(text).toContain(',a\\u000Db,');
    expect(text).toContain(',a\\u000Ab,');
    expect(text).toContain(',plain text,');
    const rows = parseCsv(text, { relax_column_count: true }) as string[][];
    expect(rows.slice(2, 7).map((row) => readTextCell(row[5]!))).toEqual(texts);
    expect(await verify(text)).toMatchObject({ intact: true, count: 5 });
  });
});

describe('the one line a person reads', () => {
  it('says intact with the range and head, or where and how it broke', async () => {
    const check = await verifyAuditExport(joined(exportLines('jsonl')));
    expect(describeExportCheck(check)).toBe(`intact: 6 entries, seq 1..6, head ${log[5]!.hash}`);
    expect(
      describeExportCheck({
        ...check,
        verification: {
          intact: false,
          count: 2,
          atSeq: 3,
          atPosition: 4,
          kind: 'edited',
          message: 'entry 4 (seq 3) was edited.',
        },
      }),
    ).toBe('broken: edited at line 4 (seq 3): entry 4 (seq 3) was edited.');
  });

  it('counts from the hash before a range export’s first entry, not from genesis', async () => {
    const range = log.slice(2);
    const lines = exportLines('jsonl', range);
    expect(await verify(joined(lines))).toEqual({
      intact: true,
      count: 4,
      firstSeq: 3,
      lastSeq: 6,
      headHash: log[5]!.hash,
    });
    const fromGenesis = exportLines('jsonl', range, { header: { prevHash: GENESIS_HASH } });
    expect(await verify(joined(fromGenesis))).toMatchObject({ intact: false, atSeq: 3 });
  });
});

describe('the CSV as an earlier build wrote it', () => {
  it('the encoders write the checked-in fixture byte for byte, and a log past seq 9 reads back', async () => {
    const fixture = readFileSync(
      new URL('../../fixtures/audit/export-v1.csv', import.meta.url),
      'utf8',
    );
    const rows = parseCsv(fixture, { relax_column_count: true }) as string[][];
    const header = JSON.parse(rows[1]![6]!) as AuditExportHeader;
    const trailer = JSON.parse(rows.at(-1)![6]!) as AuditExportTrailer;
    const jsonl = readFileSync(
      new URL('../../fixtures/audit/export-v1.jsonl', import.meta.url),
      'utf8',
    );
    const entries = jsonl
      .trimEnd()
      .split('\n')
      .slice(1, -1)
      .map((line) => JSON.parse(line) as AuditEntry);
    const encode = exportEncoders.csv;
    expect(
      encode.header(header) +
        entries.map((entry) => encode.entry(entry)).join('') +
        encode.trailer(trailer),
    ).toBe(fixture);
    // Sequence numbers of more than one digit (a CSV reads them back from text).
    const long = buildLog(Array.from({ length: 12 }, () => ({})));
    expect(await verify(joined(exportLines('csv', long)))).toMatchObject({
      intact: true,
      count: 12,
      lastSeq: 12,
    });
  });
});

describe('how much of a file is read, and the paths a large or odd file takes', () => {
  /** A file's lines, one chunk each, counting how many were taken and whether it was closed. */
  function lineSource(lines: string[]) {
    const state = { taken: 0, closed: false };
    async function* chunks() {
      try {
        for (const line of lines) {
          state.taken++;
          yield `${line}\n`;
        }
      } finally {
        state.closed = true;
      }
    }
    return { state, source: chunks() };
  }
  const long = buildLog(Array.from({ length: 120 }, () => ({})));

  for (const format of ['jsonl', 'csv'] as const) {
    it(`${format}: reading stops at a break found past the verifier's look-ahead, and the file is closed`, async () => {
      const lines = exportLines(format, long);
      const at2 = lineOf(format, 2) - 1;
      lines[at2] = lines[at2]!.replace('tx:2', 'tx:two');
      const { state, source } = lineSource(lines);
      expect((await verifyAuditExport(source)).verification).toEqual({
        intact: false,
        count: 1,
        atSeq: 2,
        atPosition: lineOf(format, 2),
        kind: 'edited',
        message: `entry ${lineOf(format, 2)} (seq 2) was edited: its content no longer matches its hash.`,
      });
      // The break is known once the look-ahead (32 entries) after it is full: far from the end.
      expect(state.taken).toBeLessThan(60);
      expect(state.closed).toBe(true);
    });

    it(`${format}: a text of more than 1 MiB is read across its pieces, and an edit past 1 MiB is found`, async () => {
      const big = buildLog([0, 1, 2].map((i) => ({ details: { i, pad: 'x'.repeat(500_000) } })));
      const lines = exportLines(format, big);
      expect(joined(lines).length).toBeGreaterThan(1024 * 1024 + 1000);
      expect(await verify(joined(lines))).toEqual({
        intact: true,
        count: 3,
        firstSeq: 1,
        lastSeq: 3,
        headHash: big[2]!.hash,
      });
      const at3 = lineOf(format, 3) - 1;
      lines[at3] = lines[at3]!.replace('tx:3', 'tx:three');
      expect(await verify(joined(lines))).toMatchObject({ intact: false, atSeq: 3, count: 2 });
    });
  }

  it('csv: reading stops at a row that is not valid CSV, and the rows before it are checked', async () => {
    const lines = exportLines('csv', long);
    const at3 = lineOf('csv', 3) - 1;
    lines[at3] = `entry,3,"x"y,${lines[at3]!.slice(8)}`;
    const { state, source } = lineSource(lines);
    expect((await verifyAuditExport(source)).verification).toMatchObject({
      intact: false,
      count: 2,
      atSeq: 3,
      atPosition: 5,
      kind: 'edited',
    });
    expect(state.taken).toBeLessThan(20);
    expect(state.closed).toBe(true);
  });

  it('csv: an empty chunk after a damaged last row does not make the row look cut', async () => {
    const lines = exportLines('csv');
    lines[lines.length - 1] = 'trailer,x';
    async function* chunks() {
      yield joined(lines);
      yield new Uint8Array(0);
    }
    expect((await verifyAuditExport(chunks())).verification).toMatchObject({
      intact: false,
      kind: 'edited',
      atPosition: lines.length,
    });
  });

  it('csv: a file of only other column names is not an export, and is not taken for a cut one', async () => {
    await expect(verifyAuditExport('record,seq,when,who\n', 'sheet.csv')).rejects.toMatchObject({
      code: 'EXPORT_INVALID',
      message: 'sheet.csv is not a Vigil audit export: its first line is not an export header.',
    });
  });

  for (const format of ['jsonl', 'csv'] as const) {
    it(`${format}: a file cut after a whole line, entries and trailer missing, is truncated where the next entry belongs`, async () => {
      const cut = exportLines(format).slice(0, lineOf(format, 4));
      expect(await verify(joined(cut))).toMatchObject({
        intact: false,
        count: 4,
        atSeq: 5,
        atPosition: lineOf(format, 5),
        kind: 'truncated',
      });
    });
  }

  it('csv: a row that is not valid CSV right after the column names is not taken for an export', async () => {
    const lines = exportLines('csv');
    lines[1] = 'header,"x"y,1';
    await expect(verifyAuditExport(joined(lines), 'sheet.csv')).rejects.toMatchObject({
      code: 'EXPORT_INVALID',
      message: 'sheet.csv is not a Vigil audit export: its first line is not an export header.',
    });
  });

  it('csv: a header row whose details are JSON but not an object names the whole record', async () => {
    const lines = exportLines('csv');
    lines[1] = 'header,1,,,,,null,,';
    expect(await verify(joined(lines))).toEqual({
      intact: false,
      count: 0,
      atSeq: 0,
      atPosition: 2,
      kind: 'edited',
      message:
        'Line 2: the export header is malformed (record: Invalid input: expected object, received null).',
    });
  });

  it('a file refused as no export is closed, and is called "the file" when it has no name', async () => {
    const { state, source } = lineSource(['secret: hunter2', 'and more']);
    await expect(openAuditExport(source)).rejects.toMatchObject({
      code: 'EXPORT_INVALID',
      message:
        'the file is not a Vigil audit export: it starts with neither a JSON Lines header nor the CSV column names.',
    });
    expect(state.closed).toBe(true);
    await expect(verifyAuditExport('')).rejects.toMatchObject({
      code: 'EXPORT_INVALID',
      message: 'the file is empty: it is not a Vigil audit export.',
    });
  });
});
