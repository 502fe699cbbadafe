// Checks a run of audit entries against the hash chain: each entry's own hash, its link to the
// entry before, and a sequence with no gaps. Streaming with a short look-ahead window, so an
// export of millions of entries is checked without holding it in memory, yet a break is named for
// what it is: a swap is told from a gap, a stray line from a forged neighbour. Used for the live
// log at start, for `audit.verify`, and for exported files (see verify-export.ts).
import { auditEntryHash, GENESIS_HASH, type AuditEntry } from '../audit-chain/index.ts';

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
      /** Entries checked and found good before the break. */
      count: number;
      /** The sequence number the break was found at (the first entry that is wrong). */
      atSeq: number;
      /** 1-based position of that entry in what was checked (a line number for an export). */
      atPosition: number;
      kind: AuditBreakKind;
      message: string;
    };

export type AuditBreak = Extract<AuditVerification, { intact: false }>;

export interface AuditVerifierOptions {
  /** The hash the first entry must point back to (GENESIS_HASH for a log from its start). */
  prevHash?: string;
  /** The sequence number the first entry must have; any, when omitted. */
  firstSeq?: number;
  /** The sequence number the last entry must have, when known up front (an export's header). */
  lastSeq?: number;
}

/** What the run must end with: an export's recorded last entry, or the live log's head. */
export interface ExpectedEnd {
  seq: number;
  hash: string;
  /**
   * True when the run's end is known to be its real end (an export's trailer line was read):
   * entries missing before it are then `missing`, not a `truncated` file.
   */
  sealed?: boolean;
}

export interface AuditVerifier {
  /**
   * Feeds the next entry; `position` is where it stands (a file's line number), counted from 1
   * when omitted. Returns false once a break was found (later entries are ignored).
   */
  push(entry: AuditEntry, position?: number): boolean;
  /** Ends the run at `endPosition` (the position after the last entry, by default). */
  finish(expectedEnd?: ExpectedEnd, endPosition?: number): AuditVerification;
}

/**
 * How many later entries are looked at to classify a break. A swap of two entries further apart
 * than this reads as a gap; the break is still found at the same entry.
 */
const LOOK_AHEAD = 32;

interface Positioned {
  entry: AuditEntry;
  position: number;
}

