// Reads an exported file back as records (header, entries, trailer), streaming, in either format:
// the first bytes say which. A line or row that is not what the format says is handed on as
// `unreadable`, with whether it was the file's last and unterminated (a cut end), so the verifier
// can tell an edited line from a truncated file.
import { StringDecoder } from 'node:string_decoder';
import { parse as createCsvParser, type CsvError } from 'csv-parse';
import {
  AuditExportHeader,
  AuditExportTrailer,
  type AuditExportFormat,
} from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import type { AuditEntry } from '../audit-chain/index.ts';
import { CSV_COLUMNS, readTextCell, unprotectCell } from './export-format.ts';

export type ExportRecord =
  | { kind: 'header'; header: AuditExportHeader; position: number }
  | { kind: 'entry'; entry: AuditEntry; position: number }
  | { kind: 'trailer'; trailer: AuditExportTrailer; position: number }
  | {
      kind: 'unreadable';
      reason: string;
      position: number;
      /** The file ended inside this record: it was cut, not edited. */
      cut: boolean;
      /** What the record says it is, when it says so (a malformed header or trailer). */
      claims?: 'header' | 'trailer';
    };

export interface AuditExportReader {
  format: AuditExportFormat;
  records: AsyncGenerator<ExportRecord>;
}

type Chunks = AsyncIterable<string | Uint8Array>;

const ENTRY_KEYS = new Set([
  'seq',
  'at',
  'actor',
  'action',
  'subject',
  'details',
  'prevHash',
  'hash',
]);
const HASH = /^[0-9a-f]{64}$/;

/** Opens an export for reading; throws EXPORT_INVALID if it is not one. */
export async function openAuditExport(
  source: Chunks,
  name = 'the file',
): Promise<AuditExportReader> {
  const iterator = source[Symbol.asyncIterator]();
  const decoder = new StringDecoder('utf8');
  let first = '';
  let done = false;
  // Enough of the start to recognise the format, however the source is chunked.
  while (!done && first.length < 16) {
    const next = await iterator.next();
    if (next.done) done = true;
    else first += typeof next.value === 'string' ? next.value : decoder.write(next.value);
  }
  first = first.replace(/^\uFEFF/, '');
  const rest: Chunks = {
    async *[Symbol.asyncIterator]() {
      try {
        if (first) yield first;
        while (!done) {
          const next = await iterator.next();
          if (next.done) break;
          yield typeof next.value === 'string' ? next.value : decoder.write(next.value);
        }
        const tail = decoder.end();
        if (tail) yield tail;
      } finally {
        // Also when the records stop being read (a break was found): the source, a file, is
        // closed then, not when it is collected.
        await iterator.return?.();
      }
    },
  };
  if (first.startsWith('{')) return { format: 'jsonl', records: markCutEnd(jsonlRecords(rest)) };
  if (first.startsWith(`${CSV_COLUMNS[0]},${CSV_COLUMNS[1]},`))
    return { format: 'csv', records: markCutEnd(csvRecords(rest)) };
  await iterator.return?.();
  throw new VigilError(
    'EXPORT_INVALID',
    first === ''
      ? `${name} is empty: it is not a Vigil audit export.`
      : // Never echo the content: a path may name any file on the machine.
        `${name} is not a Vigil audit export: it starts with neither a JSON Lines header nor the CSV column names.`,
  );
}

interface RawRecord {
  record: ExportRecord;
  /** Whether the text of this record ended with a line break. */
  terminated: boolean;
}

/** Holds one record back, so the last one is known, and marks it cut if it is unterminated. */
async function* markCutEnd(raw: AsyncGenerator<RawRecord>): AsyncGenerator<ExportRecord> {
  let held: RawRecord | undefined;
  for await (const next of raw) {
    if (held) yield held.record;
    held = next;
  }
  if (!held) return;
  if (held.record.kind === 'unreadable' && !held.terminated) held.record.cut = true;
  yield held.record;
}

// ---- JSON Lines ---------------------------------------------------------------------------

