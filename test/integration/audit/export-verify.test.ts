// Exports on real files, in both formats: they verify on their own (the whole log or a time
// range of it), and each kind of tampering — an edited field, a deleted line, an inserted line,
// two lines swapped, a cut end — fails verification at the right entry with the right reason,
// both in-process and through `npm run audit:verify`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  auditEntryHash,
  chainAuditEntry,
  verifyAuditExportFile,
  writeAuditExport,
  type AuditAction,
  type AuditEntry,
} from '../../../src-main/core/audit/index.ts';
import { exportEncoders } from '../../../src-main/core/audit/export-format.ts';
import { HIDDEN_CHARACTERS } from '../../../src-main/ipc/contract.ts';
import type { Store } from '../../../src-main/core/store/index.ts';
import { useStoreSandbox } from '../../helpers/store-sandbox.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const START = Date.UTC(2025, 0, 1, 9, 0, 0);
const MINUTE = 60_000;

/** 30 entries, one a minute from START, with details a spreadsheet or a parser could mangle. */
function fillLog(store: Store): void {
  const clock = vi.spyOn(Date, 'now');
  try {
    for (let index = 0; index < 30; index++) {
      clock.mockReturnValue(START + index * MINUTE);
      const action: AuditAction = index % 2 ? 'chain.changed' : 'contract.added';
      store.recordAudit([
        {
          actor: index % 5 === 0 ? '=HYPERLINK("http://x")' : index % 3 ? 'alice' : 'system',
          action,
          subject: `chain:${31337 + (index % 2)}`,
          details: {
            index,
            note: `line one\nline "two", with commas, and 'quotes' — ünïcödé ${index}`,
            amount: `${10n ** 30n + BigInt(index)}`,
            nested: { z: [1, { b: null, a: true }], a: -index },
          },
        },
      ]);
    }
  } finally {
    clock.mockRestore();
  }
}

