import { describe, expect, it } from 'vitest';
import { loadSqlJs, openDatabase, selectAll } from '../../../src-main/core/store/database.ts';
import {
  migrate,
  migrations,
  schemaVersion,
  type Migration,
} from '../../../src-main/core/store/migrations.ts';
import {
  applyWatchConfigCommand,
  findChain,
  findContract,
} from '../../../src-main/core/store/operator-data.ts';
import {
  applyAutomationCommand,
  automationQueries,
} from '../../../src-main/core/store/automation.ts';
import { applySafeCommand, findSafe, listSafes } from '../../../src-main/core/store/safes.ts';
import { applyScheduleCommand, scheduleQueries } from '../../../src-main/core/store/schedules.ts';
import { applySafeSignatureCommand } from '../../../src-main/core/store/safe-signatures.ts';
import {
  applyTransactionCommand,
  findBySafeTxHash,
  findTransaction,
  type TransactionState,
} from '../../../src-main/core/store/transactions.ts';

const newest = migrations.at(-1)!.version;

describe('migrations', () => {
  it('are numbered 1, 2, 3 … in order', () => {
    const versions = migrations.map((migration) => migration.version);
    expect(versions).toEqual(versions.map((_, index) => index + 1));
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('migration 8 adds approvers and the approvals each signer needs, keeping data', async () => {
    const db = openDatabase(await loadSqlJs());
    const before = migrations.filter((migration) => migration.version < 8);
    migrate(db, before);
    db.run("INSERT INTO chains VALUES (1, 'a', '[]', 1, 0)");
    expect(
      migrate(
        db,
        migrations.filter((migration) => migration.version <= 8),
      ),
    ).toEqual([8]);
    db.run("INSERT INTO approvers VALUES ('cred', 'alice', 'pk', 0, '[]', 1)");
    expect(() => db.run("INSERT INTO approvers VALUES ('cred', 'bob', 'pk', 0, '[]', 2)")).toThrow(
      /UNIQUE/,
    );
    db.run("INSERT INTO signer_approvals VALUES ('0xabc', 2)");
    expect(selectAll(db, 'SELECT name FROM chains')).toEqual([{ name: 'a' }]);
    expect(schemaVersion(db)).toBe(8);
  });

  it('migration 1 creates the tables the store uses, with the event identity unique', async () => {
    const db = openDatabase(await loadSqlJs());
    expect(migrate(db, migrations.slice(0, 1))).toEqual([1]);
    const tables = selectAll<{ name: string }>(
      db,
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    ).map((row) => row.name);
    expect(tables).toEqual(['blocks', 'chains', 'contracts', 'events', 'meta']);
    db.run("INSERT INTO chains VALUES (1, 'a', '[]', 1, 0)");
    const insert =
      "INSERT INTO events (chain_id, contract_id, block_number, block_hash, log_index, transaction_hash, transaction_index, address, topics, data, status) VALUES (1, 'c', 1, '0xb', 0, '0xt', 0, '0xa', '[]', '0x', 'confirmed')";
    db.run(insert);
    expect(() => db.run(insert)).toThrow(/UNIQUE/);
  });

  it('migration 2 adds the reorg log and reconciliation results on top of 1, keeping data', async () => {
    const db = openDatabase(await loadSqlJs());
    migrate(db, migrations.slice(0, 1));
    db.run("INSERT INTO chains VALUES (1, 'a', '[]', 1, 0)");
    expect(migrate(db, migrations.slice(0, 2))).toEqual([2]);
    const tables = selectAll<{ name: string }>(
      db,
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    ).map((row) => row.name);
    expect(tables).toEqual([
      'blocks',
      'chains',
      'contracts',
      'events',
      'meta',
      'reconciliations',
      'reorgs',
    ]);
    expect(selectAll(db, 'SELECT chain_id FROM chains')).toEqual([{ chain_id: 1 }]);
    db.run(
      "INSERT INTO reorgs (chain_id, detected_at, fork_block, depth, old_blocks, new_blocks, events_removed, events_added, beyond_window) VALUES (1, 0, 5, 2, '[]', '[]', 1, 0, 0)",
    );
    expect(selectAll(db, 'SELECT depth FROM reorgs')).toEqual([{ depth: 2 }]);
  });

  it('migration 3 adds the audit log on top of 2, with one row per sequence number', async () => {
    const db = openDatabase(await loadSqlJs());
    migrate(db, migrations.slice(0, 2));
    db.run("INSERT INTO chains VALUES (1, 'a', '[]', 1, 0)");
    expect(migrate(db, migrations.slice(0, 3))).toEqual([3]);
    expect(selectAll(db, 'SELECT chain_id FROM chains')).toEqual([{ chain_id: 1 }]);
    const insert =
      "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (1, 0, 'system', 'app.started', 'app', '{}', 'p', 'h')";
    db.run(insert);
    expect(() => db.run(insert)).toThrow(/UNIQUE|PRIMARY/);
    expect(selectAll(db, 'SELECT seq, action FROM audit_log')).toEqual([
      { seq: 1, action: 'app.started' },
    ]);
  });

  it('migration 5 adds alert rules, firings (one per rule and subject), deliveries and attempts on top of 4', async () => {
    const db = openDatabase(await loadSqlJs());
    migrate(db, migrations.slice(0, 4));
    db.run("INSERT INTO chains VALUES (1, 'a', '[]', 1, 0)");
    expect(
      migrate(
        db,
        migrations.filter((migration) => migration.version <= 5),
      ),
    ).toEqual([5]);
    const tables = selectAll<{ name: string }>(
      db,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'alert%' ORDER BY name",
    ).map((row) => row.name);
    expect(tables).toEqual([
      'alert_deliveries',
      'alert_delivery_attempts',
      'alert_firings',
      'alert_rules',
      'alert_waiting',
    ]);
    expect(selectAll(db, 'SELECT chain_id FROM chains')).toEqual([{ chain_id: 1 }]);
    const insert =
      "INSERT INTO alert_firings (id, rule_id, rule_name, kind, severity, subject, state, revision, summary, in_app, fired_at, updated_at) VALUES (?, 'r', 'R', 'event', 'info', 'event:1:0xb:0', 'fired', 1, 's', 1, 0, 0)";
    db.run(insert, ['f1']);
    expect(() => db.run(insert, ['f2'])).toThrow(/UNIQUE/);
  });

  it('migration 6 indexes pending events only, and drops the transaction-hash index', async () => {
    const db = openDatabase(await loadSqlJs());
    migrate(db, migrations.slice(0, 5));
    expect(migrate(db, migrations.slice(0, 6))).toEqual([6]);
    const indexes = selectAll<{ name: string }>(
      db,
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name",
    ).map((row) => row.name);
    expect(indexes).toContain('events_pending');
    expect(indexes).not.toContain('events_by_transaction');
    const plan = selectAll<{ detail: string }>(
      db,
      "EXPLAIN QUERY PLAN SELECT id FROM events WHERE chain_id = 1 AND status = 'pending' AND block_number <= 10",
    ).map((row) => row.detail);
    expect(plan.join(' ')).toContain('events_pending');
  });

  it('migration 9 gives contracts a retention, none for those already there', async () => {
    const db = openDatabase(await loadSqlJs());
    migrate(db, migrations.slice(0, 8));
    db.run(
      "INSERT INTO chains (chain_id, name, rpc_urls, confirmations, added_at) VALUES (1, 'c', '[]', 0, 0)",
    );
    db.run(
      "INSERT INTO contracts (id, chain_id, address, name, abi, start_block, indexed_through, added_at) VALUES ('1:0xa', 1, '0xa', 'A', '[]', 0, -1, 0)",
    );
    expect(migrate(db, migrations.slice(0, 9))).toEqual([9]);
    // The store reads with the newest schema.
    migrate(db);
    expect(findContract(db, '1:0xa')).not.toHaveProperty('retention');
    applyWatchConfigCommand(
      db,
      { type: 'contract.update', id: '1:0xa', name: 'A', retention: { days: 30 } },
      0,
    );
    expect(findContract(db, '1:0xa')?.retention).toEqual({ days: 30 });
    // A command journaled before retention existed leaves it as it is.
    applyWatchConfigCommand(db, { type: 'contract.update', id: '1:0xa', name: 'B' }, 0);
    expect(findContract(db, '1:0xa')).toMatchObject({ name: 'B', retention: { days: 30 } });
    applyWatchConfigCommand(
      db,
      { type: 'contract.update', id: '1:0xa', name: 'B', retention: null },
      0,
    );
    expect(findContract(db, '1:0xa')).not.toHaveProperty('retention');
  });

  it('migration 10 gives chains an explorer URL, none for those already there', async () => {
    const db = openDatabase(await loadSqlJs());
    migrate(db, migrations.slice(0, 9));
    db.run(
      "INSERT INTO chains (chain_id, name, rpc_urls, confirmations, added_at) VALUES (1, 'c', '[]', 0, 0)",
    );
    expect(migrate(db, migrations.slice(0, 10))).toEqual([10]);
    migrate(db);
    const before = findChain(db, 1)!;
    expect(before).not.toHaveProperty('explorerUrl');
    const chain = { ...before, explorerUrl: 'https://etherscan.io' };
    applyWatchConfigCommand(db, { type: 'chain.update', chain }, 0);
    expect(findChain(db, 1)).toEqual(chain);
    applyWatchConfigCommand(db, { type: 'chain.update', chain: before }, 0);
    expect(findChain(db, 1)).toEqual(before);
  });

  it('migration 12 gives contracts a token display, none (not read yet) for those already there', async () => {
    const db = openDatabase(await loadSqlJs());
    migrate(db, migrations.slice(0, 11));
    db.run(
      "INSERT INTO chains (chain_id, name, rpc_urls, confirmations, added_at) VALUES (1, 'c', '[]', 0, 0)",
    );
    db.run(
      "INSERT INTO contracts (id, chain_id, address, name, abi, start_block, indexed_through, added_at) VALUES ('1:0xa', 1, '0xa', 'A', '[]', 0, -1, 0)",
    );
    expect(migrate(db, migrations.slice(0, 12))).toEqual([12]);
    migrate(db);
    expect(findContract(db, '1:0xa')).not.toHaveProperty('token');
    const token = { decimals: 6, symbol: 'USDC', source: 'chain' as const };
    applyWatchConfigCommand(db, { type: 'contract.token', id: '1:0xa', token }, 0);
    expect(findContract(db, '1:0xa')?.token).toEqual(token);
    applyWatchConfigCommand(db, { type: 'contract.token', id: '1:0xa', token: null }, 0);
    expect(findContract(db, '1:0xa')).not.toHaveProperty('token');
  });

  it('migration 13 adds Safes: added, state replaced, removed, and dropped with their chain', async () => {
    const db = openDatabase(await loadSqlJs());
    migrate(db, migrations.slice(0, 12));
    expect(migrate(db, migrations.slice(0, 13))).toEqual([13]);
    migrate(db);
    applyWatchConfigCommand(
      db,
      { type: 'chain.add', chain: { chainId: 1, name: 'c', rpcUrls: [], confirmations: 0 } },
      0,
    );
    const state = {
      version: '1.4.1',
      owners: ['0x00000000000000000000000000000000000000A1'],
      threshold: 1,
      nonce: '0',
      modules: [],
      guard: null,
      fallbackHandler: null,
    };
    const safe = { id: '1:0xs', chainId: 1, address: '0xS', name: 'S', state, readAt: 5 };
    applySafeCommand(db, { type: 'safe.add', safe }, 0);
    expect(listSafes(db)).toEqual([safe]);
    const next = { ...state, threshold: 2, nonce: '340282366920938463463374607431768211456' };
    applySafeCommand(db, { type: 'safe.state', id: '1:0xs', state: next, readAt: 9 }, 0);
    expect(findSafe(db, '1:0xs')).toEqual({ ...safe, state: next, readAt: 9 });
    applySafeCommand(db, { type: 'safe.remove', id: '1:0xs' }, 0);
    expect(listSafes(db)).toEqual([]);
    applySafeCommand(db, { type: 'safe.add', safe }, 0);
    applyWatchConfigCommand(db, { type: 'chain.remove', chainId: 1 }, 0);
    expect(listSafes(db)).toEqual([]);
  });

  it('migration 14 keeps Safe proposals findable by hash, with one signature per owner', async () => {
    const db = openDatabase(await loadSqlJs());
    migrate(db, migrations.slice(0, 13));
    db.run(
      `INSERT INTO txs (id, chain_id, from_address, status, nonce, hash, created_at, updated_at, record) VALUES (1, 1, '0xa', 'confirmed', 0, NULL, 0, 0, '{"id":1}')`,
    );
    expect(migrate(db, migrations.slice(0, 14))).toEqual([14]);
    const safeTxHash = `0x${'Ab'.repeat(32)}` as const;
    const tx = {
      id: 2,
      chainId: 1,
      from: '0xSafe',
      status: 'proposed',
      nonce: null,
      hash: null,
      createdAt: 0,
      updatedAt: 0,
      safe: { safe: '0xSafe', nonce: '0', safeTxHash, signatures: [] },
    } as unknown as TransactionState;
    applyTransactionCommand(db, { type: 'tx.put', tx });
    const signature = {
      owner: '0xOwner',
      signature: `0x${'11'.repeat(65)}` as const,
      source: 'signed' as const,
      at: 7,
    };
    applySafeSignatureCommand(db, { type: 'safe.signature.add', txId: 2, signature });
    // The same owner again (a replayed import, a restart after signing) is refused by the table.
    expect(() =>
      applySafeSignatureCommand(db, {
        type: 'safe.signature.add',
        txId: 2,
        signature: { ...signature, owner: '0xOWNER', at: 8 },
      }),
    ).toThrow(/UNIQUE/);
    const stored = findTransaction(db, 2)!;
    expect(stored.safe!.signatures).toEqual([{ ...signature, owner: '0xowner' }]);
    // Written back with its signatures, the record still holds none: the table is the truth.
    applyTransactionCommand(db, { type: 'tx.put', tx: { ...stored, status: 'confirmed' } });
    const record = selectAll<{ record: string }>(db, 'SELECT record FROM txs WHERE id = 2')[0]!;
    expect(JSON.parse(record.record).safe.signatures).toBeUndefined();
    expect(
      findBySafeTxHash(db, safeTxHash.toUpperCase().replace('0X', '0x')).map((t) => t.id),
    ).toEqual([2]);
    expect(findTransaction(db, 1)!.safe).toBeUndefined();
  });

  it('migration 15 keeps automation policies and a switch that starts running', async () => {
    const db = openDatabase(await loadSqlJs());
    migrate(db, migrations.slice(0, 14));
    expect(migrate(db, migrations.slice(0, 15))).toEqual([15]);
    const automation = automationQueries(db);
    expect(automation.switchState()).toEqual({
      paused: false,
      changedAt: null,
      changedBy: null,
      reason: null,
    });
    expect(automation.listPolicies()).toEqual([]);
    const policy = {
      id: 'keeper',
      name: 'Keeper',
      chainId: 1,
      signer: '0xSigner',
      targets: [],
      maxValuePerTx: '1',
      maxFeePerGas: '2',
      dailyBudget: '3',
      maxPerHour: 4,
      enabled: false,
      createdAt: 10,
      updatedAt: 10,
    };
    applyAutomationCommand(db, { type: 'automation.policy.save', policy }, 10);
    applyAutomationCommand(
      db,
      {
        type: 'automation.policy.save',
        policy: { ...policy, name: 'Renamed', createdAt: 99, updatedAt: 20 },
      },
      20,
    );
    applyAutomationCommand(
      db,
      { type: 'automation.policy.enabled', id: 'keeper', enabled: true },
      30,
    );
    // A change keeps the creation time; enabling is its own column, stamped when it happened.
    expect(automation.findPolicy('keeper')).toEqual({
      ...policy,
      name: 'Renamed',
      enabled: true,
      createdAt: 10,
      updatedAt: 30,
    });
    applyAutomationCommand(
      db,
      { type: 'automation.switch', paused: true, by: 'alice', reason: 'exploit' },
      40,
    );
    expect(automation.switchState()).toEqual({
      paused: true,
      changedAt: 40,
      changedBy: 'alice',
      reason: 'exploit',
    });
    expect(() => db.run('INSERT INTO automation_switch (id, paused) VALUES (2, 0)')).toThrow(
      /CHECK/,
    );
    applyAutomationCommand(db, { type: 'automation.policy.remove', id: 'keeper' }, 50);
    expect(automation.listPolicies()).toEqual([]);
  });

  it('migration 16 keeps schedules and one run per schedule and slot', async () => {
    const db = openDatabase(await loadSqlJs());
    migrate(db, migrations.slice(0, 15));
    expect(migrate(db, migrations.slice(0, 16))).toEqual([16]);
    const schedules = scheduleQueries(db);
    const schedule = {
      id: 'harvest',
      name: 'Harvest',
      everySeconds: 60,
      timezone: 'UTC',
      propose: { chainId: 1, from: '0xSigner', to: '0xTarget' },
      catchUpSeconds: 3600,
      enabled: true,
      createdAt: 10,
      updatedAt: 10,
      armedAt: 10,
    };
    applyScheduleCommand(db, { type: 'schedule.save', schedule }, 10);
    applyScheduleCommand(
      db,
      { type: 'schedule.save', schedule: { ...schedule, name: 'Renamed', createdAt: 99 } },
      20,
    );
    applyScheduleCommand(
      db,
      { type: 'schedule.enabled', id: 'harvest', enabled: false, armedAt: 30 },
      30,
    );
    expect(schedules.findSchedule('harvest')).toEqual({
      ...schedule,
      name: 'Renamed',
      enabled: false,
      updatedAt: 30,
      armedAt: 30,
    });
    const run = (slotAt: number, outcome: 'proposed' | 'skipped', at: number) => ({
      scheduleId: 'harvest',
      slotAt,
      outcome,
      txId: outcome === 'proposed' ? 7 : null,
      reason: outcome === 'skipped' ? 'missed' : null,
      at,
    });
    applyScheduleCommand(db, { type: 'schedule.runs', runs: [run(70, 'proposed', 71)] }, 71);
    // A slot recorded once keeps its first record: a repeat after a restart changes nothing.
    applyScheduleCommand(
      db,
      { type: 'schedule.runs', runs: [run(70, 'skipped', 80), run(130, 'skipped', 131)] },
      131,
    );
    expect(schedules.listRuns({ limit: 10 })).toEqual([
      run(130, 'skipped', 131),
      run(70, 'proposed', 71),
    ]);
    expect(schedules.lastRun('harvest')).toEqual(run(130, 'skipped', 131));
    expect(schedules.findRun('harvest', 70)).toEqual(run(70, 'proposed', 71));
    applyScheduleCommand(db, { type: 'schedule.remove', id: 'harvest' }, 140);
    expect(schedules.listSchedules()).toEqual([]);
    expect(schedules.listRuns({ scheduleId: 'harvest', limit: 10 })).toEqual([]);
  });

  it('applies only what is new, once', async () => {
    const db = openDatabase(await loadSqlJs());
    migrate(db);
    expect(migrate(db)).toEqual([]);
    const extra: Migration = {
      version: newest + 1,
      name: 'test',
      up: (d) => d.run('CREATE TABLE extra (x)'),
    };
    expect(migrate(db, [...migrations, extra])).toEqual([extra.version]);
    expect(schemaVersion(db)).toBe(extra.version);
  });

  it('rolls back a failing migration and leaves the version unchanged', async () => {
    const db = openDatabase(await loadSqlJs());
    migrate(db);
    const broken: Migration = {
      version: newest + 1,
      name: 'broken',
      up: (d) => {
        d.run('CREATE TABLE half (x)');
        d.run('THIS IS NOT SQL');
      },
    };
    expect(() => migrate(db, [...migrations, broken])).toThrow();
    expect(schemaVersion(db)).toBe(newest);
    expect(selectAll(db, "SELECT name FROM sqlite_master WHERE name = 'half'")).toEqual([]);
  });

  it('refuses a database written by a newer Vigil', async () => {
    const db = openDatabase(await loadSqlJs());
    db.run('PRAGMA user_version = 999');
    expect(() => migrate(db)).toThrow(/newer Vigil \(schema 999/);
  });
});