async function* lines(source: Chunks): AsyncGenerator<{ text: string; terminated: boolean }> {
  let pending = '';
  for await (const chunk of source) {
    const text = pending + (chunk as string);
    let start = 0;
    let end: number;
    while ((end = text.indexOf('\n', start)) >= 0) {
      yield {
        text: text.slice(start, text.charCodeAt(end - 1) === 13 ? end - 1 : end),
        terminated: true,
      };
      start = end + 1;
    }
    pending = text.slice(start);
  }
  if (pending !== '') yield { text: pending, terminated: false };
}

async function* jsonlRecords(source: Chunks): AsyncGenerator<RawRecord> {
  let position = 0;
  for await (const line of lines(source)) {
    position++;
    // Blank lines carry nothing; an editor may add one at the end.
    if (line.text.trim() === '') continue;
    yield { record: jsonlRecord(line.text, position), terminated: line.terminated };
  }
}

function jsonlRecord(text: string, position: number): ExportRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return unreadable(position, 'the line is not valid JSON');
  }
  if (typeof value === 'object' && value !== null && 'record' in value) {
    return headerOrTrailer((value as { record: unknown }).record, value, position);
  }
  const entry = asAuditEntry(value);
  return typeof entry === 'string'
    ? unreadable(position, entry)
    : { kind: 'entry', entry, position };
}

function headerOrTrailer(record: unknown, value: unknown, position: number): ExportRecord {
  if (record === 'header') {
    const parsed = AuditExportHeader.safeParse(value);
    return parsed.success
      ? { kind: 'header', header: parsed.data, position }
      : unreadable(
          position,
          `the export header is malformed (${issueText(parsed.error)})`,
          'header',
        );
  }
  if (record === 'trailer') {
    const parsed = AuditExportTrailer.safeParse(value);
    return parsed.success
      ? { kind: 'trailer', trailer: parsed.data, position }
      : unreadable(
          position,
          `the export trailer is malformed (${issueText(parsed.error)})`,
          'trailer',
        );
  }
  return unreadable(position, `record ${JSON.stringify(record)} is neither header nor trailer`);
}

