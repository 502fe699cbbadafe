// The audit log's requests: page the live log and check it against its hash chain. Nothing here
// (or anywhere) edits or deletes an entry.
import type { RequestHandlers } from '../engine/service.ts';
import type { Store } from '../store/index.ts';
import { createAuditVerifier, type AuditVerification } from './verify-entries.ts';

/** Checks every stored entry, in order, from the genesis hash. */
export function verifyStoredLog(store: Store): AuditVerification {
  const verifier = createAuditVerifier({ firstSeq: 1 });
  store.forEachAuditEntry({}, (entry) => verifier.push(entry));
  const last = store.lastAuditEntry();
  return verifier.finish(last ? { seq: last.seq, hash: last.hash } : undefined);
}

export function auditRequestHandlers(store: Store): RequestHandlers {
  return {
    'audit.list'(input) {
      const { limit = 200, cursor, order = 'desc', ...filters } = input ?? {};
      const position =
        cursor === undefined
          ? {}
          : order === 'desc'
            ? { beforeSeq: Number(cursor) }
            : { afterSeq: Number(cursor) };
      const entries = store.listAudit({ ...filters, ...position, order, limit: limit + 1 });
      const page = entries.slice(0, limit);
      return {
        entries: page,
        ...(entries.length > limit ? { nextCursor: String(page.at(-1)!.seq) } : {}),
        total: store.countAudit(filters),
      };
    },
    'audit.verify': () => verifyStoredLog(store),
  };
}