function runCli(file: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/audit-verify.ts', '--', file],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('audit exports', () => {
  const sandbox = useStoreSandbox();
  let outDir = '';
  afterEach(() => vi.restoreAllMocks());

  async function logWithEntries(): Promise<Store> {
    const dataDir = sandbox.freshDir();
    outDir = sandbox.freshDir();
    const store = await sandbox.open(dataDir);
    fillLog(store);
    return store;
  }

  for (const format of ['jsonl', 'csv'] as const) {
    it(`writes the whole log as ${format} that verifies on its own, in small chunks`, async () => {
      const store = await logWithEntries();
      const path = join(outDir, `all.${format}`);
      const progress: [number, number][] = [];
      const summary = await writeAuditExport({
        store,
        format,
        path,
        exportedBy: 'alice',
        chunkSize: 7,
        onProgress: (written, total) => progress.push([written, total]),
      });
      expect(summary.header).toMatchObject({ fromSeq: 1, toSeq: 30, count: 30 });
      expect(progress).toEqual([7, 14, 21, 28, 30].map((written) => [written, 30]));
      const head = store.lastAuditEntry()!;
      const check = await verifyAuditExportFile(path);
      expect(check.format).toBe(format);
      expect(check.verification).toEqual({
        intact: true,
        count: 30,
        firstSeq: 1,
        lastSeq: 30,
        headHash: head.hash,
      });
      // Nothing but the export is left beside it (the temp file was renamed).
      expect(readdirSync(outDir)).toEqual([`all.${format}`]);

      const cli = runCli(path);
      expect(cli.stdout).toContain(`intact: 30 entries, seq 1..30, head ${head.hash}`);
      expect(cli.status).toBe(0);
    });

    it(`keeps control and bidi characters escaped in ${format}, and still verifies`, async () => {
      const dataDir = sandbox.freshDir();
      outDir = sandbox.freshDir();
      const store = await sandbox.open(dataDir);
      // What a hostile name could carry: ESC, a right-to-left override, an isolate, a C1 control,
      // DEL, and a backslash that must not be read back as an escape.
      const hostile = 'invoice\u202Egpj.exe \u001b[31mred\u2066 \u0085 \u007f \\u202E';
      store.recordAudit([
        {
          actor: hostile,
          action: 'chain.changed',
          subject: `chain:${hostile}`,
          details: { name: hostile },
        },
      ]);
      const path = join(outDir, `hidden.${format}`);
      await writeAuditExport({ store, format, path, exportedBy: hostile });
      const text = readFileSync(path, 'utf8');
      // Line feeds end records; nothing else hidden is left raw.
      expect(text.replaceAll('\n', '')).not.toMatch(HIDDEN_CHARACTERS);
      expect(text).toContain('\\u202E');
      const check = await verifyAuditExportFile(path);
      expect(check.verification).toMatchObject({ intact: true, count: 1 });
    });

    it(`exports a time range as ${format} that verifies from the hash before its first entry`, async () => {
      const store = await logWithEntries();
      const path = join(outDir, `range.${format}`);
      const summary = await writeAuditExport({
        store,
        format,
        path,
        exportedBy: 'alice',
        from: START + 10 * MINUTE,
        to: START + 19 * MINUTE + 30_000,
      });
      expect(summary.header).toMatchObject({
        fromSeq: 11,
        toSeq: 20,
        count: 10,
        prevHash: store.auditEntryAt(10)!.hash,
        last: { seq: 20, hash: store.auditEntryAt(20)!.hash },
        head: { seq: 30, hash: store.lastAuditEntry()!.hash },
      });
      const check = await verifyAuditExportFile(path);
      expect(check.verification).toMatchObject({
        intact: true,
        count: 10,
        firstSeq: 11,
        lastSeq: 20,
      });
    });
  }

  it('keeps the CSV friendly to spreadsheets: formula-like cells are quoted with an apostrophe', async () => {
    const store = await logWithEntries();
    const path = join(outDir, 'sheet.csv');
    await writeAuditExport({ store, format: 'csv', path, exportedBy: 'alice' });
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe('record,seq,time,actor,action,subject,details,prev_hash,hash');
    expect(lines[1]).toMatch(/^header,1,/);
    expect(lines[2]).toMatch(
      /^entry,1,2025-01-01T09:00:00\.000Z,"'=HYPERLINK\(""http:\/\/x""\)",contract\.added,chain:31337,/,
    );
    expect(lines.at(-2)).toMatch(/^trailer,30,/);
  });

  it('fixes its end when it starts: entries added during the export are not in it', async () => {
    const store = await logWithEntries();
    const path = join(outDir, 'racing.jsonl');
    const summary = await writeAuditExport({
      store,
      format: 'jsonl',
      path,
      exportedBy: 'alice',
      chunkSize: 5,
      onProgress: () => {
        store.recordAudit([
          { actor: 'bob', action: 'chain.removed', subject: 'chain:1', details: {} },
        ]);
      },
    });
    expect(summary.header.count).toBe(30);
    expect(store.lastAuditEntry()!.seq).toBe(36);
    expect((await verifyAuditExportFile(path)).verification).toMatchObject({
      intact: true,
      lastSeq: 30,
    });
  });

  it('refuses a bad path with the reason and writes nothing', async () => {
    const store = await logWithEntries();
    const aFile = join(outDir, 'plain-file');
    writeFileSync(aFile, 'x');
    mkdirSync(join(outDir, 'a-directory'));
    const cases: [string, string][] = [
      ['relative/audit.jsonl', 'relative'],
      [join(outDir, 'missing', 'audit.jsonl'), 'directory-missing'],
      [join(aFile, 'audit.jsonl'), 'not-a-directory'],
      [join(outDir, 'a-directory'), 'is-a-directory'],
      [join(store.dataDir, 'journal.ndjson'), 'inside-data-dir'],
      // sysfs refuses new files even to root.
      ['/sys/vigil-audit.jsonl', 'not-writable'],
    ];
    const { checkExportPath } = await import('../../../src-main/core/audit/index.ts');
    for (const [path, reason] of cases) {
      const attempt = (async () => {
        await writeAuditExport({
          store,
          format: 'jsonl',
          path: checkExportPath(path, store.dataDir),
          exportedBy: 'alice',
        });
      })();
      await expect(attempt, path).rejects.toMatchObject({
        code: 'EXPORT_PATH_INVALID',
        field: 'path',
        details: { path, reason },
      });
    }
    expect(readdirSync(outDir).sort()).toEqual(['a-directory', 'plain-file']);
    expect(readFileSync(join(store.dataDir, 'journal.ndjson'), 'utf8')).toContain('"seq":30');
  });

  it('leaves nothing at the path when an export is stopped half way', async () => {
    const store = await logWithEntries();
    const path = join(outDir, 'stopped.jsonl');
    const stop = new AbortController();
    const attempt = writeAuditExport({
      store,
      format: 'jsonl',
      path,
      exportedBy: 'alice',
      chunkSize: 4,
      signal: stop.signal,
      onProgress: () => stop.abort(),
    });
    await expect(attempt).rejects.toThrow(/closing/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(outDir)).toEqual([]);
  });
});

