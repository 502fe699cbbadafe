// The audit log at scale, on real files: older entries sealed into segment files (small
// thresholds here), read back across segments and the live table exactly as they were written,
// the hash chain checked across files, kill -9 at every step of sealing, damaged segments, and
// the check at start from a checkpoint.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  readdirSync,
  readFileSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkLiveLogAtStart,
  readAuditCheckpoint,
  verifyAuditExportFile,
  verifyStoredLog,
  verifyWholeLog,
  writeAuditExport,
  type AuditAction,
  type AuditEntry,
} from '../../../src-main/core/audit/index.ts';
import {
  openStore,
  type AuditSealingOptions,
  type SealCrashPoint,
  type Store,
} from '../../../src-main/core/store/index.ts';
import { editSnapshot } from '../../helpers/edit-snapshot.ts';
import { makeLogger } from '../../helpers/temp-dir.ts';
import { useStoreSandbox } from '../../helpers/store-sandbox.ts';

const repoRoot = join(import.meta.dirname, '../../..');
const actions: AuditAction[] = ['tx.proposed', 'tx.approved', 'alert.fired'];

/**
 * Records `count` entries, up to 20 a command (one journal fsync each, so the test stays quick);
 * returns them as written.
 */
function record(store: Store, count: number, offset = 0): AuditEntry[] {
  const written: AuditEntry[] = [];
  for (let start = offset; start < offset + count; start += 20) {
    const drafts = [];
    for (let index = start; index < Math.min(offset + count, start + 20); index++) {
      const action = actions[index % actions.length]!;
      drafts.push({
        actor: index % 4 === 1 ? 'alice' : 'system',
        action,
        subject: action.startsWith('alert') ? `firing:${index}` : `tx:${index}`,
        details: { index, note: index % 10 === 7 ? 'needle' : 'hay' },
      });
    }
    written.push(...store.recordAudit(drafts));
  }
  return written;
}

const auditFiles = (dir: string): string[] =>
  existsSync(join(dir, 'audit')) ? readdirSync(join(dir, 'audit')).sort() : [];

const small: AuditSealingOptions = { keepLive: 5, segmentEntries: 10 };

