// Plays someone with access to the data directory: runs SQL inside the snapshot on disk and
// writes it back as a valid snapshot file (checksum and all), as a careful tamperer would. The
// tamperer has no MAC key: a sealed snapshot is read without checking its MAC and written back
// with a plain SHA-256 where the MAC was, which Vigil then refuses to load.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSqlJs } from '../../src-main/core/store/database.ts';
import { decodeSnapshot, encodeSnapshot } from '../../src-main/core/store/snapshot.ts';

/** Edits `store.sqlite` in `dataDir` with `sql`; returns the file's new bytes. */
export async function editSnapshot(dataDir: string, sql: string): Promise<Buffer> {
  const path = join(dataDir, 'store.sqlite');
  const decoded = decodeSnapshot(readFileSync(path), { verifyChecksum: false });
  if (!('image' in decoded)) throw new Error(decoded.reason);
  const SQL = await loadSqlJs();
  const db = new SQL.Database(decoded.image);
  try {
    db.run(sql);
    const edited = encodeSnapshot(db.export());
    writeFileSync(path, edited);
    return edited;
  } finally {
    db.close();
  }
}