// ---- tampering ---------------------------------------------------------------------------

type Tamper = (lines: string[], rowOf: (seq: number) => number) => string[];

interface TamperCase {
  name: string;
  tamper: Tamper;
  kind: string;
  atSeq: number;
  /** 1-based line (row) of the export at which the break is reported. */
  atLine: (rowOf: (seq: number) => number) => number;
}

function forgedEntryAfter(previous: AuditEntry): AuditEntry {
  return chainAuditEntry(
    previous,
    { actor: 'mallory', action: 'chain.added', subject: 'chain:666', details: { forged: true } },
    previous.at + 1,
  );
}

const withoutLast = (lines: string[]): string[] =>
  lines.slice(0, lines.at(-1) === '' ? -1 : undefined);

describe('a tampered export fails verification at the right entry, for the right reason', () => {
  const sandbox = useStoreSandbox();

  for (const format of ['jsonl', 'csv'] as const) {
    const encode = (entry: AuditEntry): string => exportEncoders[format].entry(entry).trimEnd();
    const decodeEntry = (entries: AuditEntry[], seq: number) => entries[seq - 1]!;

    const cases = (entries: AuditEntry[]): TamperCase[] => [
      {
        name: 'one field edited',
        tamper: (lines, rowOf) => {
          const row = rowOf(12);
          lines[row - 1] = encode({ ...decodeEntry(entries, 12), actor: 'mallory' });
          return lines;
        },
        kind: 'edited',
        atSeq: 12,
        atLine: (rowOf) => rowOf(12),
      },
      {
        name: 'one field edited and the hash recomputed',
        tamper: (lines, rowOf) => {
          const forged = { ...decodeEntry(entries, 12), subject: 'chain:1' };
          lines[rowOf(12) - 1] = encode({ ...forged, hash: auditEntryHash(forged) });
          return lines;
        },
        kind: 'edited',
        atSeq: 12,
        atLine: (rowOf) => rowOf(12),
      },
      {
        name: 'a line deleted',
        tamper: (lines, rowOf) => lines.filter((_, index) => index !== rowOf(7) - 1),
        kind: 'missing',
        atSeq: 8,
        // Line 7's place is now taken by seq 8.
        atLine: (rowOf) => rowOf(7),
      },
      {
        name: 'the last entry deleted (the trailer still there)',
        tamper: (lines, rowOf) => lines.filter((_, index) => index !== rowOf(30) - 1),
        kind: 'missing',
        atSeq: 30,
        atLine: (rowOf) => rowOf(30),
      },
      {
        name: 'a forged line inserted',
        tamper: (lines, rowOf) => {
          lines.splice(rowOf(5), 0, encode(forgedEntryAfter(decodeEntry(entries, 5))));
          return lines;
        },
        kind: 'inserted',
        atSeq: 6,
        atLine: (rowOf) => rowOf(6),
      },
      {
        name: 'a line copied',
        tamper: (lines, rowOf) => {
          lines.splice(rowOf(20), 0, lines[rowOf(3) - 1]!);
          return lines;
        },
        kind: 'inserted',
        atSeq: 3,
        atLine: (rowOf) => rowOf(21),
      },
      {
        name: 'two lines swapped',
        tamper: (lines, rowOf) => {
          const [a, b] = [rowOf(9) - 1, rowOf(10) - 1];
          [lines[a], lines[b]] = [lines[b]!, lines[a]!];
          return lines;
        },
        kind: 'reordered',
        atSeq: 10,
        atLine: (rowOf) => rowOf(9),
      },
      {
        name: 'two lines far apart swapped',
        tamper: (lines, rowOf) => {
          const [a, b] = [rowOf(4) - 1, rowOf(17) - 1];
          [lines[a], lines[b]] = [lines[b]!, lines[a]!];
          return lines;
        },
        kind: 'reordered',
        atSeq: 17,
        atLine: (rowOf) => rowOf(4),
      },
      {
        name: 'the end cut off at a line break',
        tamper: (lines, rowOf) => [...lines.slice(0, rowOf(25)), ''],
        kind: 'truncated',
        atSeq: 26,
        atLine: (rowOf) => rowOf(26),
      },
      {
        name: 'the end cut off in the middle of a line',
        tamper: (lines, rowOf) => {
          const kept = lines.slice(0, rowOf(25));
          kept[kept.length - 1] = kept.at(-1)!.slice(0, 150);
          return kept;
        },
        kind: 'truncated',
        atSeq: 25,
        atLine: (rowOf) => rowOf(25),
      },
      {
        name: 'only the trailer cut off',
        tamper: (lines) => [...withoutLast(lines).slice(0, -1), ''],
        kind: 'truncated',
        atSeq: 30,
        atLine: (rowOf) => rowOf(30) + 1,
      },
    ];

    it(`in ${format}`, async () => {
      const dataDir = sandbox.freshDir();
      const outDir = sandbox.freshDir();
      const store = await sandbox.open(dataDir);
      fillLog(store);
      const entries = store.listAudit({ order: 'asc', limit: 100 });
      const path = join(outDir, `good.${format}`);
      await writeAuditExport({ store, format, path, exportedBy: 'alice' });
      const original = readFileSync(path, 'utf8');
      // JSONL: header on line 1, seq N on line N+1. CSV: column names, header row, then entries.
      // (Details with line breaks are escaped in JSON, so every CSV row is one line too.)
      const rowOf = (seq: number): number => seq + (format === 'jsonl' ? 1 : 2);

      for (const testCase of cases(entries)) {
        const tampered = join(outDir, `${testCase.name.replace(/\W+/g, '-')}.${format}`);
        writeFileSync(tampered, testCase.tamper(original.split('\n'), rowOf).join('\n'));
        const check = await verifyAuditExportFile(tampered);
        expect(check.verification, testCase.name).toMatchObject({
          intact: false,
          kind: testCase.kind,
          atSeq: testCase.atSeq,
          atPosition: testCase.atLine(rowOf),
        });
      }

      // The command line says the same, and fails.
      const edited = join(outDir, `one-field-edited.${format}`);
      const cli = runCli(edited);
      expect(cli.status).toBe(1);
      expect(cli.stdout).toContain(`broken: edited at line ${rowOf(12)} (seq 12)`);
    });
  }

  it('says a file that is not an export is not one (exit 2)', async () => {
    const outDir = sandbox.freshDir();
    const path = join(outDir, 'notes.txt');
    writeFileSync(path, 'secret: hunter2\n');
    await expect(verifyAuditExportFile(path)).rejects.toMatchObject({ code: 'EXPORT_INVALID' });
    const cli = runCli(path);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain('not a Vigil audit export');
    expect(cli.stderr).not.toContain('hunter2');
    // A JSON file is not taken for a damaged export, and nothing of it is repeated.
    const json = join(outDir, 'settings.json');
    writeFileSync(json, '{"apiKey":"hunter2"}\n{"seq":1}\n');
    const refused = await verifyAuditExportFile(json).catch((error: Error) => error);
    expect(refused).toMatchObject({ code: 'EXPORT_INVALID' });
    expect((refused as Error).message).not.toMatch(/apiKey|hunter2/);
  });
});
