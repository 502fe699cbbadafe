// The store's records sealed with a data directory's MAC key, on real files: a chain segment
// manifest or an audit segment manifest edited on disk (with its plain checksum recomputed, as a
// careful tamperer would) fails its MAC, is moved aside and not used, and is reported as an
// integrity problem (the engine turns that into safe mode). A directory written before MACs is
// accepted once and sealed.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRecordMac } from '../../../src-main/core/integrity/index.ts';
import type { StoreIntegrity } from '../../../src-main/core/store/index.ts';
import { chain, contracts, ingest, tuning } from '../../helpers/chain-store-rows.ts';
import { editJournal } from '../../helpers/edit-journal.ts';
import { useStoreSandbox } from '../../helpers/store-sandbox.ts';
import { makeLogger } from '../../helpers/temp-dir.ts';

const sealed = (): StoreIntegrity => ({ mac: createRecordMac(randomBytes(32)), adopting: false });
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('records sealed with the data directory key', () => {
  const sandbox = useStoreSandbox();

  it('a chain segment manifest edited on disk is not used, and is reported', async () => {
    const integrity = sealed();
    const dir = sandbox.freshDir();
    const store = await sandbox.open(dir, makeLogger(), { chainData: tuning, integrity });
    store.execute({ type: 'chain.add', chain });
    for (const contract of contracts) store.execute({ type: 'contract.add', contract });
    ingest(store, 1, 80);
    store.maintainChainData();
    sandbox.closeCleanly(store);

    const path = join(dir, 'chain', 'manifest.json');
    const text = readFileSync(path, 'utf8');
    const body = text.slice(text.indexOf('\n') + 1);
    // A clean reopen finds nothing wrong.
    const clean = await sandbox.open(dir, makeLogger(), { chainData: tuning, integrity });
    expect(clean.recovery.integrityProblems).toEqual([]);
    sandbox.closeCleanly(clean);

    // One segment dropped from the list, the checksum line recomputed.
    const manifest = JSON.parse(body) as { segments: unknown[] };
    manifest.segments.pop();
    const editedBody = JSON.stringify(manifest);
    writeFileSync(path, `${sha256(editedBody)}\n${editedBody}`);
    const reopened = await sandbox.open(dir, makeLogger(), { chainData: tuning, integrity });
    expect(reopened.recovery.integrityProblems).toMatchObject([
      { record: 'chain-manifest', message: expect.stringMatching(/fails its MAC/) },
    ]);
    const movedTo = reopened.recovery.integrityProblems[0]!.quarantinedTo!;
    expect(readFileSync(movedTo, 'utf8')).toBe(`${sha256(editedBody)}\n${editedBody}`);
    // Nothing it listed is trusted: its segments are moved aside too (chain data is fetched again).
    expect(reopened.chainDataProblems().map((problem) => problem.message)).toContainEqual(
      expect.stringMatching(/is not listed in a trusted manifest/),
    );
  });

  it('an audit segment manifest edited on disk is not used, and is reported', async () => {
    const integrity = sealed();
    const dir = sandbox.freshDir();
    const auditSealing = { keepLive: 5, segmentEntries: 10 };
    const store = await sandbox.open(dir, makeLogger(), { auditSealing, integrity });
    for (let index = 0; index < 30; index++)
      store.recordAudit([
        { actor: 'alice', action: 'tx.proposed', subject: `tx:${index}`, details: {} },
      ]);
    store.snapshot();
    sandbox.closeCleanly(store);

    const path = join(dir, 'audit', 'manifest.json');
    expect(existsSync(path)).toBe(true);
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as {
      segments: { fromSeq: number }[];
      sha256: string;
    };
    // The first sealed file's range renumbered, checksum recomputed as the code does it.
    manifest.segments[0]!.fromSeq += 1;
    manifest.sha256 = sha256(JSON.stringify(manifest.segments));
    writeFileSync(path, JSON.stringify(manifest));
    const reopened = await sandbox.open(dir, makeLogger(), { auditSealing, integrity });
    expect(reopened.recovery.integrityProblems).toContainEqual(
      expect.objectContaining({ record: 'audit-manifest', path }),
    );
    expect(
      reopened
        .auditDamagedSegments()
        .map((damaged) => damaged.reason)
        .join(' '),
    ).toMatch(/MAC mismatch/);
  });

  it('a directory written before MACs is accepted once and sealed; then an edit is caught', async () => {
    const dir = sandbox.freshDir();
    const legacy = await sandbox.open(dir);
    legacy.recordAudit([
      { actor: 'alice', action: 'rule.created', subject: 'rule:1', details: {} },
    ]);
    sandbox.crash(legacy);
    const key = createRecordMac(randomBytes(32));

    const adopted = await sandbox.open(dir, makeLogger(), {
      integrity: { mac: key, adopting: true },
    });
    expect(adopted.recovery).toMatchObject({ adoptedMacs: true, integrityProblems: [] });
    expect(adopted.recovery.journalEntriesReplayed).toBe(1);
    sandbox.crash(adopted);
    // Every journal line now carries a 64-digit MAC instead of a 16-digit checksum.
    const lines = readFileSync(join(dir, 'journal.ndjson'), 'utf8').trimEnd().split('\n');
    expect(lines.every((line) => line.indexOf(' ') === 64)).toBe(true);

    expect(
      editJournal(dir, (entry) => (entry['seq'] === 1 ? { ...entry, at: 1 } : undefined)),
    ).toBe(1);
    const reopened = await sandbox.open(dir, makeLogger(), {
      integrity: { mac: key, adopting: false },
    });
    expect(reopened.recovery.integrityProblems).toMatchObject([
      {
        record: 'journal',
        message: expect.stringMatching(/Journal line 1 \(entry 1\) fails its MAC/),
      },
    ]);
    expect(reopened.recovery.journalEntriesReplayed).toBe(0);
    expect(reopened.listAudit({ limit: 10 })).toEqual([]);
  });
});
