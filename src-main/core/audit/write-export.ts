// Writes a run of the live log to a file. The run is fixed when the export starts (entries added
// meanwhile are not in it, and its header already names its last entry); entries are read in
// chunks with a pause between them, so the engine thread keeps answering; the file is written
// with backpressure to a temp file beside the target and renamed over it only when complete, so a
// half-written export never sits at the path.
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type {
  AuditExportFormat,
  AuditExportHeader,
  AuditExportTrailer,
} from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import { fsyncDirectoryAsync, type Store } from '../store/index.ts';
import { GENESIS_HASH } from '../audit-chain/index.ts';
import { AUDIT_EXPORT_FORMAT, AUDIT_EXPORT_VERSION, exportEncoders } from './export-format.ts';
import { notWritableError } from './export-path.ts';

export type AuditLogReader = Pick<
  Store,
  'lastAuditEntry' | 'auditEntryAt' | 'auditSeqRange' | 'forEachAuditEntry'
>;

export interface WriteAuditExportOptions {
  store: AuditLogReader;
  format: AuditExportFormat;
  /** Unix milliseconds, inclusive; omitted for an open end. */
  from?: number;
  to?: number;
  /** Absolute, already checked with checkExportPath. */
  path: string;
  exportedBy: string;
  /** Called after each chunk with entries written so far and the run's size. */
  onProgress?: (written: number, total: number) => void;
  /** Entries read per chunk (between pauses). */
  chunkSize?: number;
  /** Aborts the export (the engine is closing); the temp file is removed. */
  signal?: AbortSignal;
  now?: () => Date;
}

export interface AuditExportSummary {
  path: string;
  format: AuditExportFormat;
  header: AuditExportHeader;
  bytes: number;
}

/** Fixes the run an export covers: its sequence numbers, the hash before it, its end, the head. */
function planAuditExport(
  store: AuditLogReader,
  range: { from?: number; to?: number },
): Omit<AuditExportHeader, 'record' | 'format' | 'version' | 'exportedAt' | 'exportedBy'> {
  const head = store.lastAuditEntry();
  const seqs = head ? store.auditSeqRange(range) : undefined;
  const requested = {
    from: range.from === undefined ? null : new Date(range.from).toISOString(),
    to: range.to === undefined ? null : new Date(range.to).toISOString(),
  };
  if (!head || !seqs) {
    throw new VigilError(
      'NOT_FOUND',
      `The audit log has no entries ${requested.from || requested.to ? `between ${requested.from ?? 'its start'} and ${requested.to ?? 'now'}` : 'yet'}; nothing was written. Choose a wider time range.`,
      { field: range.from !== undefined ? 'from' : 'to', details: { requested } },
    );
  }
  const last = store.auditEntryAt(seqs.toSeq) ?? head;
  return {
    requested,
    fromSeq: seqs.fromSeq,
    toSeq: seqs.toSeq,
    count: seqs.toSeq - seqs.fromSeq + 1,
    // A log whose entry before the run is gone (tampered on disk) is exported as it is; the
    // export then fails verification at its first entry, which is the truth.
    prevHash:
      seqs.fromSeq === 1
        ? GENESIS_HASH
        : (store.auditEntryAt(seqs.fromSeq - 1)?.hash ?? GENESIS_HASH),
    last: { seq: last.seq, hash: last.hash },
    head: { seq: head.seq, hash: head.hash },
  };
}

async function openTempFile(path: string): Promise<{ tempPath: string; stream: WriteStream }> {
  const tempPath = join(
    dirname(path),
    `.${basename(path)}.${randomBytes(4).toString('hex')}.partial`,
  );
  // `flush` fsyncs the file before it is closed, so the rename publishes complete bytes.
  const stream = createWriteStream(tempPath, { flags: 'wx', flush: true });
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
  } catch (error) {
    throw notWritableError(path, error);
  }
  return { tempPath, stream };
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (stream.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      stream.off('drain', onDrain);
      reject(error);
    };
    const onDrain = (): void => {
      stream.off('error', onError);
      resolve();
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function writeAuditExport(
  options: WriteAuditExportOptions,
): Promise<AuditExportSummary> {
  const { store, format, path } = options;
  const chunkSize = options.chunkSize ?? 5_000;
  const plan = planAuditExport(store, options);
  const header: AuditExportHeader = {
    record: 'header',
    format: AUDIT_EXPORT_FORMAT,
    version: AUDIT_EXPORT_VERSION,
    exportedAt: (options.now?.() ?? new Date()).toISOString(),
    exportedBy: options.exportedBy,
    ...plan,
  };
  const trailer: AuditExportTrailer = {
    record: 'trailer',
    format: AUDIT_EXPORT_FORMAT,
    count: plan.count,
    last: plan.last,
  };
  const encode = exportEncoders[format];
  const { tempPath, stream } = await openTempFile(path);
  try {
    await write(stream, encode.header(header));
    let written = 0;
    for (let fromSeq = plan.fromSeq; fromSeq <= plan.toSeq; fromSeq += chunkSize) {
      if (options.signal?.aborted)
        throw new VigilError('INTERNAL', 'The export was stopped because Vigil is closing.');
      const toSeq = Math.min(plan.toSeq, fromSeq + chunkSize - 1);
      let text = '';
      store.forEachAuditEntry({ fromSeq, toSeq }, (entry) => {
        text += encode.entry(entry);
        written++;
      });
      await write(stream, text);
      options.onProgress?.(written, plan.count);
      // Let the engine answer other requests and run its watchers between chunks.
      await pause();
    }
    await write(stream, encode.trailer(trailer));
    // 'close' (not 'finish') comes after the fsync that `flush` asks for.
    await new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.once('close', () => resolve());
      stream.end();
    });
    await rename(tempPath, path);
    await fsyncDirectoryAsync(dirname(path));
    return { path, format, header, bytes: stream.bytesWritten };
  } catch (error) {
    stream.destroy();
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
}
