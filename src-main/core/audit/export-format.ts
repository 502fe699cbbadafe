// The two export formats, line by line. JSON Lines: a header line, one entry per line as stored
// (with its hashes), a trailer line. CSV: the same records as rows under one row of column names,
// the first column saying which record a row is, so a spreadsheet can filter out the header and
// trailer rows; their JSON sits in the details column.
import {
  escapedCode,
  HIDDEN_CHARACTERS,
  type AuditExportFormat,
  type AuditExportHeader,
  type AuditExportTrailer,
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

/**
 * JSON with the hidden characters JSON.stringify leaves raw (DEL, C1 controls, bidi overrides and
 * isolates; it escapes C0 itself) written as \uXXXX escapes: the same value to any JSON reader,
 * but a viewer or terminal showing the file shows the escape, not reversed or hidden text.
 */
export const escapeHiddenInJson = (json: string): string =>
  json.replace(HIDDEN_CHARACTERS, escapedCode);

const jsonLine = (record: object): string => `${escapeHiddenInJson(JSON.stringify(record))}\n`;

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

const HIDDEN_OR_BACKSLASH = new RegExp(`\\\\|${HIDDEN_CHARACTERS.source}`, 'g');

/**
 * A text cell (actor, action, subject): hidden characters as \uXXXX and a backslash doubled, so
 * the reader gets back exactly the text that was hashed; then formula protection.
 */
function textCell(text: string): string {
  return protectCell(
    text.replace(HIDDEN_OR_BACKSLASH, (character) =>
      character === '\\' ? '\\\\' : escapedCode(character),
    ),
  );
}

export function readTextCell(cell: string): string {
  return unprotectCell(cell).replace(/\\(\\|u[0-9A-F]{4})/g, (_, escape: string) =>
    escape === '\\' ? '\\' : String.fromCharCode(parseInt(escape.slice(1), 16)),
  );
}

function csvEntryRow(entry: AuditEntry): CsvRow {
  return [
    'entry',
    String(entry.seq),
    new Date(entry.at).toISOString(),
    textCell(entry.actor),
    textCell(entry.action),
    textCell(entry.subject),
    protectCell(escapeHiddenInJson(canonicalJson(entry.details))),
    entry.prevHash,
    entry.hash,
  ];
}

function csvHeaderRow(header: AuditExportHeader): CsvRow {
  return [
    'header',
    String(header.fromSeq),
    header.exportedAt,
    textCell(header.exportedBy),
    '',
    '',
    escapeHiddenInJson(canonicalJson(header)),
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
    escapeHiddenInJson(canonicalJson(trailer)),
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
