// Audit entries on real files: written through the journal with the command they record, so an
// acknowledged entry survives a crash before any snapshot, and the chain still verifies after the
// replay; an entry altered inside a snapshot on disk or inside the journal (checksum recomputed,
// as a careful tamperer would) is found by the check at start, whichever hashed field was changed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyStoredLog, type AuditAction } from '../../../src-main/core/audit/index.ts';
import type { Store } from '../../../src-main/core/store/index.ts';
import { editJournal } from '../../helpers/edit-journal.ts';
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
    expect(verifyStoredLog(reopened)).toMatchObject({
      intact: false,
      atSeq: 1,
      kind: 'edited',
    });
    expect(reopened.listAudit({ limit: 10 })).toHaveLength(3);
    expect(readFileSync(path).equals(tampered)).toBe(true);
  });
});

// Every column the hash covers, edited in turn on entry 2 of 4. A changed seq leaves a hole where
// the entry stood (it now sorts last), so the break is named `missing`, at the entry after the
// hole; any other field makes the entry's own hash wrong: `edited`, at that entry.
const fieldEdits = [
  { field: 'seq', column: 'seq = 20', value: 20, kind: 'missing', atSeq: 3 },
  { field: 'at', column: 'at = at + 1', value: 1, kind: 'edited', atSeq: 2 },
  { field: 'actor', column: "actor = 'mallory'", value: 'mallory', kind: 'edited', atSeq: 2 },
  {
    field: 'action',
    column: "action = 'tx.rejected'",
    value: 'tx.rejected',
    kind: 'edited',
    atSeq: 2,
  },
  { field: 'subject', column: "subject = 'tx:9'", value: 'tx:9', kind: 'edited', atSeq: 2 },
  {
    field: 'details',
    column: `details = '{"nonce":9}'`,
    value: { nonce: 9 },
    kind: 'edited',
    atSeq: 2,
  },
  {
    field: 'prevHash',
    column: `prev_hash = '${'f'.repeat(64)}'`,
    value: 'f'.repeat(64),
    kind: 'edited',
    atSeq: 2,
  },
  {
    field: 'hash',
    column: `hash = '${'f'.repeat(64)}'`,
    value: 'f'.repeat(64),
    kind: 'edited',
    atSeq: 2,
  },
] as const;

describe('each hashed field tampered with on disk', () => {
  const { open, freshDir, crash, closeCleanly } = useStoreSandbox();

  async function storeWithFour(): Promise<{ dir: string; store: Store }> {
    const dir = freshDir();
    const store = await open(dir);
    for (const nonce of [0, 1, 2, 3])
      store.recordAudit([draft('tx.approved', `tx:${nonce}`, { nonce })]);
    return { dir, store };
  }

  it.each(fieldEdits)('in the snapshot: $field', async ({ column, kind, atSeq }) => {
    const { dir, store } = await storeWithFour();
    // A clean close snapshots everything, so the journal replays nothing over the edit.
    closeCleanly(store);
    await editSnapshot(dir, `UPDATE audit_log SET ${column} WHERE seq = 2`);
    const reopened = await open(dir);
    expect(reopened.recovery.journalEntriesReplayed).toBe(0);
    expect(verifyStoredLog(reopened)).toMatchObject({ intact: false, atSeq, kind });
  });

  it.each(fieldEdits)(
    'in the journal, checksum recomputed: $field',
    async ({ field, value, kind, atSeq }) => {
      const { dir, store } = await storeWithFour();
      crash(store);
      const rewritten = editJournal(dir, (line) => {
        const audit = line.audit as Record<string, unknown>[] | undefined;
        if (audit?.[0]?.seq !== 2) return undefined;
        const original = audit[0][field];
        audit[0] = {
          ...audit[0],
          [field]: field === 'at' ? (original as number) + (value as number) : value,
        };
        return line;
      });
      expect(rewritten).toBe(1);
      const reopened = await open(dir);
      // The line's checksum holds, so the store replays it; only the chain tells.
      expect(reopened.recovery.journalEntriesReplayed).toBe(4);
      expect(verifyStoredLog(reopened)).toMatchObject({ intact: false, atSeq, kind });
      // A renumbered entry no longer follows the log (nor do those after it), and the replay
      // says so as well; any other edit replays without complaint.
      expect(reopened.recovery.auditReplayProblems.slice(0, 1)).toEqual(
        field === 'seq'
          ? ['journal entry 2 carries audit entry 20, but the stored audit log ends at 1']
          : [],
      );
    },
  );
});
