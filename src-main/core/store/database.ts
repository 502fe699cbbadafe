// Opens sql.js (SQLite compiled to WebAssembly) and sets up a database for Vigil's use.
import { createRequire } from 'node:module';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';

let sqlJs: Promise<SqlJsStatic> | undefined;

export function loadSqlJs(): Promise<SqlJsStatic> {
  if (!sqlJs) {
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve('sql.js/dist/sql-wasm.wasm');
    sqlJs = initSqlJs({ locateFile: () => wasmPath });
  }
  return sqlJs;
}

/**
 * Pragmas for an in-memory database whose durability we build ourselves (snapshots and the
 * journal), so SQLite's own rollback journal is only needed for ROLLBACK inside a transaction.
 * Each database is one connection to a file of its own in sql.js's memory, so it keeps its lock
 * (EXCLUSIVE): otherwise every statement outside a transaction takes and drops a lock and checks
 * the file for a hot journal and for changes by another connection, through sql.js's file system
 * in JavaScript, and that was most of a small statement's time (a head's cursors read in 8–24 µs
 * instead of 29–131 µs; a small write transaction 10–52 µs instead of 32–85).
 * Older sql.js releases closed and reopened the database in db.export() (1.16 does not);
 * callers set these again after an export.
 */
export function configureDatabase(db: Database): void {
  db.run(
    'PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;',
  );
}

export function openDatabase(SQL: SqlJsStatic, bytes?: Uint8Array): Database {
  const db = bytes ? new SQL.Database(bytes) : new SQL.Database();
  configureDatabase(db);
  return db;
}

/**
 * A sealed image (a chain segment, a stretch of the audit log archived) opened to be read. Its
 * whole file is in memory already (sql.js's in-memory file), so a page SQLite misses is a copy of
 * 4 KB: it keeps 256 KiB of pages (64, enough for the indexes' upper levels) instead of its
 * default 2 MB a database, which only held a second copy of the pages in sql.js's WebAssembly
 * heap, and that heap never gives memory back. Over 200 transaction look-ups at 5M events (each
 * reads its segment whole) the default held the process at 690 MB; this, at 550.
 */
export function openSealedImage(SQL: SqlJsStatic, image: Uint8Array): Database {
  const db = openDatabase(SQL, image);
  db.run('PRAGMA cache_size = -256');
  return db;
}

/**
 * A buffer sql.js takes as its file instead of copying it: on open it keeps `bytes.slice(0,
 * length)` of what it is given, and a slice of the whole of this one is the buffer itself. Any
 * other slice is a copy, and views of it are plain Uint8Arrays.
 */
class HandedOverFile extends Uint8Array {
  static get [Symbol.species](): Uint8ArrayConstructor {
    return Uint8Array;
  }

  override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
    return (start ?? 0) === 0 && (end === undefined || end >= this.length)
      ? (this as Uint8Array<ArrayBuffer>)
      : (super.slice(start, end) as Uint8Array<ArrayBuffer>);
  }
}

/**
 * A database opened from `image` with room for `roomBytes` more after it. sql.js's in-memory file
 * grows an eighth at a time, each time a copy of all of it: a head of 48,000 rows copied 260 ms
 * at the commit that wrote them (about 20 ms a 4,000-row block while following). With room, its
 * pages are written where they go. The room is zero pages of a buffer nobody writes until SQLite
 * does, which the system maps only then: address space, not memory (RSS). SQLite takes the
 * room for part of its file; sql.js's export (in 1.16, the release used here, a copy through
 * SQLite's backup API) holds only the database's pages, so the room never reaches a snapshot
 * (database-room.test.ts checks both).
 */
export function openDatabaseWithRoom(
  SQL: SqlJsStatic,
  image: Uint8Array,
  roomBytes: number,
): Database {
  const file = new HandedOverFile(image.length + roomBytes);
  file.set(image);
  return openDatabase(SQL, file);
}

/** Runs fn inside one SQLite transaction; rolls back if it throws. */
export function inTransaction<T>(db: Database, fn: () => T): T {
  db.run('BEGIN');
  try {
    const result = fn();
    db.run('COMMIT');
    return result;
  } catch (error) {
    db.run('ROLLBACK');
    throw error;
  }
}

/** All rows of a query as objects. */
export function selectAll<Row>(
  db: Database,
  sql: string,
  params: (string | number | null)[] = [],
): Row[] {
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    // getAsObject() asks SQLite for every column's name again at every row: a quarter of the
    // time of a 1,000-row page. The names are the statement's, read once.
    const names = statement.getColumnNames();
    const rows: Row[] = [];
    while (statement.step()) {
      const values = statement.get();
      const row: Record<string, unknown> = {};
      for (let column = 0; column < names.length; column++) row[names[column]!] = values[column];
      rows.push(row as Row);
    }
    return rows;
  } finally {
    statement.free();
  }
}

/**
 * Parameters for text columns bound as UTF-8 bytes (and cast back to text in the SQL, as
 * eventRowPlaceholders does): sql.js copies a bound string into WebAssembly memory one character
 * at a time in JavaScript, and bytes with one native copy. Bulk inserts of event rows spent most
 * of their time there (24k rows of a segment: 1.45 s bound as strings, 0.6–0.9 s as bytes).
 */
export function utf8Parameters(
  values: readonly (string | number | null)[],
): (Uint8Array | number | null)[] {
  return values.map((value) => (typeof value === 'string' ? Buffer.from(value, 'utf8') : value));
}

export function selectOne<Row>(
  db: Database,
  sql: string,
  params: (string | number | null)[] = [],
): Row | undefined {
  return selectAll<Row>(db, sql, params)[0];
}
