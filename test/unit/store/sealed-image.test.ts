// A sealed image (a chain segment, an archived stretch of the audit log) opened to be read: its
// file is in memory already, so SQLite keeps only a small cache of its pages beside it, and
// every row still reads back, pages missed in that cache included.
import { describe, expect, it } from 'vitest';
import {
  loadSqlJs,
  openSealedImage,
  selectAll,
  selectOne,
} from '../../../src-main/core/store/database.ts';

async function imageOfRows(count: number): Promise<Uint8Array> {
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

describe('a sealed image opened to be read', () => {
  it('keeps 256 KiB of SQLite pages, not the 2 MB default, and reads every row', async () => {
    const SQL = await loadSqlJs();
    // About 6 MB of rows: far more pages than the cache holds.
    const image = await imageOfRows(25_000);
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
