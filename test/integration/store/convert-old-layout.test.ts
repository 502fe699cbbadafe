// A data directory written before the chain-data store (schema 6: events, blocks and the reorg
// log inside the operator database) opens, is converted, and then equals the chain: the events
// move into the chain-data store, the operator data and the audit log stay, the hash chain
// still verifies, and following resumes from the old cursor. The old directory is built here
// with the numbered migrations 1–6 exactly as the last release wrote them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainAuditEntry, type AuditEntry } from '../../../src-main/core/audit-chain/index.ts';
import { loadSqlJs } from '../../../src-main/core/store/database.ts';
import { migrate, migrations } from '../../../src-main/core/store/index.ts';
import { decodeSnapshot, writeSnapshot } from '../../../src-main/core/store/snapshot.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { headBlock } from '../../helpers/chain-control.ts';
import { chainLogs, waitForStoreToEqualChain } from '../../helpers/compare.ts';
import { deployContract, emitMany, loadArtifact } from '../../helpers/contracts.ts';
import { startVigilInProcess } from '../../helpers/vigil-in-process.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

let anvil: AnvilInstance;
let emitter: `0x${string}`;
const dataDir = makeTempDir();

beforeAll(async () => {
  anvil = await startAnvil();
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let i = 0; i < 5; i++) await emitMany(anvil.rpcUrl, emitter, 10);
});

afterAll(async () => {
  await anvil?.stop();
  dataDir.remove();
});

describe('a data directory of the old layout', () => {
  it('is converted at start and then equals the chain, with operator data and the audit chain intact', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    migrate(
      db,
      migrations.filter((migration) => migration.version <= 6),
    );
    const contractId = `${anvil.chainId}:${emitter.toLowerCase()}`;
    const indexedThrough = await headBlock(anvil.rpcUrl);
    db.run('INSERT INTO chains VALUES (?, ?, ?, ?, ?)', [
      anvil.chainId,
      'anvil',
      JSON.stringify([anvil.rpcUrl]),
      2,
      Date.now(),
    ]);
    db.run('INSERT INTO contracts VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      contractId,
      anvil.chainId,
      emitter,
      'Emitter',
      JSON.stringify(loadArtifact('Emitter').abi),
      0,
      indexedThrough,
      Date.now(),
    ]);
    const logs = await chainLogs(anvil.rpcUrl, emitter);
    // All but the newest block's events, as the old store held them: the last block is left
    // out on purpose, behind the cursor, so a missing row would show.
    for (const log of logs)
      db.run(
        `INSERT INTO events (chain_id, contract_id, block_number, block_hash, block_timestamp, log_index,
          transaction_hash, transaction_index, address, event_name, signature, args, topics, data, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 'Ping', 'Ping(uint256)', '{}', ?, ?, 'confirmed')`,
        [
          anvil.chainId,
          contractId,
          log.blockNumber,
          log.blockHash,
          1_700_000_000,
          log.logIndex,
          log.transactionHash,
          emitter,
          JSON.stringify(log.topics),
          log.data,
        ],
      );
    db.run("INSERT INTO reorgs VALUES (1, ?, ?, 3, 1, '[]', '[]', 0, 0, 0)", [
      anvil.chainId,
      Date.now(),
    ]);
    let previous: AuditEntry | undefined;
    const auditEntries: AuditEntry[] = [];
    for (const action of ['chain.added', 'contract.added', 'app.started'] as const) {
      previous = chainAuditEntry(
        previous,
        { actor: 'alice', action, subject: 'x', details: { n: auditEntries.length } },
        Date.now(),
      );
      auditEntries.push(previous);
      db.run('INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        previous.seq,
        previous.at,
        previous.actor,
        previous.action,
        previous.subject,
        JSON.stringify(previous.details),
        previous.prevHash,
        previous.hash,
      ]);
    }
    writeSnapshot(dataDir.path, db.export());
    db.close();

    const vigil = await startVigilInProcess({ dataDir: dataDir.path });
    try {
      expect(vigil.log.messages.join('\n')).toMatch(
        new RegExp(`Converted the data directory .* ${logs.length} events moved`),
      );
      expect(await vigil.call<unknown[]>('chains.list')).toHaveLength(1);
      const contracts =
        await vigil.call<{ id: string; indexedThrough: number | null }[]>('contracts.list');
      expect(contracts).toEqual([expect.objectContaining({ id: contractId })]);
      expect(contracts[0]!.indexedThrough).toBeGreaterThanOrEqual(indexedThrough);
      expect(await vigil.call<{ reorgs: unknown[] }>('reorgs.list')).toMatchObject({
        reorgs: [{ id: 1, depth: 1 }],
      });
      // Following resumes from the old cursor: new events arrive, nothing is fetched twice.
      await emitMany(anvil.rpcUrl, emitter, 7);
      await waitForStoreToEqualChain(vigil.server, anvil.rpcUrl, emitter, 60_000);
      const verification = await vigil.call<{ intact: boolean; count: number }>('audit.verify', {});
      expect(verification.intact).toBe(true);
      expect(verification.count).toBeGreaterThan(auditEntries.length);
    } finally {
      await vigil.close({ keepDataDir: true });
    }
    // The operator database holds no chain data any more. (The snapshot is sealed with the
    // directory's MAC key, which this test does not hold: it reads the image unchecked.)
    const decoded = decodeSnapshot(readFileSync(join(dataDir.path, 'store.sqlite')), {
      verifyChecksum: false,
    });
    if (!('image' in decoded)) throw new Error(decoded.reason);
    const converted = new SQL.Database(decoded.image);
    const tables = converted
      .exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]!
      .values.flat();
    expect(tables).not.toContain('events');
    expect(tables).toContain('audit_log');
    expect(converted.exec('PRAGMA user_version')[0]!.values[0]![0]).toBe(
      migrations.at(-1)!.version,
    );
    converted.close();
  });
});
