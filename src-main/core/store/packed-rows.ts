// Rows of values packed for a bulk insert and for the hand-over to the segment builder's thread:
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
 * Room first made for a row's text: an event row packs to 350–500 bytes with what repeats left
 * out (an ERC-20 transfer with a transaction of its own, 472). Every buffer made is memory
 * outside the heap that V8 counts towards its next full collection (a 12,000-row range made
 * 12 MB at 1 kB a row). Rows larger on average, or a last row that might need three bytes a
 * character, grow the buffer once by doubling it.
 */
const BYTES_PER_ROW = 512;

export function createRowPacker(columns: number, expectedRows: number): RowPacker {
  let bytes = new Uint8Array(Math.max(4_096, expectedRows * BYTES_PER_ROW));
  let cells = new Float64Array(Math.max(2, expectedRows * columns * 2));
  let at = 0;
  let cell = 0;
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
      // A row's text is encoded in one call, not one a value: a call costs more than the bytes
      // of a hash (a 1M-event backfill made 12 million of them, a second of the engine's time).
      let text = '';
      for (let column = 0; column < columns; column++) {
        const value = values[column];
        if (typeof value === 'string') {
          if (value !== textBefore[column]) text += value;
        } else if (typeof value !== 'number' && value !== null)
          throw new TypeError(`A packed row holds text, numbers or null, not a ${typeof value}.`);
      }
      // At most three bytes a UTF-16 unit.
      if (bytes.length - at < text.length * 3) {
        const grown = new Uint8Array(Math.max(bytes.length * 2, at + text.length * 3));
        grown.set(bytes.subarray(0, at));
        bytes = grown;
      }
      const { written } = encoder.encodeInto(text, bytes.subarray(at));
      // As many bytes as units: all ASCII, so each value's bytes are as many as its units and
      // follow one another. Otherwise each value is encoded again where it starts.
      const ascii = written === text.length;
      for (let column = 0; column < columns; column++) {
        const value = values[column]!;
        if (typeof value === 'string') {
          if (value === textBefore[column]) {
            cells[cell] = cells[cell - stride]!;
            cells[cell + 1] = cells[cell - stride + 1]!;
            cell += 2;
            continue;
          }
          const length = ascii
            ? value.length
            : encoder.encodeInto(value, bytes.subarray(at)).written;
          cells[cell++] = length;
          cells[cell++] = at;
          at += length;
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
      return {
        rows: cell / stride,
        columns,
        bytes: bytes.subarray(0, at),
        cells: cells.subarray(0, cell),
      };
    },
  };
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
