// Databases opened from an image. With room after it: sql.js takes the buffer as its file without
// copying it, so the room costs no memory until SQLite writes there; an export holds only the
// database's pages, and opens again with every row. A sealed image (a chain segment, an archived
// stretch of the audit log) opened to be read: its file is in memory already, so SQLite keeps
// only a small cache of its pages beside it, and every row still reads back, pages missed in that
// cache included.
import { describe, expect, it } from 'vitest';
import {
  inTransaction,
  loadSqlJs,
  openDatabase,
  openDatabaseWithRoom,
  openSealedImage,
  selectAll,
  selectOne,
} from '../../../src-main/core/store/database.ts';

const MB = 1024 * 1024;

/** An image of a table `rows`, holding `count` rows of 200 characters of text each. */
async function imageWithTable(count = 0): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE rows (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO rows (id, text) VALUES (?, ?)');
  for (let id = 1; id <= count; id++) insert.run([id, `row ${id} `.padEnd(200, '.')]);
  insert.free();
  const image = db.export();
  db.close();
  return image;
}

describe('a database opened with room to grow', () => {
  it('costs no memory for the room until rows are written into it', async () => {
    const SQL = await loadSqlJs();
    const image = await imageWithTable();
    const before = process.memoryUsage().rss;
    const db = openDatabaseWithRoom(SQL, image, 512 * MB);
    const grown = process.memoryUsage().rss - before;
    db.close();
    // A copy of the file, as sql.js makes of a plain buffer, would map all 512 MB.
    expect(grown).toBeLessThan(128 * MB);
  });

  it('keeps the rows written into the room, and exports only its pages', async () => {
    const SQL = await loadSqlJs();
    const db = openDatabaseWithRoom(SQL, await imageWithTable(), 64 * MB);
    const insert = db.prepare('INSERT INTO rows (text) VALUES (?)');
    db.run('BEGIN');
    for (let row = 0; row < 20_000; row++) insert.run([`row ${row} ${'x'.repeat(200)}`]);
    db.run('COMMIT');
    insert.free();
    const pages = db.exec('PRAGMA page_count')[0]!.values[0]![0] as number;
    const pageSize = db.exec('PRAGMA page_size')[0]!.values[0]![0] as number;
    expect(db.exec('PRAGMA integrity_check')[0]!.values).toEqual([['ok']]);
    const exported = db.export();
    db.close();
    expect(exported.length).toBe(pages * pageSize);
    expect(exported.length).toBeLessThan(64 * MB);

    const reopened = new SQL.Database(exported);
    expect(reopened.exec('SELECT count(*), max(text) FROM rows')[0]!.values).toEqual([
      [20_000, `row 9999 ${'x'.repeat(200)}`],
    ]);
    expect(reopened.exec('PRAGMA integrity_check')[0]!.values).toEqual([['ok']]);
    reopened.close();
  });

  it('grows past its room like any other file', async () => {
    const SQL = await loadSqlJs();
    const db = openDatabaseWithRoom(SQL, await imageWithTable(), 64 * 1024);
    db.run('BEGIN');
    for (let row = 0; row < 2_000; row++)
      db.run('INSERT INTO rows (text) VALUES (?)', [`${row}${'y'.repeat(500)}`]);
    db.run('COMMIT');
    const exported = db.export();
    db.close();
    expect(exported.length).toBeGreaterThan(1 * MB);
    const reopened = new SQL.Database(exported);
    expect(reopened.exec('SELECT count(*) FROM rows')[0]!.values).toEqual([[2_000]]);
    reopened.close();
  });
});

describe('a sealed image opened to be read', () => {
  it('keeps 256 KiB of SQLite pages, not the 2 MB default, and reads every row', async () => {
    const SQL = await loadSqlJs();
    // About 6 MB of rows: far more pages than the cache holds.
    const image = await imageWithTable(25_000);
    const db = openSealedImage(SQL, image);
    try {
      expect(selectOne<{ cache_size: number }>(db, 'PRAGMA cache_size')?.cache_size).toBe(-256);
      const rows = selectAll<{ id: number; text: string }>(
        db,
        'SELECT id, text FROM rows ORDER BY id',
      );
      expect(rows).toHaveLength(25_000);
      expect(rows[24_999]).toEqual({ id: 25_000, text: 'row 25000 '.padEnd(200, '.') });
      // Read again in the other order, through pages the small cache has let go.
      const last = selectAll<{ id: number }>(db, 'SELECT id FROM rows ORDER BY id DESC LIMIT 3');
      expect(last.map((row) => row.id)).toEqual([25_000, 24_999, 24_998]);
    } finally {
      db.close();
    }
  });
});

describe('a database of ours', () => {
  it('keeps its lock, and still rolls back, exports and is written after an export', async () => {
    const SQL = await loadSqlJs();
    const db = openDatabase(SQL);
    try {
      expect(selectOne<{ locking_mode: string }>(db, 'PRAGMA locking_mode')?.locking_mode).toBe(
        'exclusive',
      );
      db.run('CREATE TABLE rows (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
      db.run("INSERT INTO rows (id, text) VALUES (1, 'kept')");
      expect(() =>
        inTransaction(db, () => {
          db.run("INSERT INTO rows (id, text) VALUES (2, 'rolled back')");
          throw new Error('no');
        }),
      ).toThrow('no');
      const image = db.export();
      db.run("INSERT INTO rows (id, text) VALUES (3, 'after the export')");
      expect(selectAll<{ id: number }>(db, 'SELECT id FROM rows ORDER BY id')).toEqual([
        { id: 1 },
        { id: 3 },
      ]);
      const copy = openDatabase(SQL, image);
      expect(selectAll<{ id: number }>(copy, 'SELECT id FROM rows')).toEqual([{ id: 1 }]);
      copy.close();
    } finally {
      db.close();
    }
  });
});
