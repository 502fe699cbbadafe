// Checks an exported file on its own: the header says which run of the chain it holds and the
// hash before it; every entry's hash, link and sequence number are checked in one streaming pass;
// the trailer confirms the end was not cut. The same code serves the command line
// (`npm run audit:verify -- FILE`), the in-app Verify button and `audit.verifyExport`.
import { createReadStream } from 'node:fs';
import type { AuditExportCheck, AuditExportHeader } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import { openAuditExport, type ExportRecord } from './read-export.ts';
import {
  createAuditVerifier,
  type AuditBreak,
  type AuditVerification,
  type AuditVerifier,
} from './verify-entries.ts';

type Chunks = AsyncIterable<string | Uint8Array>;

/** Verifies an export read from `source` (a file's chunks, or its whole text). */
export async function verifyAuditExport(
  source: Chunks | string,
  name = 'the file',
): Promise<AuditExportCheck> {
  const chunks: Chunks = typeof source === 'string' ? textChunks(source) : source;
  const reader = await openAuditExport(chunks, name);
  // Reading stops at the first break: leaving the for-await in checkRecords (a return or a
  // throw) returns the records, and with them the source, so the rest of a large file is not read.
  const { header, verification } = await checkRecords(reader.records, name);
  return { format: reader.format, verification, header };
}

/** Verifies the export at `path`; throws EXPORT_INVALID (with the path) if it cannot be read. */
export async function verifyAuditExportFile(path: string): Promise<AuditExportCheck> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new VigilError(
      'EXPORT_INVALID',
      `Cannot read ${path}: ${(error as Error).message}. Give the path of an exported file.`,
      { field: 'path', details: { path } },
    );
  }
  try {
    return await verifyAuditExport(stream, path);
  } finally {
    stream.destroy();
  }
}

async function* textChunks(text: string): AsyncGenerator<string> {
  const size = 1024 * 1024;
  for (let start = 0; start < text.length; start += size) yield text.slice(start, start + size);
}

