// Checking the stored log: the whole of it on request (audit.verify), and at every start only
// what came after the last verified checkpoint, so a start does not re-hash a history that only
// grows. The checkpoint (the sequence number and hash of the newest entry a check found intact)
// is kept with the operator data. Tampering before it is not seen at start, by design; the full
// check on request still finds it, and sealed files carry their own checksums.
import { hash } from 'node:crypto';
import type { Logger } from '../ports/index.ts';
import type { AuditStatus } from '../../ipc/contract.ts';
import type { Store } from '../store/index.ts';
import { auditEntryHash } from '../audit-chain/index.ts';
import { createAuditVerifier, type AuditVerification } from './verify-entries.ts';

export type AuditStartCheck = AuditStatus['startCheck'];
export interface AuditCheckpoint {
  seq: number;
  hash: string;
}

const CHECKPOINT_KEY = 'audit.checkpoint';

export function readAuditCheckpoint(store: Store): AuditCheckpoint | undefined {
  const text = store.meta(CHECKPOINT_KEY);
  if (text === undefined) return undefined;
  try {
    const point = JSON.parse(text) as Partial<AuditCheckpoint>;
    if (
      typeof point.seq === 'number' &&
      Number.isSafeInteger(point.seq) &&
      point.seq > 0 &&
      typeof point.hash === 'string' &&
      /^[0-9a-f]{64}$/.test(point.hash)
    )
      return { seq: point.seq, hash: point.hash };
  } catch {
    // An unreadable checkpoint only costs a full check.
  }
  return undefined;
}

/** Records that the log was found intact through `verification`'s last entry. */
function advanceCheckpoint(store: Store, verification: AuditVerification): void {
  if (!verification.intact || verification.lastSeq === null) return;
  if (store.auditDamagedSegments().length > 0) return;
  const point: AuditCheckpoint = { seq: verification.lastSeq, hash: verification.headHash };
  store.execute({ type: 'meta.set', key: CHECKPOINT_KEY, value: JSON.stringify(point) });
}

/** Names a break that falls in a damaged sealed file for what it is. */
function explainDamage(store: Store, verification: AuditVerification): AuditVerification {
  if (verification.intact) return verification;
  // A gap is found at the first entry after it: one past the damaged file's last.
  const damaged = store
    .auditDamagedSegments()
    .find(
      (segment) => segment.fromSeq <= verification.atSeq && verification.atSeq <= segment.toSeq + 1,
    );
  if (!damaged) return verification;
  return {
    ...verification,
    message: `Entries ${damaged.fromSeq}..${damaged.toSeq} cannot be read: their sealed file ${damaged.file} ${damaged.reason}${damaged.movedTo ? `, and was moved aside to ${damaged.movedTo}` : ''}. ${verification.message}`,
  };
}

/**
 * Checks stored entries in order: from the genesis hash, or after `after` (a checkpoint) when
 * given. The run's end needs no separate check: the last entry visited is the log's last.
 */
export function verifyStoredLog(store: Store, after?: AuditCheckpoint): AuditVerification {
  const verifier = createAuditVerifier(
    after ? { firstSeq: after.seq + 1, prevHash: after.hash } : { firstSeq: 1 },
  );
  store.forEachAuditEntry(after ? { fromSeq: after.seq + 1 } : {}, (entry) => verifier.push(entry));
  return explainDamage(store, verifier.finish());
}

/** Checks the whole log; if intact, its head becomes the checkpoint for the next start. */
export function verifyWholeLog(store: Store): AuditVerification {
  const verification = verifyStoredLog(store);
  advanceCheckpoint(store, verification);
  return verification;
}

/** The entry at the checkpoint must still be the one that was verified. */
function checkCheckpointEntry(
  store: Store,
  checkpoint: AuditCheckpoint,
): AuditVerification | undefined {
  const entry = store.auditEntryAt(checkpoint.seq);
  // Its content, not only its stored hash: an edit that left the hash column alone is seen too.
  if (entry && entry.hash === checkpoint.hash && auditEntryHash(entry) === checkpoint.hash)
    return undefined;
  const headSeq = store.lastAuditEntry()?.seq ?? 0;
  const broken: AuditVerification = entry
    ? {
        intact: false,
        count: 0,
        atSeq: checkpoint.seq,
        atPosition: 1,
        kind: 'edited',
        message: `Entry ${checkpoint.seq}, the last one verified before, was edited: its hash is no longer the one recorded when it was checked.`,
      }
    : {
        intact: false,
        count: 0,
        atSeq: checkpoint.seq,
        atPosition: 1,
        kind: headSeq < checkpoint.seq ? 'truncated' : 'missing',
        message:
          headSeq < checkpoint.seq
            ? `The log ends at seq ${headSeq}, but entries through seq ${checkpoint.seq} were verified before: the end was cut off.`
            : `Entry ${checkpoint.seq}, the last one verified before, is missing.`,
      };
  return explainDamage(store, broken);
}

/** The sealed part of the log, as its manifest lists it, must run on without a gap. */
function checkSealedContinuity(store: Store): AuditVerification | undefined {
  const problem = store.auditSealedContinuity();
  if (!problem) return undefined;
  return explainDamage(store, {
    intact: false,
    count: 0,
    atSeq: problem.atSeq,
    atPosition: 1,
    kind: 'missing',
    message: problem.message,
  });
}

/**
 * The check at every start, from the last verified checkpoint. A broken chain is reported loudly
 * and left exactly as it is; copies of the data files as found are kept aside, because the next
 * snapshots would replace them. One copy per break: a log that stays broken is not copied again
 * at every start.
 */
export function checkLiveLogAtStart(store: Store, log: Logger, now = new Date()): AuditStartCheck {
  const checkpoint = readAuditCheckpoint(store);
  const verification =
    (checkpoint && (checkSealedContinuity(store) ?? checkCheckpointEntry(store, checkpoint))) ??
    verifyStoredLog(store, checkpoint);
  const replayProblems = [...store.recovery.auditReplayProblems];
  const damagedSegments = store.auditDamagedSegments();
  for (const problem of replayProblems) log.error(`Audit log integrity: ${problem}.`);
  let evidenceFolder: string | null = null;
  if (!verification.intact || replayProblems.length > 0 || damagedSegments.length > 0) {
    const which = !verification.intact
      ? `seq${verification.atSeq}-${verification.kind}`
      : `replay-${hash('sha256', [...replayProblems, ...damagedSegments.map((one) => one.file)].join('\n'), 'hex').slice(0, 12)}`;
    evidenceFolder = store.keepCopyOfFiles(`audit-evidence-${which}`);
    const reason = !verification.intact
      ? verification.message
      : (replayProblems[0] ??
        `Sealed audit file ${damagedSegments[0]!.file} ${damagedSegments[0]!.reason}.`);
    log.error(
      `Audit log integrity check FAILED at start: ${reason} The data directory was altered outside Vigil. Nothing was changed or removed; copies of its files as first found with this break are in ${evidenceFolder}. Keep them for investigation.`,
    );
  } else {
    advanceCheckpoint(store, verification);
  }
  return {
    checkedAt: now.getTime(),
    checkedFrom: checkpoint ?? null,
    verification,
    damagedSegments,
    replayProblems,
    evidenceFolder,
  };
}
