// The verifier names each break exactly: the kind, the entry (by position and seq), and a
// message a person can act on. These are the words `npm run audit:verify` and the Audit view
// print, so they are pinned here for every branch of the verifier, not only the kind.
import { describe, expect, it } from 'vitest';
import {
  chainAuditEntry,
  createAuditVerifier,
  GENESIS_HASH,
  SYSTEM_ACTOR,
  type AuditAction,
  type AuditEntry,
  type AuditVerification,
  type AuditVerifierOptions,
} from '../../../src-main/core/audit/index.ts';

function buildLog(count: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let index = 0; index < count; index++)
    entries.push(
      chainAuditEntry(
        entries.at(-1),
        { actor: 'alice', action: 'tx.approved', subject: `tx:${index}`, details: { i: index } },
        1_796_115_600_000 + index,
      ),
    );
  return entries;
}

/** `entry` with `patch` applied and hashed again, linked to whatever prevHash it now has. */
function rechain(entry: AuditEntry, patch: Partial<AuditEntry>): AuditEntry {
  const { seq, prevHash, actor, action, subject, details, at } = { ...entry, ...patch };
  return chainAuditEntry(
    { seq: seq - 1, hash: prevHash },
    { actor, action: action as AuditAction, subject, details },
    at,
  );
}

const log = buildLog(10);
const head = { seq: 10, hash: log[9]!.hash };
const forged4 = rechain(log[3]!, { actor: 'mallory' });

function run(
  entries: AuditEntry[],
  end?: { seq: number; hash: string; sealed?: boolean },
  options: AuditVerifierOptions = { firstSeq: 1, prevHash: GENESIS_HASH },
): AuditVerification {
  const verifier = createAuditVerifier(options);
  for (const entry of entries) verifier.push(entry);
  return verifier.finish(end);
}

