// Numbered schema migrations. Each runs once, in order, inside a transaction; the database's
// user_version records the last one applied. Never edit a released migration: add a new one.
import type { Database } from 'sql.js';
import { approverTablesSql } from './approvers.ts';
import { automationTablesSql } from './automation.ts';
import { VigilError } from '../errors/index.ts';
import { alertTablesSql } from './alerts.ts';
import { inTransaction, selectOne } from './database.ts';
import { safesTableSql } from './safes.ts';
import { scheduleTablesSql } from './schedules.ts';
import { safeSignaturesTableSql } from './safe-signatures.ts';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'chains, watched contracts, events, blocks, meta',
    up(db) {
      db.run(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE chains (
          chain_id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          rpc_urls TEXT NOT NULL,
          confirmations INTEGER NOT NULL,
          added_at INTEGER NOT NULL
        );
        CREATE TABLE contracts (
          id TEXT PRIMARY KEY,
          chain_id INTEGER NOT NULL REFERENCES chains(chain_id) ON DELETE CASCADE,
          address TEXT NOT NULL,
          name TEXT NOT NULL,
          abi TEXT NOT NULL,
          start_block INTEGER NOT NULL,
          indexed_through INTEGER,
          added_at INTEGER NOT NULL,
          UNIQUE (chain_id, address)
        );
        CREATE TABLE events (
          id INTEGER PRIMARY KEY,
          chain_id INTEGER NOT NULL,
          contract_id TEXT NOT NULL,
          block_number INTEGER NOT NULL,
          block_hash TEXT NOT NULL,
          block_timestamp INTEGER,
          log_index INTEGER NOT NULL,
          transaction_hash TEXT NOT NULL,
          transaction_index INTEGER NOT NULL,
          address TEXT NOT NULL,
          event_name TEXT,
          signature TEXT,
          args TEXT,
          topics TEXT NOT NULL,
          data TEXT NOT NULL,
          status TEXT NOT NULL,
          UNIQUE (chain_id, block_hash, log_index)
        );
        CREATE INDEX events_by_position ON events (chain_id, block_number, log_index);
        CREATE INDEX events_by_contract ON events (contract_id, block_number);
        CREATE INDEX events_by_name ON events (event_name);
        CREATE INDEX events_by_time ON events (chain_id, block_timestamp);
        CREATE TABLE blocks (
          chain_id INTEGER NOT NULL,
          number INTEGER NOT NULL,
          hash TEXT NOT NULL,
          parent_hash TEXT NOT NULL,
          timestamp INTEGER,
          PRIMARY KEY (chain_id, number)
        );
      `);
    },
  },
  {
    version: 2,
    name: 'reorg log and reconciliation results',
    up(db) {
      db.run(`
        CREATE TABLE reorgs (
          id INTEGER PRIMARY KEY,
          chain_id INTEGER NOT NULL,
          detected_at INTEGER NOT NULL,
          fork_block INTEGER NOT NULL,
          depth INTEGER NOT NULL,
          old_blocks TEXT NOT NULL,
          new_blocks TEXT NOT NULL,
          events_removed INTEGER NOT NULL,
          events_added INTEGER NOT NULL,
          beyond_window INTEGER NOT NULL
        );
        CREATE INDEX reorgs_by_chain ON reorgs (chain_id, id);
        CREATE TABLE reconciliations (
          id INTEGER PRIMARY KEY,
          chain_id INTEGER NOT NULL,
          at INTEGER NOT NULL,
          from_block INTEGER NOT NULL,
          to_block INTEGER NOT NULL,
          stored_count INTEGER NOT NULL,
          chain_count INTEGER NOT NULL,
          missing TEXT NOT NULL,
          extra TEXT NOT NULL,
          status TEXT NOT NULL,
          error TEXT
        );
        CREATE INDEX reconciliations_by_chain ON reconciliations (chain_id, id);
      `);
    },
  },
  {
    version: 3,
    name: 'audit log (hash-chained, append-only)',
    up(db) {
      db.run(`
        CREATE TABLE audit_log (
          seq INTEGER PRIMARY KEY,
          at INTEGER NOT NULL,
          actor TEXT NOT NULL,
          action TEXT NOT NULL,
          subject TEXT NOT NULL,
          details TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        );
        CREATE INDEX audit_by_time ON audit_log (at);
        CREATE INDEX audit_by_action ON audit_log (action, seq);
        CREATE INDEX audit_by_subject ON audit_log (subject, seq);
      `);
    },
  },
  {
    version: 4,
    name: 'signers (addresses and labels; keys live in the OS keychain) and the transaction queue',
    up(db) {
      db.run(`
        CREATE TABLE signers (
          address TEXT PRIMARY KEY,
          label TEXT NOT NULL,
          origin TEXT NOT NULL,
          added_at INTEGER NOT NULL
        );
        CREATE TABLE txs (
          id INTEGER PRIMARY KEY,
          chain_id INTEGER NOT NULL,
          from_address TEXT NOT NULL,
          status TEXT NOT NULL,
          nonce INTEGER,
          hash TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          record TEXT NOT NULL
        );
        CREATE INDEX txs_by_status ON txs (status, id);
        CREATE INDEX txs_by_lane ON txs (chain_id, from_address, nonce);
        CREATE INDEX txs_by_hash ON txs (hash);
        CREATE TABLE tx_timeline (
          tx_id INTEGER NOT NULL,
          at INTEGER NOT NULL,
          status TEXT NOT NULL,
          note TEXT
        );
        CREATE INDEX tx_timeline_by_tx ON tx_timeline (tx_id, at);
        CREATE INDEX events_by_transaction ON events (transaction_hash);
      `);
    },
  },
  {
    version: 5,
    name: 'alert rules, firings, deliveries and their attempts; matches waiting for confirmations',
    up(db) {
      db.run(alertTablesSql);
    },
  },
  {
    version: 6,
    name: 'faster event inserts: a partial index for pending events, no index on transaction hash',
    up(db) {
      // Confirming pending events searched the whole table on every commit during a backfill;
      // the events of one transaction are found by its block (the receipt says which) instead.
      db.run(`
        CREATE INDEX events_pending ON events (chain_id, block_number) WHERE status = 'pending';
        DROP INDEX events_by_transaction;
      `);
    },
  },
  {
    version: 7,
    name: 'chain data moves to the chain-data store (head, log and sealed segments)',
    up(db) {
      // convertChainData (chain-conversion.ts) has copied these into the chain-data store
      // before this runs; from here on the operator database holds operator data only.
      db.run(`
        DROP TABLE events;
        DROP TABLE blocks;
        DROP TABLE reorgs;
        DROP TABLE reconciliations;
      `);
    },
  },
  {
    version: 8,
    name: 'approvers (WebAuthn credentials) and the approvals each signer needs',
    up(db) {
      db.run(approverTablesSql);
    },
  },
  {
    version: 9,
    name: 'contracts may carry a retention (JSON: days and/or events; NULL keeps everything)',
    up(db) {
      db.run('ALTER TABLE contracts ADD COLUMN retention TEXT');
    },
  },
  {
    version: 10,
    name: "chains may carry their block explorer's URL (NULL: none known)",
    up(db) {
      db.run('ALTER TABLE chains ADD COLUMN explorer_url TEXT');
    },
  },
  {
    version: 11,
    name: 'contracts may be proxies (JSON: kind, implementations, upgrades seen; NULL: not a proxy)',
    up(db) {
      db.run('ALTER TABLE contracts ADD COLUMN proxy TEXT');
    },
  },
  {
    version: 12,
    name: 'contracts may carry how their amounts read (JSON: decimals, symbol, source; NULL not read yet)',
    up(db) {
      db.run('ALTER TABLE contracts ADD COLUMN token TEXT');
    },
  },
  {
    version: 13,
    name: 'Safes (multisig accounts): chain, address, name and their state as last read',
    up(db) {
      db.run(safesTableSql);
    },
  },
  {
    version: 14,
    name: "Safe proposals: owners' signatures (one per proposal and owner) and transactions by Safe transaction hash",
    up(db) {
      db.run(safeSignaturesTableSql);
    },
  },
  {
    version: 15,
    name: 'automation policies, and the automation switch (one row: running until paused)',
    up(db) {
      db.run(automationTablesSql);
    },
  },
  {
    // The migrations test wants versions contiguous: 16 here; a branch that also took 16 is
    // renumbered when merged (the later one becomes 17).
    version: 16,
    name: 'schedules, and one run per schedule and slot (proposed, skipped or failed)',
    up(db) {
      db.run(scheduleTablesSql);
    },
  },
];

export function schemaVersion(db: Database): number {
  return selectOne<{ user_version: number }>(db, 'PRAGMA user_version')?.user_version ?? 0;
}

/** Brings a database up to the newest migration; refuses one written by a newer Vigil. */
export function migrate(db: Database, available: readonly Migration[] = migrations): number[] {
  const current = schemaVersion(db);
  const newest = available.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new VigilError(
      'STORE_CORRUPT',
      `The data directory was written by a newer Vigil (schema ${current}; this one knows up to ${newest}). Update Vigil or use another data directory.`,
    );
  }
  const applied: number[] = [];
  for (const migration of available) {
    if (migration.version <= current) continue;
    inTransaction(db, () => {
      migration.up(db);
      db.run(`PRAGMA user_version = ${migration.version}`);
    });
    applied.push(migration.version);
  }
  return applied;
}
