// The operator journal: every operator-originated change is appended here and fsync'd before it
// is acknowledged, then replayed over the last snapshot at start. One line per entry:
// "<seal> <json>\n". With the data directory's key the seal is the line's MAC (64 hex digits), so
// a line edited on disk by someone without the key fails; without one (tests of the store alone,
// directories from before MACs) it is a 16-digit checksum, which only catches a torn write.
// Once both snapshots on disk include an entry, it is no longer needed: the journal is
// compacted, atomically, to a first line saying through which sequence number it was cut.
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fsyncDirectory, writeAllAndSync, writeFileDurably } from './durable-file.ts';
import type { IntegrityProblem, StoreIntegrity } from './record-seal.ts';
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
  /** Rewrites every line with its MAC (temp file, fsync, rename): a directory adopted once. */
  sealAll(): void;
  /**
   * Starts the journal over as compacted through `seq` (what the loaded snapshot includes), for
   * when lines the snapshot already holds were quarantined: appends go on after `seq`.
   */
  restartAfter(seq: number): void;
  close(): void;
}

export interface OpenJournalResult<Command> {
  journal: Journal<Command>;
  /** Bytes of an unacknowledged, torn last line that were cut off, if any. */
  droppedTornTailBytes: number;
  /**
   * A line that failed its MAC, and every line after it: none of them replayed; the journal as
   * found was copied aside and cut before that line.
   */
  quarantined?: IntegrityProblem & { fromSeq: number; lines: number };
}

const JOURNAL_DOMAIN = 'journal';

function checksumOf(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 16);
}

function encodeLine(json: string, integrity: StoreIntegrity | undefined): string {
  const seal = integrity ? integrity.mac.sign(JOURNAL_DOMAIN, json) : checksumOf(json);
  return `${seal} ${json}\n`;
}

export function encodeJournalLine(
  entry: JournalEntry<unknown>,
  integrity?: StoreIntegrity,
): string {
  return encodeLine(JSON.stringify(entry), integrity);
}

/** The first line of a compacted journal. */
function encodeCompactionLine(seq: number, integrity: StoreIntegrity | undefined): string {
  return encodeLine(JSON.stringify({ compactedThrough: seq }), integrity);
}

/**
 * A line's JSON and how its seal reads: 'ok' (the MAC, or the checksum when the store has no
 * key), 'unsealed' (a plain checksum where a MAC is expected), 'bad' (neither: torn or edited).
 */
function readLine(
  line: string,
  integrity: StoreIntegrity | undefined,
): { json: string; seal: 'ok' | 'unsealed' | 'bad' } {
  const space = line.indexOf(' ');
  const json = line.slice(space + 1);
  const seal = line.slice(0, space);
  if (space === 64 && integrity)
    return { json, seal: integrity.mac.verify(JOURNAL_DOMAIN, json, seal) ? 'ok' : 'bad' };
  if (space === 16 && checksumOf(json) === seal)
    return { json, seal: integrity ? 'unsealed' : 'ok' };
  return { json, seal: 'bad' };
}

function parseJson<T>(json: string): T | undefined {
  try {
    return JSON.parse(json) as T;
  } catch {
    return undefined;
  }
}

