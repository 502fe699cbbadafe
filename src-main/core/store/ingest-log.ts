// The chain head's append-only log: every change to the head (a batch ingested, a range made
// canonical, a reconciliation saved) is appended as one checksummed record, and replayed over the
// last head image at start. Chain data can be fetched again, so records are not fsync'd one by
// one (a kill -9 loses nothing the kernel has; a power cut loses a tail that is refetched) unless
// another file is about to rely on them (see sync); a torn or damaged tail is cut off at open. Each log belongs to one *generation* of the head
// image: when the image is rewritten (after a seal), a new log is started for the next one.
import { crc32 } from 'node:zlib';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDirectory, writeFileDurably } from './durable-file.ts';

const MAGIC = Buffer.from('VIGILLOG');
/** Magic, then the generation as a u64. */
const HEADER_BYTES = MAGIC.length + 8;
/**
 * Each record: payload length (u32), CRC-32 of the payload (u32), payload (UTF-8 JSON, or what a
 * BinaryRecords encodes).
 */
const RECORD_HEADER_BYTES = 8;
/** Every JSON payload is an object's text, so its first byte is this; a binary one's is not. */
const JSON_OBJECT_START = 0x7b;

/**
 * Records written in a form of their own instead of JSON, where JSON is slow to write: a dense
 * chain's batch of thousands of rows. A log holds both kinds; each payload says which it is.
 */
export interface BinaryRecords<Record> {
  /** The record's payload, whose first byte is not `{`; undefined writes the record as JSON. */
  encode(record: Record): Uint8Array | undefined;
  /** A payload encode() wrote (throws if it is not one: the log is cut there, as if torn). */
  decode(payload: Uint8Array): Record;
}

export interface IngestLog<Record> {
  readonly generation: number;
  /** Bytes appended since open, for the write-rate figure. */
  readonly bytesAppended: number;
  append(record: Record): void;
  /**
   * Makes every record appended so far durable (fsync): what a write elsewhere relies on (a
   * manifest that drops segments whose rows a record holds) must reach the disk first.
   */
  sync(): void;
  close(): void;
}

export interface OpenedIngestLog<Record> {
  /** The log's generation (0 when no log existed). */
  generation: number;
  records: Record[];
  /** Bytes of a torn or damaged tail that were cut off. */
  droppedTailBytes: number;
  /**
   * The first bad record is followed by a good one: damage in the middle of the log, not a write
   * torn at its end. Its records after the damage are dropped all the same.
   */
  damagedMidway: boolean;
  /**
   * The log stops at a record written whole (its length and checksum hold) that this reader cannot
   * read: one of a later release, or of a bug. Not a torn write either.
   */
  undecodable: boolean;
}

const encoder = new TextEncoder();

/**
 * The record's JSON encoded once, straight after room for its header: Buffer.from and a concat
 * were a sixth of a 4,000-event commit into the head (two copies of 3 MB). A record's text is
 * ASCII but for what an ABI or a node puts in names and strings: the first guess of a byte a
 * unit then fits, and a record that does not is encoded again into as many bytes as it takes.
 */
function encodeRecord<Record>(record: Record, binary?: BinaryRecords<Record>): Buffer {
  const payload = binary?.encode(record);
  if (payload) {
    if (payload[0] === JSON_OBJECT_START)
      throw new Error('A binary record of a log may not start as JSON does.');
    const bytes = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
    bytes.set(payload, RECORD_HEADER_BYTES);
    return framed(bytes, payload.length);
  }
  const json = JSON.stringify(record);
  let bytes = Buffer.allocUnsafe(RECORD_HEADER_BYTES + json.length);
  const ascii = encoder.encodeInto(json, bytes.subarray(RECORD_HEADER_BYTES));
  let written = ascii.written;
  if (ascii.read !== json.length) {
    bytes = Buffer.allocUnsafe(RECORD_HEADER_BYTES + Buffer.byteLength(json, 'utf8'));
    written = encoder.encodeInto(json, bytes.subarray(RECORD_HEADER_BYTES)).written;
  }
  return framed(bytes, written);
}

/** The record whose payload of `length` bytes follows room for its header: the header written. */
function framed(bytes: Buffer, length: number): Buffer {
  const record = bytes.subarray(0, RECORD_HEADER_BYTES + length);
  record.writeUInt32LE(length, 0);
  record.writeUInt32LE(crc32(record.subarray(RECORD_HEADER_BYTES)), 4);
  return record;
}

