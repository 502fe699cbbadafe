// The two export formats, line by line. JSON Lines: a header line, one entry per line as stored
// (with its hashes), a trailer line. CSV: the same records as rows under one row of column names,
// the first column saying which record a row is, so a spreadsheet can filter out the header and
// trailer rows; their JSON sits in the details column.
import type {
  AuditExportFormat,
  AuditExportHeader,
  AuditExportTrailer,
} from '../../ipc/contract.ts';
import { canonicalJson, type AuditEntry } from '../audit-chain/index.ts';

export const AUDIT_EXPORT_FORMAT = 'vigil-audit-export';
export const AUDIT_EXPORT_VERSION = 1;

export const CSV_COLUMNS = [
  'record',
  'seq',
  'time',
  'actor',
  'action',
  'subject',
  'details',
  'prev_hash',
  'hash',
] as const;

type CsvRow = [string, string, string, string, string, string, string, string, string];

// ---- JSON Lines ---------------------------------------------------------------------------

const jsonLine = (record: object): string => `${JSON.stringify(record)}\n`;

/** One entry, keys in the order a person reads them; the verifier hashes the canonical form. */
function jsonlEntryLine(entry: AuditEntry): string {
  const { seq, at, actor, action, subject, details, prevHash, hash } = entry;
  return jsonLine({ seq, at, actor, action, subject, details, prevHash, hash });
}

// ---- CSV ----------------------------------------------------------------------------------

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab or CR) as a formula, so such text
 * cells get a leading apostrophe, as OWASP advises. A cell that starts with an apostrophe gets
 * one too, which makes the change reversible: the reader drops exactly one leading apostrophe.
 */
const FORMULA_START = /^[=+\-@\t\r']/;

function protectCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function unprotectCell(text: string): string {
  return text.startsWith("'") ? text.slice(1) : text;
}

function csvEntryRow(entry: AuditEntry): CsvRow {
  return [
    'entry',
    String(entry.seq),
    new Date(entry.at).toISOString(),
    protectCell(entry.actor),
    protectCell(entry.action),
    protectCell(entry.subject),
    protectCell(canonicalJson(entry.details)),
    entry.prevHash,
    entry.hash,
  ];
}

function csvHeaderRow(header: AuditExportHeader): CsvRow {
  return [
    'header',
    String(header.fromSeq),
    header.exportedAt,
    protectCell(header.exportedBy),
    '',
    '',
    canonicalJson(header),
    header.prevHash,
    '',
  ];
}

function csvTrailerRow(trailer: AuditExportTrailer): CsvRow {
  return [
    'trailer',
    String(trailer.last.seq),
    '',
    '',
    '',
    '',
    canonicalJson(trailer),
    '',
    trailer.last.hash,
  ];
}

/** A field as RFC 4180 has it: quoted, with quotes doubled, when it holds a quote, comma or line break. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One row as a CSV line (RFC 4180 quoting, LF line end). Written here rather than with
 * csv-stringify, which produced the same bytes six times slower (16 µs a row against 2.7):
 * quoting is the easy half of CSV. Reading, the hard half, is csv-parse's (read-export.ts), and
 * the tests read every export written here back through it.
 */
function csvLine(row: CsvRow): string {
  return `${row.map(csvField).join(',')}\n`;
}

// ---- Both ---------------------------------------------------------------------------------

/** The text of each part of an export, in one format. */
interface ExportEncoder {
  /** Everything before the first entry. */
  header(header: AuditExportHeader): string;
  entry(entry: AuditEntry): string;
  trailer(trailer: AuditExportTrailer): string;
}

export const exportEncoders: Record<AuditExportFormat, ExportEncoder> = {
  jsonl: { header: jsonLine, entry: jsonlEntryLine, trailer: jsonLine },
  csv: {
    header: (header) => `${CSV_COLUMNS.join(',')}\n${csvLine(csvHeaderRow(header))}`,
    entry: (entry) => csvLine(csvEntryRow(entry)),
    trailer: (trailer) => csvLine(csvTrailerRow(trailer)),
  },
};
