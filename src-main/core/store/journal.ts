// The operator journal: every operator-originated change is appended here and fsync'd before it
// is acknowledged, then replayed over the last snapshot at start. One line per entry:
// "<checksum> <json>\n", the checksum covering the JSON so a torn or edited line is detected.
// Once both snapshots on disk include an entry, it is no longer needed: the journal is
// compacted, atomically, to a first line saying through which sequence number it was cut.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, renameSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDirectory, writeAllAndSync, writeFileDurably } from './durable-file.ts';
import type { AuditEntry } from '../audit-chain/index.ts';
import { VigilError } from '../errors/index.ts';

export interface JournalEntry<Command> {
  seq: number;
  at: number;
  command: Command;
  /** The audit entries recorded with the command, already chained; replayed verbatim. */
  audit?: AuditEntry[];
}

export interface Journal<Command> {
  /** Entries found on open, in order. */
  readonly entries: readonly JournalEntry<Command>[];
  readonly lastSeq: number;
  /** Bytes this process has written to the journal (appends and compactions). */
  readonly bytesAppended: number;
  /** Entries up to this sequence number were compacted away (0: none). */
  readonly compactedThrough: number;
  /** Appends and fsyncs; when it returns, the entry survives a crash. */
  append(command: Command, at?: number, audit?: AuditEntry[]): JournalEntry<Command>;
  /**
   * Rewrites the journal without the entries up to `seq` (temp file, fsync, rename), for when
   * every snapshot that could be loaded includes them.
   */
  compactThrough(seq: number): void;
  close(): void;
}

export interface OpenJournalResult<Command> {
  journal: Journal<Command>;
  /** Bytes of an unacknowledged, torn last line that were cut off, if any. */
  droppedTornTailBytes: number;
}

function checksumOf(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 16);
}

export function encodeJournalLine(entry: JournalEntry<unknown>): string {
  const json = JSON.stringify(entry);
  return `${checksumOf(json)} ${json}\n`;
}

/** The first line of a compacted journal. */
function encodeCompactionLine(seq: number): string {
  const json = JSON.stringify({ compactedThrough: seq });
  return `${checksumOf(json)} ${json}\n`;
}

function decodeCompactionLine(line: string): number | undefined {
  const space = line.indexOf(' ');
  const json = line.slice(space + 1);
  if (space !== 16 || checksumOf(json) !== line.slice(0, space)) return undefined;
  try {
    const value = (JSON.parse(json) as { compactedThrough?: unknown }).compactedThrough;
    return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function decodeJournalLine<Command>(line: string): JournalEntry<Command> | undefined {
  const space = line.indexOf(' ');
  if (space !== 16) return undefined;
  const json = line.slice(space + 1);
  if (checksumOf(json) !== line.slice(0, space)) return undefined;
  try {
    return JSON.parse(json) as JournalEntry<Command>;
  } catch {
    return undefined;
  }
}

export function openJournal<Command>(path: string): OpenJournalResult<Command> {
  const entries: JournalEntry<Command>[] = [];
  let droppedTornTailBytes = 0;
  let compactedThrough = 0;
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    // The text after the last newline was never acknowledged (append writes whole lines).
    const tail = lines.pop() ?? '';
    let goodBytes = 0;
    const firstLine = lines.length > 0 ? decodeCompactionLine(lines[0]!) : undefined;
    if (firstLine !== undefined) {
      compactedThrough = firstLine;
      goodBytes += Buffer.byteLength(lines[0]!) + 1;
    }
    for (const [index, line] of lines.entries()) {
      if (index === 0 && firstLine !== undefined) continue;
      const entry = decodeJournalLine<Command>(line);
      const isLast = index === lines.length - 1;
      if (!entry || entry.seq !== (entries.at(-1)?.seq ?? compactedThrough) + 1) {
        if (isLast && tail === '' && !entry) {
          // A last line that fails its checksum is a torn write: the fsync never returned.
          droppedTornTailBytes = Buffer.byteLength(line) + 1;
          break;
        }
        throw new VigilError(
          'STORE_CORRUPT',
          `The operator journal ${path} is damaged at line ${index + 1}: ${entry ? `sequence ${entry.seq} follows ${entries.at(-1)?.seq ?? compactedThrough}` : 'the line fails its checksum'}. Nothing was changed; keep a copy of the data directory and restore the journal from a backup.`,
          { details: { path, line: index + 1 } },
        );
      }
      entries.push(entry);
      goodBytes += Buffer.byteLength(line) + 1;
    }
    droppedTornTailBytes += Buffer.byteLength(tail);
    if (droppedTornTailBytes > 0) truncateSync(path, goodBytes);
  }

  let fd = openSync(path, 'a');
  let lastSeq = entries.at(-1)?.seq ?? compactedThrough;
  let bytesAppended = 0;
  const journal: Journal<Command> = {
    entries,
    get bytesAppended() {
      return bytesAppended;
    },
    get lastSeq() {
      return lastSeq;
    },
    get compactedThrough() {
      return compactedThrough;
    },
    append(command, at = Date.now(), audit) {
      const entry: JournalEntry<Command> = {
        seq: lastSeq + 1,
        at,
        command,
        ...(audit && audit.length > 0 ? { audit } : {}),
      };
      const line = Buffer.from(encodeJournalLine(entry));
      writeAllAndSync(fd, line);
      bytesAppended += line.length;
      lastSeq = entry.seq;
      return entry;
    },
    compactThrough(seq) {
      if (seq <= compactedThrough) return;
      const through = Math.min(seq, lastSeq);
      const kept = readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => {
          const entry = line === '' ? undefined : decodeJournalLine<Command>(line);
          return entry !== undefined && entry.seq > through;
        });
      const tempPath = `${path}.compacting`;
      const content = Buffer.from(
        encodeCompactionLine(through) + kept.map((line) => `${line}\n`).join(''),
      );
      writeFileDurably(tempPath, content);
      bytesAppended += content.length;
      closeSync(fd);
      renameSync(tempPath, path);
      fsyncDirectory(dirname(path));
      fd = openSync(path, 'a');
      compactedThrough = through;
    },
    close() {
      closeSync(fd);
    },
  };
  return { journal, droppedTornTailBytes };
}
