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
 * db.export() closes and reopens the database, so this runs again after every export.
 */
export function configureDatabase(db: Database): void {
  db.run('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;');
}

export function openDatabase(SQL: SqlJsStatic, bytes?: Uint8Array): Database {
  const db = bytes ? new SQL.Database(bytes) : new SQL.Database();
  configureDatabase(db);
  return db;
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
    const rows: Row[] = [];
    while (statement.step()) rows.push(statement.getAsObject() as Row);
    return rows;
  } finally {
    statement.free();
  }
}

export function selectOne<Row>(
  db: Database,
  sql: string,
  params: (string | number | null)[] = [],
): Row | undefined {
  return selectAll<Row>(db, sql, params)[0];
}