describe('audit sealing', () => {
  const sandbox = useStoreSandbox();
  const opened: Store[] = [];
  async function open(dir: string, sealing = small, log = makeLogger()): Promise<Store> {
    const store = await openStore(dir, log, { auditSealing: sealing });
    opened.push(store);
    return store;
  }
  function closeAll(): void {
    for (const store of opened.splice(0)) store.close({ snapshot: false });
  }

  it('seals older entries into several files and reads the log back as written, with filters and order', async () => {
    const dir = sandbox.freshDir();
    try {
      const store = await open(dir);
      const written = record(store, 47);
      store.snapshot();
      // 47 entries, keep 5, 10 a segment: 1..40 sealed in four files, 41..47 live.
      expect(auditFiles(dir)).toEqual([
        'manifest.json',
        'manifest.prev.json',
        'seg-1-10.sqlite',
        'seg-11-20.sqlite',
        'seg-21-30.sqlite',
        'seg-31-40.sqlite',
      ]);
      expect(store.auditLayout()).toEqual({
        sealedSegments: 4,
        sealedEntries: 40,
        liveEntries: 7,
      });
      closeAll();

      const store2 = await open(dir);
      expect(store2.auditLayout().liveEntries).toBe(7);
      expect(store2.listAudit({ order: 'asc', limit: 100 })).toEqual(written);
      expect(store2.listAudit({ order: 'desc', limit: 12 })).toEqual(written.slice(-12).reverse());
      // Newest-first pages with a cursor cross the boundaries between files once each.
      const paged: AuditEntry[] = [];
      let beforeSeq: number | undefined;
      for (;;) {
        const page = store2.listAudit({
          order: 'desc',
          limit: 7,
          ...(beforeSeq === undefined ? {} : { beforeSeq }),
        });
        paged.push(...page);
        if (page.length < 7) break;
        beforeSeq = page.at(-1)!.seq;
      }
      expect(paged).toEqual([...written].reverse());

      const approved = written.filter((entry) => entry.action === 'tx.approved');
      expect(store2.listAudit({ action: 'tx.approved', order: 'asc', limit: 100 })).toEqual(
        approved,
      );
      expect(store2.countAudit({ action: 'tx.approved' })).toBe(approved.length);
      expect(store2.countAudit({ text: 'needle' })).toBe(
        written.filter((entry) => entry.details['note'] === 'needle').length,
      );
      expect(store2.countAudit({ actor: 'alice', subject: 'tx:' })).toBe(
        written.filter((entry) => entry.actor === 'alice' && entry.subject.startsWith('tx:'))
          .length,
      );
      expect(store2.countAudit()).toBe(47);
      expect(store2.auditEntryAt(3)).toEqual(written[2]);
      expect(store2.auditEntryAt(44)).toEqual(written[43]);
      expect(store2.lastAuditEntry()).toEqual(written[46]);
      expect(store2.auditFacets()).toEqual({
        actors: ['alice', 'system'],
        actions: [...actions].sort(),
      });
      expect(store2.auditSeqRange({ from: written[12]!.at, to: written[12]!.at })).toMatchObject({
        fromSeq: written.find((entry) => entry.at === written[12]!.at)!.seq,
      });

      // The chain runs across the files, and the next entry continues it.
      expect(verifyStoredLog(store2)).toMatchObject({ intact: true, count: 47, lastSeq: 47 });
      const [next] = record(store2, 1, 47);
      expect(next).toMatchObject({ seq: 48, prevHash: written[46]!.hash });

      // An export reads across them too.
      const path = join(dir, 'all.jsonl');
      await writeAuditExport({ store: store2, format: 'jsonl', path, exportedBy: 'test' });
      const check = await verifyAuditExportFile(path);
      expect(check.verification).toMatchObject({ intact: true, count: 48 });
    } finally {
      closeAll();
    }
  });

  it('keeps the snapshot from growing with the history', async () => {
    const dir = sandbox.freshDir();
    try {
      const store = await open(dir, { keepLive: 20, segmentEntries: 200 });
      const sizeAfter = (count: number): number => {
        record(store, count);
        store.snapshot();
        return readFileSync(join(dir, 'store.sqlite')).length;
      };
      const steady = sizeAfter(220);
      expect(store.auditLayout()).toEqual({
        sealedSegments: 1,
        sealedEntries: 200,
        liveEntries: 20,
      });
      // Five times the history, the same live entries between snapshots: the pages sealing
      // freed are reused, so the file stays within a few pages of where it was (each round's
      // 200 entries alone take more than a tenth of it).
      for (let round = 0; round < 4; round++) expect(sizeAfter(200)).toBeLessThan(steady * 1.1);
      expect(store.auditLayout()).toEqual({
        sealedSegments: 5,
        sealedEntries: 1000,
        liveEntries: 20,
      });
    } finally {
      closeAll();
    }
  });

  it('leaves the entries live and still writes the snapshot when sealing fails', async () => {
    const dir = sandbox.freshDir();
    try {
      // Where the segments would go is a file: every seal fails, as on a full disk.
      writeFileSync(join(dir, 'audit'), 'not a folder');
      const log = makeLogger();
      const store = await open(dir, small, log);
      const written = record(store, 30);
      store.snapshot();
      expect(store.dirty).toBe(false);
      expect(store.auditLayout()).toEqual({ sealedSegments: 0, sealedEntries: 0, liveEntries: 30 });
      expect(log.messages.join('\n')).toMatch(/Sealing audit entries 1\.\.10 failed/);
      closeAll();
      const reopened = await open(dir);
      expect(reopened.recovery.journalEntriesReplayed).toBe(0);
      expect(reopened.listAudit({ order: 'asc', limit: 100 })).toEqual(written);
    } finally {
      closeAll();
    }
  });

  describe('kill -9 at each step of sealing leaves exactly the same entries', () => {
    const points: SealCrashPoint[] = [
      'audit.seal.segmentWritten',
      'audit.seal.segmentRenamed',
      'audit.seal.manifestWritten',
      'audit.seal.manifestSwapped',
      'audit.seal.liveDeleted',
    ];
    function runChild(dir: string, count: number, crashAt: string) {
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'test/helpers/audit-seal-child.ts', dir, String(count), '3', '5'],
        {
          cwd: repoRoot,
          encoding: 'utf8',
          env: { ...process.env, VIGIL_CRASH_AT: crashAt },
        },
      );
      const line = result.stdout.split('\n').find((text) => text.startsWith('['));
      if (!line) throw new Error(`child printed nothing: ${result.stderr}`);
      return {
        signal: result.signal,
        written: JSON.parse(line) as [number, string][],
      };
    }

    for (const point of points) {
      it(point, async () => {
        const dir = sandbox.freshDir();
        try {
          // A first run (here) seals 1..5 and closes; a second, in a process of its own, dies
          // while sealing 6..10.
          const firstRun = await open(dir, { keepLive: 3, segmentEntries: 5 });
          const first = record(firstRun, 12).map((entry) => [entry.seq, entry.hash]);
          firstRun.snapshot();
          closeAll();
          expect(auditFiles(dir)).toContain('seg-1-5.sqlite');
          const second = runChild(dir, 12, point);
          expect(second.signal).toBe('SIGKILL');
          const expected = [...first, ...second.written];
          expect(expected.map(([seq]) => seq)).toEqual(
            Array.from({ length: 24 }, (_, index) => index + 1),
          );

          const store = await open(dir, { keepLive: 3, segmentEntries: 5 });
          const entries = store.listAudit({ order: 'asc', limit: 100 });
          expect(entries.map((entry) => [entry.seq, entry.hash])).toEqual(expected);
          expect(store.countAudit()).toBe(24);
          expect(verifyStoredLog(store)).toMatchObject({ intact: true, count: 24 });
          expect(store.auditDamagedSegments()).toEqual([]);
          expect(auditFiles(dir).filter((name) => name.endsWith('.tmp'))).toHaveLength(
            point === 'audit.seal.segmentWritten' || point === 'audit.seal.manifestWritten' ? 1 : 0,
          );

          // Sealing picks up where it stopped, and the result survives another restart.
          store.snapshot();
          closeAll();
          const again = await open(dir, { keepLive: 3, segmentEntries: 5 });
          expect(again.auditLayout()).toEqual({
            sealedSegments: 4,
            sealedEntries: 20,
            liveEntries: 4,
          });
          expect(
            again.listAudit({ order: 'asc', limit: 100 }).map((entry) => [entry.seq, entry.hash]),
          ).toEqual(expected);
          expect(verifyStoredLog(again)).toMatchObject({ intact: true, count: 24 });
        } finally {
          closeAll();
        }
      });
    }
  });

  describe('a damaged segment', () => {
    async function sealedStore(): Promise<{ dir: string; written: AuditEntry[] }> {
      const dir = sandbox.freshDir();
      const store = await open(dir);
      const written = record(store, 30);
      store.close();
      opened.splice(opened.indexOf(store), 1);
      return { dir, written };
    }

    it('with a flipped byte is found by the full check, moved aside and kept, and reported', async () => {
      const { dir } = await sealedStore();
      try {
        const path = join(dir, 'audit', 'seg-11-20.sqlite');
        const bytes = readFileSync(path);
        bytes[bytes.length - 100]! ^= 0xff;
        writeFileSync(path, bytes);

        const store = await open(dir);
        const verification = verifyWholeLog(store);
        expect(verification).toMatchObject({ intact: false, atSeq: 21, kind: 'missing' });
        expect(verification.intact || verification.message).toMatch(
          /^Entries 11\.\.20 cannot be read: their sealed file seg-11-20\.sqlite failed its check \(checksum mismatch/,
        );
        const [damaged] = store.auditDamagedSegments();
        expect(damaged).toMatchObject({ file: 'seg-11-20.sqlite', fromSeq: 11, toSeq: 20 });
        expect(existsSync(path)).toBe(false);
        expect(readFileSync(damaged!.movedTo!)).toEqual(bytes);
        // The other entries still read; the damaged range is absent, never replaced.
        expect(store.countAudit()).toBe(20);
        expect(readAuditCheckpoint(store)).toBeUndefined();
      } finally {
        closeAll();
      }
    });

    it('cut short or missing is found at start and reported by the start check', async () => {
      const { dir } = await sealedStore();
      try {
        truncateSync(join(dir, 'audit', 'seg-1-10.sqlite'), 1000);
        unlinkSync(join(dir, 'audit', 'seg-11-20.sqlite'));
        const log = makeLogger();
        const store = await open(dir, small, log);
        expect(store.auditDamagedSegments().map((one) => [one.file, one.movedTo !== null])).toEqual(
          [
            ['seg-1-10.sqlite', true],
            ['seg-11-20.sqlite', false],
          ],
        );
        const startCheck = checkLiveLogAtStart(store, log);
        expect(startCheck.verification).toMatchObject({
          intact: false,
          atSeq: 21,
          kind: 'missing',
        });
        expect(startCheck.damagedSegments).toHaveLength(2);
        expect(startCheck.evidenceFolder).not.toBeNull();
        expect(existsSync(join(startCheck.evidenceFolder!, 'audit-manifest.json'))).toBe(true);
        expect(log.messages.join('\n')).toMatch(
          /seg-1-10\.sqlite has 1000 bytes where \d+ were written/,
        );
      } finally {
        closeAll();
      }
    });
  });

  describe('the check at start from a checkpoint', () => {
    it('checks only what came after the last verified point; the full check still finds older tampering', async () => {
      const dir = sandbox.freshDir();
      try {
        const sealing = { keepLive: 200, segmentEntries: 500 };
        const store = await open(dir, sealing);
        record(store, 1200);
        store.snapshot();
        const first = checkLiveLogAtStart(store, makeLogger());
        expect(first).toMatchObject({
          checkedFrom: null,
          verification: { intact: true, count: 1200 },
        });
        expect(readAuditCheckpoint(store)).toMatchObject({ seq: 1200 });
        record(store, 3, 1200);
        store.close();
        opened.splice(0);

        // Someone edits an entry before the checkpoint inside the snapshot, with a careful hand:
        // the file's checksum is made right again.
        await editSnapshot(
          dir,
          `UPDATE audit_log SET details = '{"index":1100,"note":"forged"}' WHERE seq = 1101`,
        );

        const reopened = await open(dir, sealing);
        const second = checkLiveLogAtStart(reopened, makeLogger());
        expect(second).toMatchObject({
          checkedFrom: { seq: 1200 },
          verification: { intact: true, count: 3, lastSeq: 1203 },
        });
        expect(readAuditCheckpoint(reopened)).toMatchObject({ seq: 1203 });

        const full = verifyWholeLog(reopened);
        expect(full).toMatchObject({ intact: false, atSeq: 1101, kind: 'edited' });
        // A break found leaves the checkpoint where it was.
        expect(readAuditCheckpoint(reopened)).toMatchObject({ seq: 1203 });
      } finally {
        closeAll();
      }
    });

    it('sees sealed history removed wholesale, though it lies before the checkpoint', async () => {
      const dir = sandbox.freshDir();
      try {
        const store = await open(dir);
        record(store, 30);
        store.snapshot();
        expect(checkLiveLogAtStart(store, makeLogger()).verification).toMatchObject({
          intact: true,
          count: 30,
        });
        store.close();
        opened.splice(0);
        unlinkSync(join(dir, 'audit', 'manifest.json'));
        unlinkSync(join(dir, 'audit', 'manifest.prev.json'));

        const reopened = await open(dir);
        const startCheck = checkLiveLogAtStart(reopened, makeLogger());
        expect(startCheck.checkedFrom).toMatchObject({ seq: 30 });
        expect(startCheck.verification).toMatchObject({ intact: false, atSeq: 1, kind: 'missing' });
        expect(startCheck.verification.intact || startCheck.verification.message).toBe(
          'The live audit log starts at seq 21, but the sealed log before it ends at seq 0: entries 1..20 are missing.',
        );
      } finally {
        closeAll();
      }
    });

    it('finds the entry at the checkpoint changed', async () => {
      const dir = sandbox.freshDir();
      try {
        const store = await open(dir, { keepLive: 100, segmentEntries: 100 });
        record(store, 10);
        checkLiveLogAtStart(store, makeLogger());
        store.close();
        opened.splice(0);
        await editSnapshot(dir, `UPDATE audit_log SET actor = 'mallory' WHERE seq = 10`);
        const reopened = await open(dir);
        expect(checkLiveLogAtStart(reopened, makeLogger()).verification).toMatchObject({
          intact: false,
          atSeq: 10,
          kind: 'edited',
        });
      } finally {
        closeAll();
      }
    });
  });
});
