// Audit entries on real files: written through the journal with the command they record, so an
// acknowledged entry survives a crash before any snapshot, and the chain still verifies after the
// replay; an entry altered inside a snapshot on disk is found by the check at start.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyStoredLog, type AuditAction } from '../../../src-main/core/audit/index.ts';
import { editSnapshot } from '../../helpers/edit-snapshot.ts';
import { useStoreSandbox } from '../../helpers/store-sandbox.ts';

const chain = {
  chainId: 31337,
  name: 'anvil',
  rpcUrls: ['http://127.0.0.1:8545'],
  confirmations: 2,
};
const draft = (action: AuditAction, subject: string, details: Record<string, unknown> = {}) => ({
  actor: 'alice',
  action,
  subject,
  details,
});

describe('audit entries through the journal', () => {
  const { open, freshDir, crash, closeCleanly } = useStoreSandbox();

  it('keeps an acknowledged entry and its command together across a crash with no snapshot', async () => {
    const dir = freshDir();
    const store = await open(dir);
    const [added] = store.execute({ type: 'chain.add', chain }, [
      draft('chain.added', 'chain:31337'),
    ]);
    store.recordAudit([draft('tx.approved', 'tx:1', { nonce: 0 }), draft('tx.signed', 'tx:1')]);
    expect(added).toMatchObject({ seq: 1, action: 'chain.added' });
    crash(store);

    const reopened = await open(dir);
    expect(reopened.listChains()).toEqual([chain]);
    const entries = reopened.listAudit({ order: 'asc', limit: 10 });
    expect(entries.map((entry) => [entry.seq, entry.action])).toEqual([
      [1, 'chain.added'],
      [2, 'tx.approved'],
      [3, 'tx.signed'],
    ]);
    expect(entries[0]).toEqual(added);
    expect(verifyStoredLog(reopened)).toMatchObject({ intact: true, count: 3, lastSeq: 3 });
  });

  it('continues the chain after a snapshot plus a journal tail', async () => {
    const dir = freshDir();
    const store = await open(dir);
    store.recordAudit([draft('rule.created', 'rule:1')]);
    store.snapshot();
    store.recordAudit([draft('rule.enabled', 'rule:1')]);
    crash(store);
    const reopened = await open(dir);
    expect(reopened.recovery.journalEntriesReplayed).toBe(1);
    expect(reopened.recovery.auditReplayProblems).toEqual([]);
    expect(verifyStoredLog(reopened)).toMatchObject({ intact: true, count: 2 });
  });

  it('rolls back the command when its audit entry cannot be written, and journals nothing', async () => {
    const dir = freshDir();
    const store = await open(dir);
    expect(() =>
      store.execute({ type: 'chain.add', chain }, [
        draft('chain.added', 'chain:31337', { bad: 1n }),
      ]),
    ).toThrow(/bigint/);
    expect(store.listChains()).toEqual([]);
    expect(store.listAudit({ limit: 10 })).toEqual([]);
    expect(readFileSync(join(dir, 'journal.ndjson'), 'utf8')).toBe('');
  });

  it('finds an entry edited inside the snapshot on disk, without changing the files', async () => {
    const dir = freshDir();
    const store = await open(dir);
    store.recordAudit([
      draft('tx.approved', 'tx:1', { value: '5' }),
      draft('tx.sent', 'tx:1'),
      draft('tx.mined', 'tx:1'),
    ]);
    closeCleanly(store);

    // Someone with the files edits entry 1's details in the SQLite image and re-wraps it.
    const path = join(dir, 'store.sqlite');
    const tampered = await editSnapshot(
      dir,
      `UPDATE audit_log SET details = '{"value":"500"}' WHERE seq = 1`,
    );

    const reopened = await open(dir);
    expect(verifyStoredLog(reopened)).toMatchObject({ intact: false, atSeq: 1, kind: 'edited' });
    expect(reopened.listAudit({ limit: 10 })).toHaveLength(3);
    expect(readFileSync(path).equals(tampered)).toBe(true);
  });
});