async function checkRecords(
  records: AsyncGenerator<ExportRecord>,
  name: string,
): Promise<{ header: AuditExportHeader | null; verification: AuditVerification }> {
  let header: AuditExportHeader | null = null;
  let verifier: AuditVerifier | undefined;
  let trailerSeen = false;
  let trailerPosition = 0;
  let position = 0;
  const broken = (
    at: { seq: number; position: number },
    kind: AuditBreak['kind'],
    message: string,
  ) => ({ header, verification: breakAt(verifier, at, kind, message) });

  for await (const record of records) {
    position = record.position;
    if (!header) {
      if (record.kind === 'header') {
        const problem = headerProblem(record.header);
        if (problem) return broken({ seq: record.header.fromSeq, position }, 'edited', problem);
        header = record.header;
        verifier = createAuditVerifier({
          prevHash: header.prevHash,
          firstSeq: header.fromSeq,
          lastSeq: header.last.seq,
        });
        continue;
      }
      if (record.kind === 'unreadable' && record.claims === 'header')
        return broken({ seq: 0, position }, 'edited', `Line ${position}: ${record.reason}.`);
      if (record.kind === 'unreadable' && record.cut)
        return broken(
          { seq: 0, position },
          'truncated',
          'The file ends inside its first line: it was cut off (or it is not an export).',
        );
      if (record.kind === 'unreadable' || record.kind === 'trailer') {
        // Nothing here says it is an export (any JSON file starts with "{"); say no more than
        // that, since a path may name any file on the machine.
        throw new VigilError(
          'EXPORT_INVALID',
          `${name} is not a Vigil audit export: its first line is not an export header.`,
        );
      }
      return broken(
        { seq: record.kind === 'entry' ? record.entry.seq : 0, position },
        'truncated',
        `Line ${position} is not the export header: the start of the file was cut off.`,
      );
    }
    if (trailerSeen) {
      return broken(
        { seq: header.last.seq, position },
        'inserted',
        `Line ${position} comes after the trailer line, which ends an export: it was added.`,
      );
    }
    switch (record.kind) {
      case 'entry':
        if (!verifier!.push(record.entry, position))
          return { header, verification: verifier!.finish() };
        break;
      case 'trailer':
        if (
          record.trailer.last.seq !== header.last.seq ||
          record.trailer.last.hash !== header.last.hash ||
          record.trailer.count !== header.count
        ) {
          return broken(
            { seq: record.trailer.last.seq, position },
            'edited',
            `The trailer (line ${position}) and the header disagree on the last entry or the count: one of them was edited.`,
          );
        }
        trailerSeen = true;
        trailerPosition = position;
        break;
      case 'header':
        return broken(
          { seq: header.fromSeq, position },
          'inserted',
          `Line ${position} is a second export header: lines from another export were added.`,
        );
      case 'unreadable':
        return broken(
          { seq: nextSeq(verifier!), position },
          record.cut ? 'truncated' : 'edited',
          record.cut
            ? `Line ${position} ends in the middle (${record.reason}): the end of the file was cut off.`
            : `Line ${position} is not a valid audit entry: ${record.reason}.`,
        );
    }
  }
  if (!header || !verifier) {
    throw new VigilError(
      'EXPORT_INVALID',
      'The file has no export header: it is not a Vigil audit export.',
    );
  }
  const end = { seq: header.last.seq, hash: header.last.hash, sealed: trailerSeen };
  // Entries missing before the trailer are reported where they should have been: at the trailer.
  const verification = verifier.finish(end, trailerSeen ? trailerPosition : position + 1);
  if (verification.intact && !trailerSeen) {
    return {
      header,
      verification: {
        intact: false,
        count: verification.count,
        atSeq: header.last.seq,
        atPosition: position + 1,
        kind: 'truncated',
        message: `The trailer line is missing after the last entry (seq ${header.last.seq}): the end of the file was cut off.`,
      },
    };
  }
  return { header, verification };
}

/** What is inconsistent within a header (it is not hashed, so it is checked against itself). */
function headerProblem(header: AuditExportHeader): string | undefined {
  if (header.last.seq !== header.toSeq || header.count !== header.toSeq - header.fromSeq + 1)
    return `The export header does not add up (seq ${header.fromSeq}..${header.toSeq}, count ${header.count}, last seq ${header.last.seq}): it was edited.`;
  if (header.head.seq < header.toSeq)
    return `The export header's head (seq ${header.head.seq}) is before its last entry (seq ${header.toSeq}): it was edited.`;
  return undefined;
}

/**
 * A break found outside the chain check (an unreadable line, a misplaced header). Entries the
 * verifier still holds are checked first: a break among them comes earlier in the file.
 */
function breakAt(
  verifier: AuditVerifier | undefined,
  at: { seq: number; position: number },
  kind: AuditBreak['kind'],
  message: string,
): AuditVerification {
  const before = verifier?.finish();
  if (before && !before.intact) return before;
  return {
    intact: false,
    count: before?.count ?? 0,
    atSeq: at.seq,
    atPosition: at.position,
    kind,
    message,
  };
}

function nextSeq(verifier: AuditVerifier): number {
  const sofar = verifier.finish();
  return sofar.intact ? (sofar.lastSeq ?? 0) + 1 : sofar.atSeq;
}

/** One line for a person: "intact: N entries, seq A..B, head H" or where it breaks and how. */
export function describeExportCheck(check: AuditExportCheck): string {
  const { verification } = check;
  if (verification.intact) {
    return `intact: ${verification.count} entries, seq ${verification.firstSeq}..${verification.lastSeq}, head ${verification.headHash}`;
  }
  return `broken: ${verification.kind} at line ${verification.atPosition} (seq ${verification.atSeq}): ${verification.message}`;
}
