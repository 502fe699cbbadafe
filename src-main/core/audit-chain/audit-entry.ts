// An audit entry and its place in the hash chain: each entry's hash covers its own fields and
// the hash of the entry before it, so editing, removing, inserting or reordering any entry
// breaks every hash after it.
import { hash } from 'node:crypto';
import type { AuditAction } from './actions.ts';
import { canonicalJson } from './canonical-json.ts';

/** The hash the first entry points back to. */
export const GENESIS_HASH = '0'.repeat(64);

/** The actor of everything Vigil did on its own (a reorg, a mined transaction, an alert). */
export const SYSTEM_ACTOR = 'system';

/** What a capability asks to record; the store gives it its sequence number, time and hashes. */
export interface AuditDraft {
  /** The operator's profile name, or `system`. */
  actor: string;
  /** What happened, one of auditActions: `chain.added`, `tx.approved`, `alert.fired`. */
  action: AuditAction;
  /** What it is about, `kind:id`: `chain:31337`, `tx:7`, `rule:large-transfer`. */
  subject: string;
  /** JSON-safe details (amounts as decimal strings); never a secret. */
  details: Record<string, unknown>;
}

export interface AuditEntry extends Omit<AuditDraft, 'action'> {
  /** An AuditAction when written by this version; kept as stored when read. */
  action: string;
  seq: number;
  /** Unix milliseconds. */
  at: number;
  prevHash: string;
  hash: string;
}

/**
 * The SHA-256 (hex) of an entry's canonical encoding, without its own hash. crypto.hash, the
 * one-shot form, takes half the time of createHash for inputs this small.
 */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, actor, action, subject, details, prevHash } = entry;
  return hash(
    'sha256',
    canonicalJson({ seq, at, actor, action, subject, details, prevHash }),
    'hex',
  );
}

/** The next entry of a chain whose newest entry is `previous` (undefined for an empty log). */
export function chainAuditEntry(
  previous: Pick<AuditEntry, 'seq' | 'hash'> | undefined,
  draft: AuditDraft,
  at: number,
): AuditEntry {
  const unhashed = {
    seq: (previous?.seq ?? 0) + 1,
    at,
    actor: draft.actor,
    action: draft.action,
    subject: draft.subject,
    details: draft.details,
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...unhashed, hash: auditEntryHash(unhashed) };
}