/**
 * Reads a log, cutting off a torn or damaged tail in place (unless told not to: a look at a log
 * another process may be appending to).
 */
export function readIngestLog<Record>(
  path: string,
  options: {
    cutTornTail?: boolean;
    binary?: BinaryRecords<Record>;
    /**
     * Called with the log's path before a tail that is not a torn write (damagedMidway,
     * undecodable) is cut: what it held was written whole, so a copy is kept first.
     */
    beforeCuttingDamage?: (path: string) => void;
  } = {},
): OpenedIngestLog<Record> {
  const none = { damagedMidway: false, undecodable: false };
  if (!existsSync(path)) return { generation: 0, records: [], droppedTailBytes: 0, ...none };
  const file = readFileSync(path);
  if (file.length < HEADER_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    // A log whose header never reached the disk holds nothing acknowledged.
    return { generation: 0, records: [], droppedTailBytes: file.length, ...none };
  }
  const generation = Number(file.readBigUInt64LE(MAGIC.length));
  const records: Record[] = [];
  let offset = HEADER_BYTES;
  let undecodable = false;
  for (;;) {
    const read = recordAt(file, offset, options.binary);
    if (read === 'undecodable') undecodable = true;
    if (read === undefined || read === 'undecodable') break;
    records.push(read.record);
    offset = read.end;
  }
  const droppedTailBytes = file.length - offset;
  // A torn write leaves garbage or zeros to the end; damage leaves good records after the bad one.
  const claimedEnd =
    offset + RECORD_HEADER_BYTES <= file.length
      ? offset + RECORD_HEADER_BYTES + file.readUInt32LE(offset)
      : file.length;
  const damagedMidway =
    droppedTailBytes > 0 &&
    claimedEnd < file.length &&
    typeof recordAt(file, claimedEnd, options.binary) === 'object';
  if (droppedTailBytes > 0 && options.cutTornTail !== false) {
    if (damagedMidway || undecodable) options.beforeCuttingDamage?.(path);
    truncateSync(path, offset);
  }
  return { generation, records, droppedTailBytes, damagedMidway, undecodable };
}

/**
 * The whole, checked record at `offset`; undefined if it is not whole or fails its checksum;
 * 'undecodable' if it is whole and checked but cannot be read.
 */
function recordAt<Record>(
  file: Buffer,
  offset: number,
  binary: BinaryRecords<Record> | undefined,
): { record: Record; end: number } | 'undecodable' | undefined {
  if (offset + RECORD_HEADER_BYTES > file.length) return undefined;
  const length = file.readUInt32LE(offset);
  const checksum = file.readUInt32LE(offset + 4);
  const end = offset + RECORD_HEADER_BYTES + length;
  if (end > file.length) return undefined;
  const payload = file.subarray(offset + RECORD_HEADER_BYTES, end);
  if (crc32(payload) !== checksum) return undefined;
  try {
    if (payload[0] !== JSON_OBJECT_START && binary) return { record: binary.decode(payload), end };
    return { record: JSON.parse(payload.toString('utf8')) as Record, end };
  } catch {
    return 'undecodable';
  }
}

/** Opens a log for appending, continuing the one on disk (which must be of `generation`). */
export function appendToIngestLog<Record>(
  path: string,
  generation: number,
  binary?: BinaryRecords<Record>,
): IngestLog<Record> {
  if (!existsSync(path)) startIngestLog(path, generation);
  const fd = openSync(path, 'a');
  let bytesAppended = 0;
  let closed = false;
  return {
    generation,
    get bytesAppended() {
      return bytesAppended;
    },
    append(record) {
      const bytes = encodeRecord(record, binary);
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
      bytesAppended += bytes.length;
    },
    sync() {
      fsyncSync(fd);
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}

/** Replaces the log with an empty one of a new generation, atomically. */
export function startIngestLog(path: string, generation: number): void {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeBigUInt64LE(BigInt(generation), MAGIC.length);
  const temp = `${path}.tmp`;
  writeFileDurably(temp, header);
  renameSync(temp, path);
  fsyncDirectory(dirname(path));
}