function issueText(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join('.') || 'record'}: ${issue.message}` : 'invalid';
}

/** An entry exactly as exported (no field missing, none added), or what is wrong with it. */
function asAuditEntry(value: unknown): AuditEntry | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'the line is not a JSON object';
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields))
    if (!ENTRY_KEYS.has(key)) return `the entry has a field no audit entry has: ${key}`;
  const { seq, at, actor, action, subject, details, prevHash, hash } = fields;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
    return 'seq is not a positive whole number';
  if (typeof at !== 'number' || !Number.isSafeInteger(at))
    return 'at is not a time in milliseconds';
  if (typeof actor !== 'string') return 'actor is not text';
  if (typeof action !== 'string') return 'action is not text';
  if (typeof subject !== 'string') return 'subject is not text';
  if (typeof details !== 'object' || details === null || Array.isArray(details))
    return 'details is not a JSON object';
  if (typeof prevHash !== 'string' || !HASH.test(prevHash))
    return 'prevHash is not 64 lowercase hex digits';
  if (typeof hash !== 'string' || !HASH.test(hash)) return 'hash is not 64 lowercase hex digits';
  return {
    seq,
    at,
    actor,
    action,
    subject,
    details: details as Record<string, unknown>,
    prevHash,
    hash,
  };
}

function unreadable(
  position: number,
  reason: string,
  claims?: 'header' | 'trailer',
): Extract<ExportRecord, { kind: 'unreadable' }> {
  return { kind: 'unreadable', reason, position, cut: false, ...(claims ? { claims } : {}) };
}

// ---- CSV ----------------------------------------------------------------------------------

interface ParsedRow {
  record: string[];
  info: { lines: number };
}

/**
 * Rows from csv-parse, fed chunk by chunk. Rows are collected from its events rather than read
 * through its async iterator, which drops rows already parsed when a later error (an unclosed
 * quote at a cut end) ends the stream.
 */
async function* csvRows(source: Chunks): AsyncGenerator<ParsedRow | { error: CsvError }> {
  const parser = createCsvParser({ relax_column_count: true, info: true });
  const parsed: ParsedRow[] = [];
  let failure: CsvError | undefined;
  let ended = false;
  parser.on('data', (row: ParsedRow) => parsed.push(row));
  parser.on('error', (error: CsvError) => (failure = error));
  const finished = new Promise<void>((resolve) => {
    parser.on('end', () => {
      ended = true;
      resolve();
    });
    parser.on('error', () => resolve());
  });
  for await (const chunk of source) {
    if (failure) break;
    // A row the parser refuses ends it without a 'drain' (write then returns false): waiting for
    // the drain alone hung the verifier on a stray quote.
    if (!parser.write(chunk))
      await Promise.race([new Promise<void>((resolve) => parser.once('drain', resolve)), finished]);
    // Let the parser hand over what it has parsed before reading more.
    await new Promise<void>((resolve) => setImmediate(resolve));
    yield* parsed.splice(0);
  }
  if (!failure && !ended) {
    parser.end();
    await finished;
  }
  yield* parsed.splice(0);
  if (failure) yield { error: failure };
}

async function* csvRecords(source: Chunks): AsyncGenerator<RawRecord> {
  let terminated = true;
  const tracked: Chunks = {
    async *[Symbol.asyncIterator]() {
      for await (const chunk of source) {
        const text = chunk as string;
        if (text.length > 0) terminated = text.endsWith('\n');
        yield text;
      }
    },
  };
  let headingSeen = false;
  let lastLine = 0;
  let held: ExportRecord | undefined;
  for await (const row of csvRows(tracked)) {
    if ('error' in row) {
      if (held) yield { record: held, terminated: true };
      held = undefined;
      const position = (row.error as { lines?: number }).lines ?? lastLine + 1;
      const cut = row.error.code === 'CSV_QUOTE_NOT_CLOSED';
      yield {
        record: {
          kind: 'unreadable',
          reason: `not valid CSV (${row.error.message})`,
          position,
          cut,
        },
        terminated: !cut,
      };
      return;
    }
    lastLine = row.info.lines;
    if (!headingSeen) {
      headingSeen = true;
      if (row.record.join(',') !== CSV_COLUMNS.join(','))
        yield {
          record: unreadable(
            row.info.lines,
            `the first row is not the column names ${CSV_COLUMNS.join(',')}`,
          ),
          terminated: true,
        };
      continue;
    }
    if (held) yield { record: held, terminated: true };
    held = csvRecord(row.record, row.info.lines);
  }
  // Only the very last row can have been cut; whether it was is known once the source ended.
  if (held) yield { record: held, terminated };
}

function csvRecord(cells: string[], position: number): ExportRecord {
  if (cells.length !== CSV_COLUMNS.length)
    return unreadable(position, `the row has ${cells.length} cells, not ${CSV_COLUMNS.length}`);
  const [record, seq, time, actor, action, subject, details, prevHash, hash] = cells as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (record === 'header' || record === 'trailer') {
    let value: unknown;
    try {
      value = JSON.parse(details);
    } catch {
      // The row says what it is, as a JSON Lines header's "record" does: a damaged header row
      // is an edited export, not a file that is no export at all.
      return unreadable(position, `the ${record} row's details are not valid JSON`, record);
    }
    return headerOrTrailer(record, value, position);
  }
  if (record !== 'entry')
    return unreadable(position, `record ${JSON.stringify(record)} is not header, entry or trailer`);
  if (!/^\d{1,15}$/.test(seq)) return unreadable(position, 'seq is not a whole number');
  const at = Date.parse(time);
  // Only the exact form the export wrote maps back to the hashed millisecond time.
  if (!Number.isFinite(at) || new Date(at).toISOString() !== time)
    return unreadable(position, `time ${JSON.stringify(time)} is not an ISO time as exported`);
  let parsedDetails: unknown;
  try {
    parsedDetails = JSON.parse(unprotectCell(details));
  } catch {
    return unreadable(position, 'details are not valid JSON');
  }
  const entry = asAuditEntry({
    seq: Number(seq),
    at,
    actor: readTextCell(actor),
    action: readTextCell(action),
    subject: readTextCell(subject),
    details: parsedDetails,
    prevHash,
    hash,
  });
  return typeof entry === 'string'
    ? unreadable(position, entry)
    : { kind: 'entry', entry, position };
}