const cases: [string, () => AuditVerification, AuditVerification][] = [
  [
    'one field of entry 4 edited',
    () =>
      run(
        log.map((e) => (e.seq === 4 ? { ...e, actor: 'mallory' } : e)),
        head,
      ),
    {
      intact: false,
      count: 3,
      atSeq: 4,
      atPosition: 4,
      kind: 'edited',
      message: 'entry 4 (seq 4) was edited: its content no longer matches its hash.',
    },
  ],
  [
    'entry 4 edited and its hash recomputed',
    () =>
      run(
        log.map((e) => (e.seq === 4 ? rechain(e, { actor: 'mallory' }) : e)),
        head,
      ),
    {
      intact: false,
      count: 4,
      atSeq: 4,
      atPosition: 4,
      kind: 'edited',
      message:
        'entry 4 (seq 4) was edited and its hash recomputed: the entry after it still links to the original.',
    },
  ],
  [
    'entry 4 replaced with a forged link',
    () =>
      run(
        log.map((e) =>
          e.seq === 4 ? rechain(e, { actor: 'mallory', prevHash: 'a'.repeat(64) }) : e,
        ),
        head,
      ),
    {
      intact: false,
      count: 3,
      atSeq: 4,
      atPosition: 4,
      kind: 'edited',
      message:
        "entry 4 (seq 4) does not link to the entry before it (its prevHash is not that entry's hash): it was replaced.",
    },
  ],
  [
    'a range whose recorded preceding hash is wrong',
    () => run(log.slice(3), head, { firstSeq: 4, prevHash: 'b'.repeat(64) }),
    {
      intact: false,
      count: 0,
      atSeq: 4,
      atPosition: 1,
      kind: 'edited',
      message:
        'entry 1 (seq 4) does not link to the hash that precedes the range (bbbbbbbbbbbbbbbb…): the first entry or that recorded hash was changed.',
    },
  ],
  [
    'entry 5 deleted',
    () =>
      run(
        log.filter((e) => e.seq !== 5),
        head,
      ),
    {
      intact: false,
      count: 4,
      atSeq: 6,
      atPosition: 5,
      kind: 'missing',
      message: 'entry 5 (seq 6) follows seq 4: entry 5 is missing.',
    },
  ],
  [
    'entries 5 and 6 deleted',
    () =>
      run(
        log.filter((e) => e.seq !== 5 && e.seq !== 6),
        head,
      ),
    {
      intact: false,
      count: 4,
      atSeq: 7,
      atPosition: 5,
      kind: 'missing',
      message: 'entry 5 (seq 7) follows seq 4: entries 5..6 are missing.',
    },
  ],
  [
    'entries 4 and 5 swapped',
    () => run([...log.slice(0, 3), log[4]!, log[3]!, ...log.slice(5)], head),
    {
      intact: false,
      count: 3,
      atSeq: 5,
      atPosition: 4,
      kind: 'reordered',
      message: 'entry 4 (seq 5) comes before seq 4, which appears later: entries were reordered.',
    },
  ],
  [
    'a stray line inserted after entry 3',
    () => run([...log.slice(0, 3), rechain(log[7]!, { subject: 'x' }), ...log.slice(3)], head),
    {
      intact: false,
      count: 3,
      atSeq: 8,
      atPosition: 4,
      kind: 'inserted',
      message:
        'entry 4 (seq 8) does not belong here: the entries before and after it link to each other, so it was inserted.',
    },
  ],
  [
    'a forged copy of entry 4 after it',
    () => run([...log.slice(0, 4), forged4, ...log.slice(4)], head),
    {
      intact: false,
      count: 4,
      atSeq: 4,
      atPosition: 5,
      kind: 'inserted',
      message:
        'entry 5 (seq 4) does not belong here: the entries before and after it link to each other, so it was inserted.',
    },
  ],
  [
    'a forged copy of entry 4 before it',
    () => run([...log.slice(0, 3), forged4, log[3]!, ...log.slice(4)], head),
    {
      intact: false,
      count: 4,
      atSeq: 4,
      atPosition: 4,
      kind: 'inserted',
      message:
        'entry 4 (seq 4) repeats the sequence number of the entry after it, and the chain continues from the other one: it was inserted.',
    },
  ],
  [
    'a forged copy of entry 4 at the end',
    () => run([...log.slice(0, 4), forged4]),
    {
      intact: false,
      count: 4,
      atSeq: 4,
      atPosition: 5,
      kind: 'inserted',
      message:
        'entry 5 (seq 4) repeats the sequence number of the entry before it, and the chain continues from the other one: it was inserted.',
    },
  ],
  [
    'an old entry repeated in the middle',
    () => run([...log.slice(0, 4), log[1]!, ...log.slice(4)], head),
    {
      intact: false,
      count: 4,
      atSeq: 2,
      atPosition: 5,
      kind: 'inserted',
      message:
        'entry 5 (seq 2) does not belong here: the entries before and after it link to each other, so it was inserted.',
    },
  ],
  [
    'an old entry repeated at the end',
    () => run([...log.slice(0, 4), log[1]!]),
    {
      intact: false,
      count: 4,
      atSeq: 2,
      atPosition: 5,
      kind: 'reordered',
      message: 'entry 5 (seq 2) appears after seq 4: entries are out of order.',
    },
  ],
  [
    'an entry past the recorded last one',
    () => run(log, undefined, { firstSeq: 1, prevHash: GENESIS_HASH, lastSeq: 8 }),
    {
      intact: false,
      count: 8,
      atSeq: 9,
      atPosition: 9,
      kind: 'inserted',
      message: 'entry 9 (seq 9) comes after the recorded last entry (seq 8): it was added.',
    },
  ],
  [
    'a cut end',
    () => run(log.slice(0, 8), head),
    {
      intact: false,
      count: 8,
      atSeq: 9,
      atPosition: 9,
      kind: 'truncated',
      message: 'The log ends at seq 8, but it was recorded to end at seq 10: the end was cut off.',
    },
  ],
  [
    'one entry missing before a sealed end',
    () => run(log.slice(0, 9), { ...head, sealed: true }),
    {
      intact: false,
      count: 9,
      atSeq: 10,
      atPosition: 10,
      kind: 'missing',
      message:
        'The entries end at seq 9, but the run was recorded to end at seq 10: entry 10 is missing before its end.',
    },
  ],
  [
    'two entries missing before a sealed end',
    () => run(log.slice(0, 8), { ...head, sealed: true }),
    {
      intact: false,
      count: 8,
      atSeq: 9,
      atPosition: 9,
      kind: 'missing',
      message:
        'The entries end at seq 8, but the run was recorded to end at seq 10: entries 9..10 are missing before its end.',
    },
  ],
  [
    'no entries where ten were recorded',
    () => run([], head),
    {
      intact: false,
      count: 0,
      atSeq: 1,
      atPosition: 1,
      kind: 'truncated',
      message:
        'The log ends at seq none, but it was recorded to end at seq 10: the end was cut off.',
    },
  ],
  [
    'a last entry that is not the recorded one',
    () => run(log, { seq: 10, hash: 'f'.repeat(64) }),
    {
      intact: false,
      count: 10,
      atSeq: 10,
      atPosition: 10,
      kind: 'edited',
      message:
        'The last entry (seq 10) does not match the recorded end (seq 10, hash ffffffffffffffff…).',
    },
  ],
];

