// The audit hash format as others depend on it: an oracle written from the README's words with
// node:crypto (not Vigil's canonicalJson or auditEntryHash), a known answer checked with
// `sha256sum`, every hashed field shown to count, and exports written by an earlier build
// (test/fixtures/audit/) that must keep verifying. Changing the format breaks every export
// already handed to an auditor, so it must break here first (or come with a migration).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  auditEntryHash,
  chainAuditEntry,
  createAuditVerifier,
  GENESIS_HASH,
  verifyAuditExportFile,
  type AuditEntry,
} from '../../../src-main/core/audit/index.ts';

const fixture = (name: string): string =>
  new URL(`../../fixtures/audit/${name}`, import.meta.url).pathname;

/** JSON with every object's keys sorted by UTF-16 code unit and no white space (README). */
function readmeCanonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(readmeCanonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${readmeCanonical(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The README: SHA-256 over {action, actor, at, details, prevHash, seq, subject}, hex. */
function readmeEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { action, actor, at, details, prevHash, seq, subject } = entry;
  const text = readmeCanonical({ action, actor, at, details, prevHash, seq, subject });
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// printf '%s' '<the text below>' | sha256sum
const KNOWN_TEXT =
  '{"action":"chain.added","actor":"alice","at":1796115600000,' +
  '"details":{"confirmations":2,"name":"anvil","rpcUrls":["http://127.0.0.1:8545"]},' +
  `"prevHash":"${'0'.repeat(64)}","seq":1,"subject":"chain:31337"}`;
const KNOWN_HASH = '1f66b8563c6c88ddf0c29d2943fad5438b158d0b28c2e78d6c05cbb7dd9c1e42';
const knownEntry = {
  seq: 1,
  at: 1_796_115_600_000,
  actor: 'alice',
  action: 'chain.added',
  subject: 'chain:31337',
  // Keys out of order on purpose: the hash must not depend on it.
  details: { rpcUrls: ['http://127.0.0.1:8545'], name: 'anvil', confirmations: 2 },
  prevHash: GENESIS_HASH,
};

describe('the audit entry hash, from the README', () => {
  it('matches the known answer (sha256sum of the literal canonical text)', () => {
    expect(createHash('sha256').update(KNOWN_TEXT).digest('hex')).toBe(KNOWN_HASH);
    expect(readmeCanonical(knownEntry)).toBe(KNOWN_TEXT);
    expect(auditEntryHash(knownEntry)).toBe(KNOWN_HASH);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('chains the first entry from 64 zeros, with its own hash as the README computes it', () => {
    const { hash, ...unhashed } = chainAuditEntry(
      undefined,
      {
        actor: 'alice',
        action: 'chain.added',
        subject: 'chain:31337',
        details: knownEntry.details,
      },
      knownEntry.at,
    );
    expect(unhashed).toEqual(knownEntry);
    expect(hash).toBe(KNOWN_HASH);
  });

  it('agrees with the oracle on awkward details: unicode, integer-like keys, nesting, empties', () => {
    const details = {
      '10': 'ten',
      '2': 'two',
      b: [{ y: null, x: [] }, {}],
      a: 'ünïcödé — "quoted" \\ \n \u2028',
      big: '115792089237316195423570985008687907853269984665640564039457584007913129639935',
      negative: -1.5,
      skipped: undefined,
    };
    const entry = { ...knownEntry, details };
    expect(auditEntryHash(entry)).toBe(readmeEntryHash(entry));
  });

  // Each field the README names is covered: change it and the hash changes, and a chain holding
  // the changed entry breaks there, named as an edit.
  const edits: [field: keyof Omit<AuditEntry, 'hash'>, edit: (entry: AuditEntry) => AuditEntry][] =
    [
      ['seq', (entry) => ({ ...entry, seq: entry.seq + 100 })],
      ['at', (entry) => ({ ...entry, at: entry.at + 1 })],
      ['actor', (entry) => ({ ...entry, actor: 'mallory' })],
      ['action', (entry) => ({ ...entry, action: 'tx.rejected' })],
      ['subject', (entry) => ({ ...entry, subject: 'tx:8' })],
      ['details', (entry) => ({ ...entry, details: { ...entry.details, nonce: 8 } })],
      ['prevHash', (entry) => ({ ...entry, prevHash: 'f'.repeat(64) })],
    ];

  it.each(edits)('counts %s in the hash', (field, edit) => {
    const entry = { ...knownEntry, hash: KNOWN_HASH };
    const edited = edit(entry);
    expect(edited[field]).not.toEqual(entry[field]);
    expect(auditEntryHash(edited)).not.toBe(KNOWN_HASH);
    expect(auditEntryHash(edited)).toBe(readmeEntryHash(edited));
  });

  it('refuses details JSON cannot carry, naming their type, instead of hashing something else', () => {
    const refusals: [unknown, RegExp][] = [
      [{ amount: 5n }, /a bigint has no JSON form/],
      [{ callback: () => 1 }, /a function has no JSON form/],
      [{ tag: Symbol('x') }, /a symbol has no JSON form/],
      [{ ratio: Number.POSITIVE_INFINITY }, /Infinity has no JSON form/],
    ];
    for (const [details, message] of refusals)
      expect(() => auditEntryHash({ ...knownEntry, details } as never)).toThrow(message);
  });

  it('does not hash the entry’s own hash field', () => {
    expect(auditEntryHash({ ...knownEntry, hash: 'x' } as AuditEntry)).toBe(KNOWN_HASH);
  });
});

describe('exports written by an earlier build', () => {
  const HEAD = '1fea788c00962949f189b35d38f501bdd3467cdaaa9deacee4b8ce7867b13102';

  it.each(['export-v1.jsonl', 'export-v1.csv'])('%s still verifies', async (name) => {
    const check = await verifyAuditExportFile(fixture(name));
    expect(check.verification).toEqual({
      intact: true,
      count: 5,
      firstSeq: 1,
      lastSeq: 5,
      headHash: HEAD,
    });
    expect(check.header).toMatchObject({ fromSeq: 1, toSeq: 5, last: { seq: 5, hash: HEAD } });
  });

  it('the JSON Lines fixture holds up under the README oracle, line by line', () => {
    const lines = readFileSync(fixture('export-v1.jsonl'), 'utf8').trimEnd().split('\n');
    const entries = lines.slice(1, -1).map((line) => JSON.parse(line) as AuditEntry);
    let prevHash = GENESIS_HASH;
    entries.forEach((entry, index) => {
      expect(Object.keys(entry)).toEqual([
        'seq',
        'at',
        'actor',
        'action',
        'subject',
        'details',
        'prevHash',
        'hash',
      ]);
      expect(entry.seq).toBe(index + 1);
      expect(entry.prevHash).toBe(prevHash);
      expect(readmeEntryHash(entry)).toBe(entry.hash);
      prevHash = entry.hash;
    });
    expect(prevHash).toBe(HEAD);
    expect(JSON.parse(lines.at(-1)!)).toEqual({
      record: 'trailer',
      format: 'vigil-audit-export',
      count: 5,
      last: { seq: 5, hash: HEAD },
    });
  });

  it('the CSV fixture holds up under the README oracle: ISO time, canonical details, one apostrophe', () => {
    const rows = parseCsv(readFileSync(fixture('export-v1.csv'), 'utf8'), {
      columns: true,
    }) as Record<string, string>[];
    expect(rows.map((row) => row.record)).toEqual([
      'header',
      ...Array<string>(5).fill('entry'),
      'trailer',
    ]);
    const cell = (text: string) => (text.startsWith("'") ? text.slice(1) : text);
    let prevHash = GENESIS_HASH;
    for (const row of rows.filter((r) => r.record === 'entry')) {
      const entry = {
        seq: Number(row.seq),
        at: Date.parse(row.time!),
        actor: cell(row.actor!),
        action: cell(row.action!),
        subject: cell(row.subject!),
        details: JSON.parse(cell(row.details!)) as Record<string, unknown>,
        prevHash: row.prev_hash!,
      };
      expect(readmeCanonical(entry.details)).toBe(cell(row.details!));
      expect(entry.prevHash).toBe(prevHash);
      expect(readmeEntryHash(entry)).toBe(row.hash);
      prevHash = row.hash!;
    }
    expect(rows[2]!.actor).toBe("'=cmd|calc");
    expect(prevHash).toBe(HEAD);
  });
});

describe('a chain with one field edited', () => {
  const log: AuditEntry[] = [];
  for (let index = 0; index < 6; index++) {
    log.push(
      chainAuditEntry(
        log.at(-1),
        { actor: 'alice', action: 'tx.approved', subject: `tx:${index}`, details: { index } },
        1_796_115_600_000 + index,
      ),
    );
  }

  it.each([
    ['seq', { seq: 30 }, 'edited'],
    ['at', { at: 1 }, 'edited'],
    ['actor', { actor: 'mallory' }, 'edited'],
    ['action', { action: 'tx.rejected' }, 'edited'],
    ['subject', { subject: 'tx:99' }, 'edited'],
    ['details', { details: { index: 99 } }, 'edited'],
    ['prevHash', { prevHash: 'f'.repeat(64) }, 'edited'],
    ['hash', { hash: 'f'.repeat(64) }, 'edited'],
  ] as const)('breaks at the entry whose %s was edited', (_field, change, kind) => {
    const tampered = log.map((entry) => (entry.seq === 3 ? { ...entry, ...change } : entry));
    const verifier = createAuditVerifier({ firstSeq: 1, prevHash: GENESIS_HASH });
    for (const entry of tampered) verifier.push(entry);
    expect(verifier.finish({ seq: 6, hash: log[5]!.hash })).toMatchObject({
      intact: false,
      // An edited seq is reported as found (30), at the line where it stands.
      atSeq: 'seq' in change ? change.seq : 3,
      atPosition: 3,
      kind,
    });
  });
});
