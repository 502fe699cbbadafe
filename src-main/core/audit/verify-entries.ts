// Checks a run of audit entries against the hash chain: each entry's own hash, its link to the
// entry before, and a sequence with no gaps. Streaming (one entry of look-ahead), so an export of
// millions of entries is checked without holding it in memory. Used for the live log at start,
// for `audit.verify`, and by the command-line verifier of exported files.
import { auditEntryHash, GENESIS_HASH, type AuditEntry } from './audit-entry.ts';

export type AuditBreakKind = 'edited' | 'missing' | 'inserted' | 'reordered' | 'truncated';

export type AuditVerification =
  | {
      intact: true;
      count: number;
      /** null when there were no entries. */
      firstSeq: number | null;
      lastSeq: number | null;
      /** The hash of the last entry (the chain's head), or the starting hash if none. */
      headHash: string;
    }
  | {
      intact: false;
      count: number;
      /** The sequence number the break was found at (the first entry that is wrong). */
      atSeq: number;
      /** 1-based position of that entry in what was checked (a line number for an export). */
      atPosition: number;
      kind: AuditBreakKind;
      message: string;
    };

export interface AuditVerifierOptions {
  /** The hash the first entry must point back to (GENESIS_HASH for a log from its start). */
  prevHash?: string;
  /** The sequence number the first entry must have; any, when omitted. */
  firstSeq?: number;
}

export interface AuditVerifier {
  /** Feeds the next entry; returns false once a break was found (later entries are ignored). */
  push(entry: AuditEntry): boolean;
  /** Ends the run; `expectedHead` is what the run must end with (an export's recorded head). */
  finish(expectedHead?: { seq: number; hash: string }): AuditVerification;
}

export function createAuditVerifier(options: AuditVerifierOptions = {}): AuditVerifier {
  let expectedPrev = options.prevHash ?? GENESIS_HASH;
  let expectedSeq: number | undefined = options.firstSeq;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  let count = 0;
  let broken: Extract<AuditVerification, { intact: false }> | undefined;
  // One entry of look-ahead tells a swap of two entries from a plain gap.
  let held: { entry: AuditEntry; position: number } | undefined;

  function fail(entry: AuditEntry, position: number, kind: AuditBreakKind, message: string): void {
    broken = { intact: false, count, atSeq: entry.seq, atPosition: position, kind, message };
  }

  function check(entry: AuditEntry, position: number, next: AuditEntry | undefined): void {
    const seqText = `entry ${position} (seq ${entry.seq})`;
    if (auditEntryHash(entry) !== entry.hash) {
      fail(
        entry,
        position,
        'edited',
        `${seqText} was edited: its content no longer matches its hash.`,
      );
      return;
    }
    if (expectedSeq !== undefined && entry.seq !== expectedSeq) {
      if (entry.seq > expectedSeq) {
        const swapped = next !== undefined && next.seq === expectedSeq;
        fail(
          entry,
          position,
          swapped ? 'reordered' : 'missing',
          swapped
            ? `${seqText} comes before seq ${expectedSeq}: entries were reordered.`
            : `${seqText} follows seq ${expectedSeq - 1}: ${entry.seq - expectedSeq === 1 ? `entry ${expectedSeq} is` : `entries ${expectedSeq}..${entry.seq - 1} are`} missing.`,
        );
      } else {
        const repeatsLast = entry.seq === expectedSeq - 1;
        fail(
          entry,
          position,
          repeatsLast ? 'inserted' : 'reordered',
          repeatsLast
            ? `${seqText} repeats the sequence number of the entry before it: an entry was inserted before this one.`
            : `${seqText} is out of order: expected seq ${expectedSeq}.`,
        );
      }
      return;
    }
    if (entry.prevHash !== expectedPrev) {
      fail(
        entry,
        position,
        'inserted',
        `${seqText} does not link to the entry before it (its prevHash is not that entry's hash): an entry was inserted or replaced.`,
      );
      return;
    }
    count++;
    firstSeq ??= entry.seq;
    lastSeq = entry.seq;
    expectedPrev = entry.hash;
    expectedSeq = entry.seq + 1;
  }

  let position = 0;
  return {
    push(entry) {
      if (broken) return false;
      position++;
      if (held) check(held.entry, held.position, entry);
      held = { entry, position };
      return broken === undefined;
    },
    finish(expectedHead) {
      if (!broken && held) check(held.entry, held.position, undefined);
      held = undefined;
      if (broken) return broken;
      if (expectedHead && (lastSeq ?? 0) < expectedHead.seq) {
        return {
          intact: false,
          count,
          atSeq: (lastSeq ?? 0) + 1,
          atPosition: position + 1,
          kind: 'truncated',
          message: `The log ends at seq ${lastSeq ?? 'none'}, but it was recorded to end at seq ${expectedHead.seq}: the end was cut off.`,
        };
      }
      if (expectedHead && (lastSeq !== expectedHead.seq || expectedPrev !== expectedHead.hash)) {
        return {
          intact: false,
          count,
          atSeq: lastSeq ?? 0,
          atPosition: position,
          kind: 'edited',
          message: `The last entry (seq ${lastSeq}) does not match the recorded head (seq ${expectedHead.seq}, hash ${expectedHead.hash.slice(0, 16)}…).`,
        };
      }
      return { intact: true, count, firstSeq, lastSeq, headHash: expectedPrev };
    },
  };
}
