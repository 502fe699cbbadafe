// Rows of values packed for a bulk insert, for the hand-over to the segment builder's thread and
// for the head log's record of a batch of many rows (writePackedRecord):
// the text of every value UTF-8 encoded one after another in one byte buffer, and two numbers a
// value in a Float64Array (a text's byte length and offset; -1 and the number; -2 for null).
//
// Rows handed over as arrays of values were structured-cloned string by string into the builder's
// thread (15 values a row, every string allocated again there and collected twice); packed, the
// two buffers move without a copy, and sql.js binds the text where it lies (bulk-insert.ts).
// Measured on a 1M-event backfill: 12 % less CPU for the serve process, about 8 % faster.
//
// A text equal to the one in the same column of the row before is not encoded again: its cells
// point at the bytes already there. Rows of a range repeat most of their text (the block's hash,
// often the transaction's, the contract, its address, the event and its signature, the status:
// about 250 of a row's 650 bytes), and a reader that compares a value with the row before's
// (sameAsRowBefore) sees the same offset without reading the bytes.

export type PackedValue = string | number | null;

export interface PackedRows {
  rows: number;
  columns: number;
  bytes: Uint8Array;
  cells: Float64Array;
}

/** A value's first cell: a text's byte length (0 or more), or one of these. */
export const NUMBER_CELL = -1;
export const NULL_CELL = -2;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface RowPacker {
  /** The next row's values, column after column. */
  putRow(values: readonly PackedValue[]): void;
  finish(): PackedRows;
}

/**
 * Packs rows as they are put and encodes their text once, in finish(): rows keep each new text
 * as it is (the strings are the caller's already) and count its units as its bytes, which holds
 * when all of it is ASCII, as hashes, hex, numbers and names almost always are. Encoding each
 * row's text on its own (a call, a view over the buffer and a joined string a row) was a third
 * of the packing time and most of its garbage on a 1M-event backfill.
 */
export function createRowPacker(columns: number, expectedRows: number): RowPacker {
  let cells = new Float64Array(Math.max(2, expectedRows * columns * 2));
  let cell = 0;
  /** Where the next new text starts, in UTF-16 units: its byte offset while all is ASCII. */
  let at = 0;
  /** Each new text, in the order their units were counted. */
  const texts: string[] = [];
  const stride = columns * 2;
  /** The row before's text in each column (undefined where it was a number or null). */
  const textBefore: (string | undefined)[] = new Array<string | undefined>(columns);
  return {
    putRow(values) {
      if (values.length !== columns)
        throw new Error(`A row has ${values.length} values, not ${columns}.`);
      if (cell + stride > cells.length) {
        const grown = new Float64Array(Math.max(cells.length * 2, cell + stride));
        grown.set(cells);
        cells = grown;
      }
      // Checked first, so a refused row leaves nothing behind.
      for (let column = 0; column < columns; column++) {
        const value = values[column];
        if (typeof value !== 'string' && typeof value !== 'number' && value !== null)
          throw new TypeError(`A packed row holds text, numbers or null, not a ${typeof value}.`);
      }
      for (let column = 0; column < columns; column++) {
        const value = values[column]!;
        if (typeof value === 'string') {
          if (value === textBefore[column]) {
            cells[cell] = cells[cell - stride]!;
            cells[cell + 1] = cells[cell - stride + 1]!;
            cell += 2;
            continue;
          }
          cells[cell++] = value.length;
          cells[cell++] = at;
          at += value.length;
          texts.push(value);
          textBefore[column] = value;
        } else if (value === null) {
          cells[cell++] = NULL_CELL;
          cells[cell++] = 0;
          textBefore[column] = undefined;
        } else {
          cells[cell++] = NUMBER_CELL;
          cells[cell++] = value;
          textBefore[column] = undefined;
        }
      }
    },
    finish() {
      const text = texts.join('');
      const bytes = new Uint8Array(text.length);
      // As many bytes as units fit only if every unit is ASCII (any other takes two or more).
      const { read } = encoder.encodeInto(text, bytes);
      const packed = { rows: cell / stride, columns, bytes, cells: cells.subarray(0, cell) };
      return read === text.length ? packed : encodedOneByOne(packed, texts);
    },
  };
}

/**
 * Packed rows whose text is not all ASCII: each text is encoded on its own (as TextEncoder encodes
 * a value alone, whatever its neighbours) and every cell that points at it is moved to its bytes.
 */
function encodedOneByOne(packed: PackedRows, texts: readonly string[]): PackedRows {
  const encoded = texts.map((text) => encoder.encode(text));
  const bytes = new Uint8Array(encoded.reduce((sum, part) => sum + part.length, 0));
  /** Where each text's units started, to where its bytes start now, and how many they are. */
  const moved = new Map<number, { offset: number; length: number }>();
  let unitsAt = 0;
  let bytesAt = 0;
  for (let index = 0; index < texts.length; index++) {
    bytes.set(encoded[index]!, bytesAt);
    if (texts[index]!.length > 0)
      moved.set(unitsAt, { offset: bytesAt, length: encoded[index]!.length });
    unitsAt += texts[index]!.length;
    bytesAt += encoded[index]!.length;
  }
  const cells = packed.cells;
  for (let cell = 0; cell < cells.length; cell += 2) {
    if (cells[cell]! <= 0) {
      // A number or null keeps its cells; an empty text has no bytes to point at.
      if (cells[cell] === 0) cells[cell + 1] = 0;
      continue;
    }
    const to = moved.get(cells[cell + 1]!)!;
    cells[cell] = to.length;
    cells[cell + 1] = to.offset;
  }
  return { ...packed, bytes };
}