cases.push(
  [
    'an empty range that was recorded to start at seq 5',
    () => run([], { seq: 7, hash: log[6]!.hash }, { firstSeq: 5, prevHash: log[3]!.hash }),
    {
      intact: false,
      count: 0,
      atSeq: 5,
      atPosition: 1,
      kind: 'truncated',
      message:
        'The log ends at seq none, but it was recorded to end at seq 7: the end was cut off.',
    },
  ],
  [
    'no entries before a sealed end',
    () => run([], { ...head, sealed: true }),
    {
      intact: false,
      count: 0,
      atSeq: 1,
      atPosition: 1,
      kind: 'missing',
      message:
        'The entries end at seq none, but the run was recorded to end at seq 10: entries 1..10 are missing before its end.',
    },
  ],
  [
    'a range checked without a first seq: it may start anywhere',
    () => run(log.slice(4), head, { prevHash: log[3]!.hash }),
    { intact: true, count: 6, firstSeq: 5, lastSeq: 10, headHash: head.hash },
  ],
);

// Breaks at the edges of the look-ahead: nothing after the entry, or a forgery shaped like a swap.
cases.push(
  [
    'the second-to-last entry deleted',
    () =>
      run(
        log.filter((entry) => entry.seq !== 9),
        head,
      ),
    {
      intact: false,
      count: 8,
      atSeq: 10,
      atPosition: 9,
      kind: 'missing',
      message: 'entry 9 (seq 10) follows seq 8: entry 9 is missing.',
    },
  ],
  [
    'a forged entry 5 with a wrong link inserted before entry 4',
    () =>
      run(
        [
          ...log.slice(0, 3),
          rechain(log[4]!, { actor: 'mallory', prevHash: 'c'.repeat(64) }),
          ...log.slice(3),
        ],
        head,
      ),
    {
      intact: false,
      count: 3,
      atSeq: 5,
      atPosition: 4,
      kind: 'inserted',
      message:
        'entry 4 (seq 5) does not belong here: the entries before and after it link to each other, so it was inserted.',
    },
  ],
  [
    'a forged copy of entry 4 in place of entry 5',
    () => run([...log.slice(0, 4), forged4, ...log.slice(5)], head),
    {
      intact: false,
      count: 4,
      atSeq: 4,
      atPosition: 5,
      kind: 'inserted',
      message:
        'entry 5 (seq 4) repeats the sequence number of the entry before it, and the chain continues from the other one: it was inserted.',
    },
  ],
  [
    'the last entry replaced with a forged link',
    () =>
      run(
        log.map((entry) =>
          entry.seq === 10 ? rechain(entry, { actor: 'mallory', prevHash: 'a'.repeat(64) }) : entry,
        ),
        head,
      ),
    {
      intact: false,
      count: 9,
      atSeq: 10,
      atPosition: 10,
      kind: 'edited',
      message:
        "entry 10 (seq 10) does not link to the entry before it (its prevHash is not that entry's hash): it was replaced.",
    },
  ],
);

describe('what the verifier says', () => {
  it.each(cases)('%s', (_title, verify, expected) => {
    expect(verify()).toEqual(expected);
  });

  it('an untouched log: intact, with its head', () => {
    expect(run(log, head)).toEqual({
      intact: true,
      count: 10,
      firstSeq: 1,
      lastSeq: 10,
      headHash: '20413560d1d5f1efe43609188f05939a240619c90b02e2419f524f0f32b9705e',
    });
    expect(run([])).toEqual({
      intact: true,
      count: 0,
      firstSeq: null,
      lastSeq: null,
      headHash: GENESIS_HASH,
    });
  });

  it('stops taking entries once a break is found past its look-ahead window', () => {
    const long = buildLog(40).map((entry) => (entry.seq === 2 ? { ...entry, actor: 'x' } : entry));
    const verifier = createAuditVerifier({ firstSeq: 1, prevHash: GENESIS_HASH });
    const accepted = long.map((entry) => verifier.push(entry));
    // 32 entries are held to classify a break; the 34th push checks entry 2 and finds it.
    expect(accepted.indexOf(false)).toBe(33);
    expect(accepted.slice(34).every((taken) => !taken)).toBe(true);
    expect(verifier.finish()).toMatchObject({ atSeq: 2, kind: 'edited', count: 1 });
  });

  it('records what Vigil did on its own as `system`, as the README says', () => {
    expect(SYSTEM_ACTOR).toBe('system');
  });
});