function decodeCompactionLine(
  line: string,
  integrity: StoreIntegrity | undefined,
): number | undefined {
  const { json, seal } = readLine(line, integrity);
  if (seal === 'bad' || (seal === 'unsealed' && !integrity?.adopting)) return undefined;
  const value = parseJson<{ compactedThrough?: unknown }>(json)?.compactedThrough;
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/**
 * The entry on a line, or why it is not one: 'torn' (its checksum fails or it is not JSON: a
 * write that never finished) or 'forged' (whole JSON whose MAC fails: edited on disk, or
 * unsealed once the directory has a key).
 */
function decodeJournalLine<Command>(
  line: string,
  integrity: StoreIntegrity | undefined,
): JournalEntry<Command> | 'torn' | 'forged' {
  const { json, seal } = readLine(line, integrity);
  const entry = parseJson<JournalEntry<Command>>(json);
  if (!entry || typeof entry !== 'object' || typeof entry.seq !== 'number') return 'torn';
  if (seal === 'ok' || (seal === 'unsealed' && integrity?.adopting)) return entry;
  // Without a key a bad seal cannot be told from a torn write.
  return integrity ? 'forged' : 'torn';
}

export function openJournal<Command>(
  path: string,
  integrity?: StoreIntegrity,
  now = Date.now(),
): OpenJournalResult<Command> {
  const entries: JournalEntry<Command>[] = [];
  let droppedTornTailBytes = 0;
  let compactedThrough = 0;
  let quarantined: OpenJournalResult<Command>['quarantined'];
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    // The text after the last newline was never acknowledged (append writes whole lines).
    const tail = lines.pop() ?? '';
    let goodBytes = 0;
    const firstLine = lines.length > 0 ? decodeCompactionLine(lines[0]!, integrity) : undefined;
    if (firstLine !== undefined) {
      compactedThrough = firstLine;
      goodBytes += Buffer.byteLength(lines[0]!) + 1;
    }
    for (const [index, line] of lines.entries()) {
      if (index === 0 && firstLine !== undefined) continue;
      const decoded = decodeJournalLine<Command>(line, integrity);
      const isLast = index === lines.length - 1;
      if (decoded === 'forged') {
        // Not replayed, nor anything after it (it may depend on the forged line). The file as
        // found is kept whole for investigation; the journal goes on from the last good line.
        const folder = join(dirname(path), `quarantine-${now}`);
        mkdirSync(folder, { recursive: true });
        const copy = join(folder, 'journal.ndjson');
        copyFileSync(path, copy);
        const fromSeq = (entries.at(-1)?.seq ?? compactedThrough) + 1;
        quarantined = {
          record: 'journal',
          path,
          message: `Journal line ${index + 1} (entry ${fromSeq}) fails its MAC: it was written or edited outside Vigil. It was not replayed${lines.length - index > 1 ? `, nor the ${lines.length - index - 1} line(s) after it` : ''}; the journal as found is kept in ${copy}.`,
          quarantinedTo: copy,
          fromSeq,
          lines: lines.length - index,
        };
        droppedTornTailBytes = 0;
        truncateSync(path, goodBytes);
        break;
      }
      const entry = decoded === 'torn' ? undefined : decoded;
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
    if (!quarantined) {
      droppedTornTailBytes += Buffer.byteLength(tail);
      if (droppedTornTailBytes > 0) truncateSync(path, goodBytes);
    }
  }

  let fd = openSync(path, 'a');
  let lastSeq = entries.at(-1)?.seq ?? compactedThrough;
  let bytesAppended = 0;
  /** Replaces the whole journal atomically (temp file, fsync, rename, fsync of the folder). */
  const replaceWith = (text: string): void => {
    const tempPath = `${path}.compacting`;
    const content = Buffer.from(text);
    writeFileDurably(tempPath, content);
    bytesAppended += content.length;
    closeSync(fd);
    renameSync(tempPath, path);
    fsyncDirectory(dirname(path));
    fd = openSync(path, 'a');
  };
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
      const line = Buffer.from(encodeJournalLine(entry, integrity));
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
        // The empty string after the last newline decodes as torn, like any line that is not
        // an entry (the compaction line among them).
        .filter((line) => {
          const entry = decodeJournalLine<Command>(line, integrity);
          return typeof entry === 'object' && entry.seq > through;
        });
      replaceWith(
        encodeCompactionLine(through, integrity) + kept.map((line) => `${line}\n`).join(''),
      );
      compactedThrough = through;
    },
    restartAfter(seq) {
      replaceWith(encodeCompactionLine(seq, integrity));
      entries.length = 0;
      compactedThrough = seq;
      lastSeq = seq;
    },
    sealAll() {
      const kept = readFileSync(path, 'utf8')
        .split('\n')
        .flatMap((line) => {
          const entry = decodeJournalLine<Command>(line, integrity);
          return typeof entry === 'object' ? [encodeJournalLine(entry, integrity)] : [];
        });
      replaceWith(
        (compactedThrough > 0 ? encodeCompactionLine(compactedThrough, integrity) : '') +
          kept.join(''),
      );
    },
    close() {
      closeSync(fd);
    },
  };
  return { journal, droppedTornTailBytes, ...(quarantined ? { quarantined } : {}) };
}