export function packRows(rows: readonly (readonly PackedValue[])[], columns: number): PackedRows {
  const packer = createRowPacker(columns, rows.length);
  for (const row of rows) packer.putRow(row);
  return packer.finish();
}

/** Where a value's two cells start. */
const cellOf = (packed: PackedRows, row: number, column: number): number =>
  (row * packed.columns + column) * 2;

export function valueAt(packed: PackedRows, row: number, column: number): PackedValue {
  const cell = cellOf(packed, row, column);
  const kind = packed.cells[cell]!;
  if (kind === NULL_CELL) return null;
  if (kind === NUMBER_CELL) return packed.cells[cell + 1]!;
  const offset = packed.cells[cell + 1]!;
  return decoder.decode(packed.bytes.subarray(offset, offset + kind));
}

/** Whether a value equals the one in the same column of the row before (without decoding it). */
export function sameAsRowBefore(packed: PackedRows, row: number, column: number): boolean {
  if (row === 0) return false;
  const cell = cellOf(packed, row, column);
  const before = cell - packed.columns * 2;
  const kind = packed.cells[cell]!;
  if (kind !== packed.cells[before]) return false;
  if (kind === NULL_CELL) return true;
  if (kind === NUMBER_CELL) return packed.cells[cell + 1] === packed.cells[before + 1];
  const offset = packed.cells[cell + 1]!;
  const offsetBefore = packed.cells[before + 1]!;
  // Packed as the same text as the row before's (see the top of this file).
  if (offset === offsetBefore) return true;
  for (let index = 0; index < kind; index++)
    if (packed.bytes[offset + index] !== packed.bytes[offsetBefore + index]) return false;
  return true;
}

export function unpackRows(packed: PackedRows): PackedValue[][] {
  return Array.from({ length: packed.rows }, (_, row) =>
    Array.from({ length: packed.columns }, (_, column) => valueAt(packed, row, column)),
  );
}

/** The buffers to list when posting packed rows to another thread (moved, not copied). */
export function transferablesOf(packed: PackedRows): ArrayBuffer[] {
  return [packed.bytes.buffer as ArrayBuffer, packed.cells.buffer as ArrayBuffer];
}

/** This machine's byte order, in which a Float64Array's cells are written. */
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Packed rows as bytes, after a JSON header of the caller's (the head log writes a dense batch's
 * rows so: JSON.stringify of 12,000 rows as objects took 45 ms, the rows being packed for their
 * insert already). Layout: a kind byte, the header's length (u32), the header, then the cells
 * (f64, in this machine's byte order: little-endian wherever Vigil runs) and the text. The
 * cells start at a multiple of 8 within the record. The header's JSON also records the counts
 * and the byte order, which readPackedRecord checks (a record it refuses is cut from the log and
 * its rows fetched again).
 */
export function writePackedRecord(kind: number, header: unknown, packed: PackedRows): Uint8Array {
  const json = encoder.encode(
    JSON.stringify({
      header,
      rows: packed.rows,
      columns: packed.columns,
      cells: packed.cells.length,
      bytes: packed.bytes.length,
      littleEndian,
    }),
  );
  const cellsAt = Math.ceil((5 + json.length) / 8) * 8;
  const record = new Uint8Array(cellsAt + packed.cells.byteLength + packed.bytes.length);
  record[0] = kind;
  new DataView(record.buffer).setUint32(1, json.length, true);
  record.set(json, 5);
  record.set(
    new Uint8Array(packed.cells.buffer, packed.cells.byteOffset, packed.cells.byteLength),
    cellsAt,
  );
  record.set(packed.bytes, cellsAt + packed.cells.byteLength);
  return record;
}

/** What writePackedRecord wrote (its kind byte is the caller's to check); throws if it is not. */
export function readPackedRecord(record: Uint8Array): { header: unknown; packed: PackedRows } {
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const jsonLength = view.getUint32(1, true);
  const { header, rows, columns, cells, bytes, ...written } = JSON.parse(
    decoder.decode(record.subarray(5, 5 + jsonLength)),
  ) as {
    header: unknown;
    rows: number;
    columns: number;
    cells: number;
    bytes: number;
    littleEndian: boolean;
  };
  if (written.littleEndian !== littleEndian)
    throw new Error('A packed record was written in the other byte order.');
  const cellsAt = Math.ceil((5 + jsonLength) / 8) * 8;
  const textAt = cellsAt + cells * 8;
  if (cells !== rows * columns * 2 || textAt + bytes !== record.length)
    throw new Error('A packed record is not as long as its header says.');
  // Copied out: a Float64Array must start at a multiple of 8 in its buffer (and a Buffer's
  // slice would be a view, not a copy).
  const cellBytes = new Uint8Array(record.subarray(cellsAt, textAt));
  return {
    header,
    packed: {
      rows,
      columns,
      cells: new Float64Array(cellBytes.buffer, 0, cells),
      bytes: record.subarray(textAt),
    },
  };
}
