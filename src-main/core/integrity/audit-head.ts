// The audit log's head (sequence and hash) kept in the OS keychain after each append, so a log
// cut short or rewritten consistently on disk is caught at the next start: the keychain's head
// must still be in the log, with the same hash. Appends come with operator actions and chain
// events (tens a minute at most), so each is one keychain write; while one write is in flight,
// newer heads wait and only the newest is written (a burst costs two writes, not one per entry).
import type { Store } from '../store/index.ts';
import type { AuditHead } from './data-dir-secrets.ts';

export interface AuditHeadKeeper {
  record(head: AuditHead): void;
  /** Resolves once the newest head recorded is in the keychain. */
  flush(): Promise<void>;
}

export function createAuditHeadKeeper(
  write: (head: AuditHead) => Promise<void>,
  onError: (error: unknown) => void,
): AuditHeadKeeper {
  let pending: AuditHead | undefined;
  let running: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    while (pending) {
      const head = pending;
      pending = undefined;
      try {
        await write(head);
      } catch (error) {
        onError(error);
      }
    }
    running = undefined;
  };
  return {
    record(head) {
      // Heads only grow; an older one queued behind a newer one is never written.
      if (pending && pending.seq >= head.seq) return;
      pending = head;
      running ??= drain();
    },
    flush: async () => {
      while (running) await running;
    },
  };
}

/**
 * Compares the keychain's head with the log. A head ahead of the log's end is a cut tail; a
 * different hash at its sequence number is a rewrite (the chain re-hashed from some point on).
 * A log ahead of the head is normal: the last append's keychain write may not have finished.
 */
export function checkAuditHead(
  store: Pick<Store, 'lastAuditEntry' | 'auditEntryAt'>,
  kept: AuditHead | undefined,
): string | undefined {
  if (!kept) return undefined;
  const last = store.lastAuditEntry();
  if (!last || last.seq < kept.seq)
    return `The audit log ends at seq ${last?.seq ?? 0}, but the OS keychain records that it reached seq ${kept.seq}: entries were cut from its end outside Vigil.`;
  const entry = store.auditEntryAt(kept.seq);
  if (!entry || entry.hash !== kept.hash)
    return `Audit entry ${kept.seq} has hash ${entry?.hash.slice(0, 16) ?? 'none'}…, but the OS keychain recorded ${kept.hash.slice(0, 16)}… when it was written: the log was rewritten outside Vigil.`;
  return undefined;
}
