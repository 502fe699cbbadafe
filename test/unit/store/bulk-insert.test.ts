// The bulk inserter binds a whole multi-row INSERT's text in place in WebAssembly memory. What it
// stores must be what sql.js's own binding stores, value for value and type for type, whatever
// the text (non-ASCII, quotes, NUL, empty, longer than its first buffer) and however many rows.
import { describe, expect, it } from 'vitest';
import type { Database, SqlJsStatic } from 'sql.js';
import { createBulkInserter } from '../../../src-main/core/store/bulk-insert.ts';
import { packRows, type PackedValue } from '../../../src-main/core/store/packed-rows.ts';
import { loadSqlJs, openDatabase, selectAll } from '../../../src-main/core/store/database.ts';

const columns = 'n, label, note, amount';
const schema = 'CREATE TABLE t (n INTEGER NOT NULL, label TEXT NOT NULL, note TEXT, amount REAL)';

function sampleRows(count: number): PackedValue[][] {
  const labels = [
    'plain',
    'Grüße, ✓ 🦊',
    'it\'s "quoted"',
    '',
    'nul\u0000inside',
    '0x' + 'ab'.repeat(32),
  ];
  return Array.from({ length: count }, (_, index) => [
    index % 7 === 0 ? 2 ** 40 + index : -index,
    labels[index % labels.length]!,
    index % 3 === 0 ? null : `note ${index}`,
    index % 5 === 0 ? null : index + 0.25,
  ]);
}

function table(SQL: SqlJsStatic): Database {
  const db = openDatabase(SQL);
  db.run(schema);
  return db;
}

const stored = (db: Database) =>
  selectAll<Record<string, unknown>>(
    db,
    // Text compared by its bytes (sql.js would hand back a string cut at a NUL).
    `SELECT n, typeof(n) AS nType, hex(label) AS label, typeof(label) AS labelType,
       hex(note) AS note, typeof(note) AS noteType, amount, typeof(amount) AS amountType
     FROM t ORDER BY rowid`,
  );

function insertedBySqlJs(SQL: SqlJsStatic, rows: PackedValue[][]) {
  const db = table(SQL);
  const statement = db.prepare(`INSERT INTO t (${columns}) VALUES (?, ?, ?, ?)`);
  for (const row of rows) statement.run(row);
  statement.free();
  const result = stored(db);
  db.close();
  return result;
}

describe('bulk insert', () => {
  it.each([0, 1, 3, 199, 200, 401])('stores %i rows as sql.js binding does', async (count) => {
    const SQL = await loadSqlJs();
    const rows = sampleRows(count);
    const db = table(SQL);
    const inserter = createBulkInserter(SQL, db, 't', columns, 200);
    expect(inserter).toBeDefined();
    inserter!.insert(packRows(rows, 4));
    inserter!.free();
    const result = stored(db);
    db.close();
    expect(result).toEqual(insertedBySqlJs(SQL, rows));
    expect(result).toHaveLength(count);
  });

  it('grows its buffer for text longer than it started with, statement after statement', async () => {
    const SQL = await loadSqlJs();
    const long = 'é'.repeat(700_000); // 1.4 MB of UTF-8, past the first 1 MB buffer
    const rows: PackedValue[][] = [
      [1, 'a', long, 1],
      [2, long, null, 2],
      [3, 'c', 'short', null],
      [4, 'd', long + '!', 4],
    ];
    const db = table(SQL);
    const inserter = createBulkInserter(SQL, db, 't', columns, 3)!;
    inserter.insert(packRows(rows, 4));
    inserter.insert(packRows(rows.slice(0, 3), 4));
    inserter.free();
    const result = stored(db);
    db.close();
    expect(result).toEqual(insertedBySqlJs(SQL, [...rows, ...rows.slice(0, 3)]));
  });

  it('refuses a row SQLite refuses, says why, and goes on inserting after it', async () => {
    const SQL = await loadSqlJs();
    const db = table(SQL);
    const inserter = createBulkInserter(SQL, db, 't', columns, 2)!;
    expect(() =>
      inserter.insert(
        packRows(
          [
            [1, 'fine', null, null],
            [2, null, null, null],
          ],
          4,
        ),
      ),
    ).toThrow(/Inserting rows into t: NOT NULL constraint failed: t\.label/);
    expect(stored(db)).toEqual([]);
    inserter.insert(
      packRows(
        [
          [3, 'x', null, null],
          [4, 'y', 'z', 1.5],
        ],
        4,
      ),
    );
    expect(stored(db).map((row) => row['n'])).toEqual([3, 4]);
    inserter.free();
    db.close();
  });

  it('refuses rows of another width, and any insert once freed', async () => {
    const SQL = await loadSqlJs();
    const db = table(SQL);
    const inserter = createBulkInserter(SQL, db, 't', columns, 1)!;
    expect(() => inserter.insert(packRows([[1, 'a', null]], 3))).toThrow(
      /Rows for t have 3 values, not 4/,
    );
    inserter.insert(packRows([[5, 'ok', null, null]], 4));
    expect(stored(db)).toHaveLength(1);
    inserter.free();
    inserter.free();
    expect(() => inserter.insert(packRows([[6, 'late', null, null]], 4))).toThrow(/was freed/);
    db.close();
  });

  it('is not offered by a sql.js that does not export what it binds with', async () => {
    const SQL = await loadSqlJs();
    const db = table(SQL);
    const lacking = { ...SQL, _sqlite3_bind_text: undefined } as unknown as SqlJsStatic;
    expect(createBulkInserter(lacking, db, 't', columns)).toBeUndefined();
    db.close();
  });
});