export function createAuditVerifier(options: AuditVerifierOptions = {}): AuditVerifier {
  let expectedPrev = options.prevHash ?? GENESIS_HASH;
  let expectedSeq: number | undefined = options.firstSeq;
  let firstSeq: number | null = null;
  let lastAccepted: Positioned | undefined;
  let count = 0;
  let broken: AuditBreak | undefined;
  let nextPosition = 1;
  const window: Positioned[] = [];

  function fail(at: Positioned, kind: AuditBreakKind, message: string): void {
    broken = {
      intact: false,
      count,
      atSeq: at.entry.seq,
      atPosition: at.position,
      kind,
      message,
    };
  }

  const describe = ({ entry, position }: Positioned): string =>
    `entry ${position} (seq ${entry.seq})`;

  function accept(item: Positioned): void {
    count++;
    firstSeq ??= item.entry.seq;
    lastAccepted = item;
    expectedPrev = item.entry.hash;
    expectedSeq = item.entry.seq + 1;
  }

  /** Checks `item`, the oldest entry not yet checked, with the entries after it in `ahead`. */
  function check(item: Positioned, ahead: readonly Positioned[]): void {
    const { entry } = item;
    const next = ahead[0]?.entry;
    if (auditEntryHash(entry) !== entry.hash) {
      fail(item, 'edited', `${describe(item)} was edited: its content no longer matches its hash.`);
      return;
    }
    if (expectedSeq === undefined || entry.seq === expectedSeq) {
      if (options.lastSeq !== undefined && entry.seq > options.lastSeq) {
        fail(
          item,
          'inserted',
          `${describe(item)} comes after the recorded last entry (seq ${options.lastSeq}): it was added.`,
        );
        return;
      }
      if (entry.prevHash === expectedPrev) return accept(item);
      checkBrokenLink(item, next);
      return;
    }
    // The sequence number is not the one expected. A line that does not belong here (the entries
    // around it still link to each other) is an insertion; a swap links backwards.
    const isSwapWithNext =
      next !== undefined && entry.seq === expectedSeq + 1 && entry.prevHash === next.hash;
    if (
      !isSwapWithNext &&
      next !== undefined &&
      next.seq === expectedSeq &&
      next.prevHash === expectedPrev
    ) {
      fail(
        item,
        'inserted',
        `${describe(item)} does not belong here: the entries before and after it link to each other, so it was inserted.`,
      );
      return;
    }
    if (entry.seq === expectedSeq - 1 && lastAccepted) {
      // Two entries claim the same number. The one the rest of the chain links to is genuine.
      const forgedBefore =
        entry.hash !== lastAccepted.entry.hash &&
        next !== undefined &&
        next.prevHash === entry.hash;
      const inserted = forgedBefore ? lastAccepted : item;
      fail(
        inserted,
        'inserted',
        `${describe(inserted)} repeats the sequence number of ${forgedBefore ? 'the entry after it' : 'the entry before it'}, and the chain continues from the other one: it was inserted.`,
      );
      return;
    }
    if (entry.seq > expectedSeq) {
      const wanted = expectedSeq;
      const reordered = ahead.some((later) => later.entry.seq === wanted);
      fail(
        item,
        reordered ? 'reordered' : 'missing',
        reordered
          ? `${describe(item)} comes before seq ${wanted}, which appears later: entries were reordered.`
          : `${describe(item)} follows seq ${wanted - 1}: ${entry.seq - wanted === 1 ? `entry ${wanted} is` : `entries ${wanted}..${entry.seq - 1} are`} missing.`,
      );
      return;
    }
    fail(
      item,
      'reordered',
      `${describe(item)} appears after seq ${expectedSeq - 1}: entries are out of order.`,
    );
  }

  /** The entry has the right number but does not link to the entry before it. */
  function checkBrokenLink(item: Positioned, next: AuditEntry | undefined): void {
    const continuesFromThis = next !== undefined && next.prevHash === item.entry.hash;
    if (continuesFromThis && lastAccepted) {
      // What follows agrees with this entry, so the one before it was rewritten with a new hash.
      fail(
        lastAccepted,
        'edited',
        `${describe(lastAccepted)} was edited and its hash recomputed: the entry after it still links to the original.`,
      );
      return;
    }
    fail(
      item,
      'edited',
      lastAccepted
        ? `${describe(item)} does not link to the entry before it (its prevHash is not that entry's hash): it was replaced.`
        : `${describe(item)} does not link to the hash that precedes the range (${expectedPrev.slice(0, 16)}…): the first entry or that recorded hash was changed.`,
    );
  }

  function drainOne(): void {
    const item = window.shift()!;
    check(item, window);
  }

  return {
    push(entry, position) {
      if (broken) return false;
      const at = position ?? nextPosition;
      nextPosition = at + 1;
      window.push({ entry, position: at });
      if (window.length > LOOK_AHEAD) drainOne();
      return broken === undefined;
    },
    finish(expectedEnd, endPosition) {
      while (!broken && window.length > 0) drainOne();
      window.length = 0;
      if (broken) return broken;
      const lastSeq = lastAccepted?.entry.seq ?? null;
      const after = endPosition ?? nextPosition;
      if (expectedEnd && (lastSeq ?? 0) < expectedEnd.seq) {
        const from = (lastSeq ?? (expectedSeq ?? 1) - 1) + 1;
        const missingText =
          from === expectedEnd.seq ? `entry ${from} is` : `entries ${from}..${expectedEnd.seq} are`;
        return {
          intact: false,
          count,
          atSeq: from,
          atPosition: after,
          kind: expectedEnd.sealed ? 'missing' : 'truncated',
          message: expectedEnd.sealed
            ? `The entries end at seq ${lastSeq ?? 'none'}, but the run was recorded to end at seq ${expectedEnd.seq}: ${missingText} missing before its end.`
            : `The log ends at seq ${lastSeq ?? 'none'}, but it was recorded to end at seq ${expectedEnd.seq}: the end was cut off.`,
        };
      }
      if (expectedEnd && (lastSeq !== expectedEnd.seq || expectedPrev !== expectedEnd.hash)) {
        return {
          intact: false,
          count,
          atSeq: lastSeq ?? 0,
          atPosition: lastAccepted?.position ?? after,
          kind: 'edited',
          message: `The last entry (seq ${lastSeq}) does not match the recorded end (seq ${expectedEnd.seq}, hash ${expectedEnd.hash.slice(0, 16)}…).`,
        };
      }
      return { intact: true, count, firstSeq, lastSeq, headHash: expectedPrev };
    },
  };
}
