// The audit hash chain and its verifier: every kind of tampering is found at the right entry
// and named for what it is.
import { describe, expect, it } from 'vitest';
import {
  auditEntryHash,
  canonicalJson,
  chainAuditEntry,
  createAuditVerifier,
  GENESIS_HASH,
  type AuditEntry,
} from '../../../src-main/core/audit/index.ts';

function buildLog(count: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let index = 0; index < count; index++) {
    entries.push(
      chainAuditEntry(
        entries.at(-1),
        {
          actor: index % 3 === 0 ? 'system' : 'alice',
          action: 'tx.approved',
          subject: `tx:${index}`,
          details: { value: `${10n ** 18n * BigInt(index)}`, nested: { b: 1, a: [index, 'x'] } },
        },
        1_700_000_000_000 + index,
      ),
    );
  }
  return entries;
}

function verify(entries: AuditEntry[], head?: { seq: number; hash: string }) {
  const verifier = createAuditVerifier({ firstSeq: 1, prevHash: GENESIS_HASH });
  for (const entry of entries) verifier.push(entry);
  return verifier.finish(head);
}

const headOf = (entries: AuditEntry[]) => ({
  seq: entries.at(-1)!.seq,
  hash: entries.at(-1)!.hash,
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined, so key order never changes a hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('refuses values JSON cannot carry instead of hashing something else', () => {
    expect(() => canonicalJson({ amount: 1n })).toThrow(/bigint/);
    expect(() => canonicalJson({ ratio: Number.NaN })).toThrow(/NaN/);
  });
});

describe('the audit hash chain', () => {
  it('links each entry to the one before from the genesis hash', () => {
    const log = buildLog(3);
    expect(log.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(log[0]!.prevHash).toBe(GENESIS_HASH);
    expect(log[1]!.prevHash).toBe(log[0]!.hash);
    expect(auditEntryHash(log[2]!)).toBe(log[2]!.hash);
  });

  it('verifies an untouched log, also after a JSON round trip that reorders keys', () => {
    const log = buildLog(50);
    const reparsed = log.map((entry) => {
      const { details, ...rest } = JSON.parse(JSON.stringify(entry)) as AuditEntry;
      return { details, ...rest };
    });
    expect(verify(reparsed, headOf(log))).toEqual({
      intact: true,
      count: 50,
      firstSeq: 1,
      lastSeq: 50,
      headHash: log.at(-1)!.hash,
    });
  });

  it('finds an edited field at its entry', () => {
    const log = buildLog(10);
    log[4] = { ...log[4]!, details: { ...log[4]!.details, value: '1' } };
    expect(verify(log, headOf(buildLog(10)))).toMatchObject({
      intact: false,
      atSeq: 5,
      kind: 'edited',
    });
  });

  it('finds an edited entry whose own hash was recomputed at that entry: the next one still links to the original', () => {
    const log = buildLog(10);
    const forged = { ...log[4]!, actor: 'mallory' };
    log[4] = { ...forged, hash: auditEntryHash(forged) };
    expect(verify(log)).toMatchObject({
      intact: false,
      atSeq: 5,
      atPosition: 5,
      kind: 'edited',
    });
  });

  it('finds a replaced entry whose link was forged as well, at that entry', () => {
    const log = buildLog(10);
    const forged = { ...log[4]!, actor: 'mallory', prevHash: 'f'.repeat(64) };
    log[4] = { ...forged, hash: auditEntryHash(forged) };
    expect(verify(log)).toMatchObject({ intact: false, atSeq: 5, kind: 'edited' });
  });

  it('finds a deleted entry as missing', () => {
    const log = buildLog(10);
    log.splice(6, 1);
    expect(verify(log)).toMatchObject({ intact: false, atSeq: 8, kind: 'missing' });
  });

  it('finds an inserted entry at the forged line, not at the genuine one after it', () => {
    const log = buildLog(10);
    const extra = chainAuditEntry(
      log[2],
      { actor: 'mallory', action: 'tx.approved', subject: 'tx:99', details: {} },
      1,
    );
    log.splice(3, 0, extra);
    // The forged entry claims seq 4 and links to entry 3; the genuine entry 4 then repeats seq 4,
    // and entry 5 links to the genuine one.
    expect(verify(log)).toMatchObject({ intact: false, atSeq: 4, atPosition: 4, kind: 'inserted' });
  });

  it('finds a stray line (any number, any link) as inserted where it stands', () => {
    const log = buildLog(10);
    const stray = chainAuditEntry(
      { seq: 41, hash: 'a'.repeat(64) },
      { actor: 'mallory', action: 'tx.sent', subject: 'tx:1', details: {} },
      1,
    );
    log.splice(6, 0, stray);
    expect(verify(log)).toMatchObject({
      intact: false,
      atSeq: 42,
      atPosition: 7,
      kind: 'inserted',
    });
    const copied = buildLog(10);
    copied.splice(8, 0, copied[1]!);
    expect(verify(copied)).toMatchObject({
      intact: false,
      atSeq: 2,
      atPosition: 9,
      kind: 'inserted',
    });
  });

  it('finds an entry past the recorded last one as inserted', () => {
    const log = buildLog(10);
    const verifier = createAuditVerifier({ firstSeq: 1, lastSeq: 9 });
    for (const entry of log) verifier.push(entry);
    expect(verifier.finish({ ...headOf(log.slice(0, 9)), sealed: true })).toMatchObject({
      intact: false,
      atSeq: 10,
      kind: 'inserted',
    });
  });

  it('finds entries missing before a sealed end as missing, not truncated', () => {
    const log = buildLog(10);
    const verifier = createAuditVerifier({ firstSeq: 1 });
    for (const entry of log.slice(0, 8)) verifier.push(entry);
    expect(verifier.finish({ ...headOf(log), sealed: true })).toMatchObject({
      intact: false,
      atSeq: 9,
      atPosition: 9,
      kind: 'missing',
    });
  });

  it('finds two entries swapped far apart as reordered, at the first one out of place', () => {
    const log = buildLog(40);
    [log[3], log[20]] = [log[20]!, log[3]!];
    expect(verify(log)).toMatchObject({
      intact: false,
      atSeq: 21,
      atPosition: 4,
      kind: 'reordered',
    });
  });

  it('finds two swapped entries as reordered', () => {
    const log = buildLog(10);
    [log[3], log[4]] = [log[4]!, log[3]!];
    expect(verify(log)).toMatchObject({
      intact: false,
      atSeq: 5,
      atPosition: 4,
      kind: 'reordered',
    });
  });

  it('finds a cut-off end as truncated, given the recorded head', () => {
    const log = buildLog(10);
    const head = headOf(log);
    expect(verify(log.slice(0, 7), head)).toMatchObject({
      intact: false,
      atSeq: 8,
      kind: 'truncated',
    });
    // Without the recorded head a clean cut cannot be told apart from a shorter log.
    expect(verify(log.slice(0, 7))).toMatchObject({ intact: true, lastSeq: 7 });
  });

  it('checks a range on its own from the hash of the entry before its first', () => {
    const log = buildLog(20);
    const verifier = createAuditVerifier({ firstSeq: 11, prevHash: log[9]!.hash });
    for (const entry of log.slice(10)) verifier.push(entry);
    expect(verifier.finish(headOf(log))).toMatchObject({ intact: true, count: 10, firstSeq: 11 });
    const wrongAnchor = createAuditVerifier({ firstSeq: 11, prevHash: log[8]!.hash });
    for (const entry of log.slice(10)) wrongAnchor.push(entry);
    expect(wrongAnchor.finish()).toMatchObject({ intact: false, atSeq: 11 });
  });
});
