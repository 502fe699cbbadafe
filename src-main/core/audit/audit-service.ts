// The audit log as an engine service: page the live log, check it (at start and on request),
// export a range of it to a file and check exported files. Nothing here (or anywhere) edits or
// deletes an entry.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { AuditExportCheck, AuditExportHeader, AuditSigningKey } from '../../ipc/contract.ts';
import type { EngineService, ServiceContext } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import type { Store } from '../store/index.ts';
import {
  auditExportFileName,
  checkExportPath,
  exportHandleElsewhereError,
  exportPathFromWebError,
  exportsDirOf,
} from './export-path.ts';
import { verifyAuditExport, verifyAuditExportFile } from './verify-export.ts';
import { verifyWholeLog, type AuditStartCheck } from './stored-log-check.ts';
import { writeAuditExport } from './write-export.ts';

/** Whether the live log holds an export's last entry with the same hash. */
function compareWithLiveLog(
  store: Store,
  header: AuditExportHeader | null,
): AuditExportCheck['liveLog'] {
  if (!header) return undefined;
  const entry = store.auditEntryAt(header.last.seq);
  if (!entry) return 'absent';
  return entry.hash === header.last.hash ? 'matches' : 'differs';
}

/** Progress pushes at most this often (and once at the end). */
const PROGRESS_INTERVAL_MS = 200;
/** How often the head is looked at for audit.appended. */
const HEAD_WATCH_INTERVAL_MS = 1_000;

/** Signs exports with the data directory's Ed25519 key pair (kept in the OS keychain). */
export interface ExportSigner {
  publicKey(): Promise<AuditSigningKey>;
  /** The signature of `bytes`, base64. */
  sign(bytes: Uint8Array): Promise<string>;
}

export function createAuditService(
  context: Pick<ServiceContext, 'store' | 'actor' | 'push'>,
  startCheck: AuditStartCheck,
  signer?: ExportSigner,
): EngineService {
  const { store, actor, push } = context;
  const closing = new AbortController();

  let lastPushedSeq = store.lastAuditEntry()?.seq ?? 0;
  const headWatch = setInterval(() => {
    const head = store.lastAuditEntry();
    if (!head || head.seq === lastPushedSeq) return;
    lastPushedSeq = head.seq;
    push('audit.appended', { head: { seq: head.seq, hash: head.hash }, count: store.countAudit() });
  }, HEAD_WATCH_INTERVAL_MS);

  return {
    handlers: {
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
      'audit.verify': () => verifyWholeLog(store),
      'audit.status'() {
        const head = store.lastAuditEntry();
        return {
          startCheck,
          head: head ? { seq: head.seq, hash: head.hash } : null,
          count: store.countAudit(),
        };
      },
      'audit.facets': () => store.auditFacets(),
      async 'audit.export'(input, call) {
        const exportId = input.exportId ?? randomBytes(6).toString('hex');
        const exportedAt = new Date();
        let path: string;
        if (input.handle !== undefined) {
          // The desktop shell exchanges its handles before a request reaches the core.
          throw exportHandleElsewhereError();
        } else if (input.path === undefined) {
          const directory = exportsDirOf(store.dataDir);
          mkdirSync(directory, { recursive: true });
          path = join(directory, auditExportFileName(input.format, exportedAt, exportId));
        } else if (call?.caller?.kind === 'web') {
          throw exportPathFromWebError(input.path);
        } else {
          path = checkExportPath(input.path, store.dataDir, {
            format: input.format,
            ...(input.overwrite ? { overwrite: true } : {}),
          });
        }
        let lastProgressAt = 0;
        const summary = await writeAuditExport({
          store,
          format: input.format,
          ...(input.from === undefined ? {} : { from: input.from }),
          ...(input.to === undefined ? {} : { to: input.to }),
          path,
          exportedBy: actor,
          now: () => exportedAt,
          signal: closing.signal,
          onProgress(written, total) {
            const now = Date.now();
            if (written < total && now - lastProgressAt < PROGRESS_INTERVAL_MS) return;
            lastProgressAt = now;
            push('audit.exportProgress', { exportId, written, total });
          },
        });
        const { header, bytes } = summary;
        // Beside the file, so an auditor can check who produced it (README: "Checking an export").
        let signaturePath: string | undefined;
        if (signer) {
          signaturePath = `${path}.sig`;
          writeFileSync(signaturePath, `${await signer.sign(readFileSync(path))}\n`);
        }
        // What the export holds, said the same way in its audit entry and in the answer.
        const written = {
          path,
          format: input.format,
          fromSeq: header.fromSeq,
          toSeq: header.toSeq,
          count: header.count,
          bytes,
          last: header.last,
          head: header.head,
        };
        store.recordAudit([
          {
            actor,
            action: 'audit.exported',
            subject: 'audit',
            details: { ...written, requested: header.requested },
          },
        ]);
        return {
          ...written,
          exportId,
          fileName: basename(path),
          downloadable: input.path === undefined,
          exportedAt: header.exportedAt,
          ...(signaturePath ? { signaturePath } : {}),
        };
      },
      async 'audit.signingKey'() {
        if (!signer)
          throw new VigilError(
            'NOT_AVAILABLE',
            'Exports are not signed: no key pair is available.',
          );
        return signer.publicKey();
      },
      async 'audit.verifyExport'(input) {
        let check: AuditExportCheck;
        if ('text' in input) {
          check = await verifyAuditExport(input.text, input.fileName ?? 'the file');
        } else {
          if (!isAbsolute(input.path)) {
            throw new VigilError(
              'INVALID_INPUT',
              `Path ${input.path} is relative; give the absolute path of the exported file on the machine that runs Vigil.`,
              { field: 'path' },
            );
          }
          check = await verifyAuditExportFile(input.path);
        }
        const liveLog = compareWithLiveLog(store, check.header);
        return { ...check, ...(liveLog ? { liveLog } : {}) };
      },
    },
    close() {
      clearInterval(headWatch);
      closing.abort();
    },
  };
}
