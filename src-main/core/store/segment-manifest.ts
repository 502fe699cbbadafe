// The manifest: the one list of sealed segments, with their summaries. A segment file the
// manifest does not list does not exist as far as reads go.
//
// It lives in two files, so that a change costs what it changes and not the whole history: a
// *base* (manifest.json: the whole manifest, replaced atomically — temp file, fsync, rename,
// fsync of the folder) and an *edit log* beside it (manifest.log: one record per change, the
// segments added and removed, fsync'd before the change counts as made). When the log has grown
// as large as the base, the next change writes a new base instead, which starts an empty log of
// the next generation: each byte of a base is paid for by as many bytes of edits, so the bytes a
// seal writes stay the same however many segments are listed. A log whose generation is not the
// base's was folded into that base already (a crash between the two writes of a compaction).
import { existsSync, readFileSync, renameSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileBytes, fsyncDirectory, writeFileDurably } from './durable-file.ts';
import { appendToIngestLog, readIngestLog, startIngestLog, type IngestLog } from './ingest-log.ts';
import { checkSeal, sealAccepted, sealOf, type StoreIntegrity } from './record-seal.ts';
import type { SegmentSummary } from './segment-file.ts';

export interface SegmentManifest {
  version: 1;
  nextSegmentId: number;
  segments: SegmentSummary[];
  /**
   * The last seal: the head rows of `chainId` at or below `throughBlock` moved into a segment,
   * and the head image written after it is of generation `headGeneration`. If the image on disk
   * is older, the head is cut again at start (the crash came between the two writes).
   */
  lastSeal?: { chainId: number; throughBlock: number; headGeneration: number };
  /**
   * Per chain, each contract's cursor as far as sealed data alone vouches for it: what start
   * falls back to if the head image is lost.
   */
  sealedCursors: Record<string, Record<string, number>>;
  /** The generation of the edit log that continues this base (absent: none, written before). */
  editsGeneration?: number;
}

/**
 * One change: the segments it lists and unlists, and the small fields as they are after it
 * (their size does not grow with history: a cursor per contract).
 */
export interface ManifestEdit {
  add: SegmentSummary[];
  remove: number[];
  nextSegmentId: number;
  lastSeal?: SegmentManifest['lastSeal'];
  sealedCursors: SegmentManifest['sealedCursors'];
}

/** A record of the edit log: the edit as JSON and its seal (see editSealed). */
interface EditRecord {
  body: string;
  seal: string;
}

export const emptyManifest = (): SegmentManifest => ({
  version: 1,
  nextSegmentId: 1,
  segments: [],
  sealedCursors: {},
});

// The first line of the base is the body's SHA-256, or its MAC when the data directory has a key.
const MANIFEST_DOMAIN = 'chain-manifest';
// Each edit is sealed with its log's generation and its place in it, so records cannot be moved
// from one log to another or reordered without failing the check.
const EDIT_DOMAIN = 'chain-manifest-edit';
const editSealed = (generation: number, index: number, body: string): string =>
  `${generation}\n${index}\n${body}`;

/** The edit log beside a base. */
export const editLogPathOf = (basePath: string): string => basePath.replace(/\.json$/, '') + '.log';

/** Below this the log is not folded into the base, however small the base is. */
const MIN_LOG_BYTES = 64 * 1024;

/** The one order of segments, the same whichever edits led to a list. */
const manifestOrder = (a: SegmentSummary, b: SegmentSummary): number =>
  a.chainId - b.chainId || a.fromBlock - b.fromBlock || a.id - b.id;

function inManifestOrder(segments: SegmentSummary[]): SegmentSummary[] {
  return segments.sort(manifestOrder);
}

/** Applies edits in order (a replay of the log does many at once, in time linear in them). */
export function applyManifestEdits(
  manifest: SegmentManifest,
  edits: readonly ManifestEdit[],
): SegmentManifest {
  if (edits.length === 0) return manifest;
  const segments = new Map(manifest.segments.map((segment) => [segment.id, segment]));
  let next: SegmentManifest = manifest;
  for (const edit of edits) {
    for (const id of edit.remove) segments.delete(id);
    for (const segment of edit.add) segments.set(segment.id, segment);
    next = withFieldsOf(next, edit);
  }
  return { ...next, segments: inManifestOrder([...segments.values()]) };
}

/** The manifest with an edit's small fields (its next id, cursors, last seal). */
const withFieldsOf = (manifest: SegmentManifest, edit: ManifestEdit): SegmentManifest => ({
  ...manifest,
  nextSegmentId: edit.nextSegmentId,
  sealedCursors: edit.sealedCursors,
  ...(edit.lastSeal ? { lastSeal: edit.lastSeal } : {}),
});

/**
 * One edit applied as applyManifestEdits would, to segments in manifest order whose ids `listed`
 * holds (kept up to date here): the added segments are merged in one pass over the list rather
 * than the whole list hashed and sorted again, which grew with the history at every listing (at
 * 20,000 segments, tens of milliseconds for each five thousand rows). An added id listed already
 * (never made by the store) goes the general way.
 */
function withEdit(
  manifest: SegmentManifest,
  edit: ManifestEdit,
  listed: Set<number>,
): SegmentManifest {
  const addedIds = new Set(edit.add.map((segment) => segment.id));
  if (addedIds.size !== edit.add.length || edit.add.some((segment) => listed.has(segment.id))) {
    const next = applyManifestEdits(manifest, [edit]);
    listed.clear();
    for (const segment of next.segments) listed.add(segment.id);
    return next;
  }
  const removed = new Set(edit.remove.filter((id) => listed.has(id)));
  const kept =
    removed.size === 0
      ? manifest.segments
      : manifest.segments.filter((segment) => !removed.has(segment.id));
  const segments: SegmentSummary[] = [];
  let at = 0;
  for (const segment of inManifestOrder([...edit.add])) {
    while (at < kept.length && manifestOrder(kept[at]!, segment) < 0) segments.push(kept[at++]!);
    segments.push(segment);
  }
  while (at < kept.length) segments.push(kept[at++]!);
  for (const id of removed) listed.delete(id);
  for (const id of addedIds) listed.add(id);
  return { ...withFieldsOf(manifest, edit), segments };
}

/** The edit that turns `from` into `to` (segments are immutable: compared by id). */
export function manifestEdit(from: SegmentManifest, to: SegmentManifest): ManifestEdit {
  const before = new Set(from.segments.map((segment) => segment.id));
  const after = new Set(to.segments.map((segment) => segment.id));
  return editTo(to, {
    add: to.segments.filter((segment) => !before.has(segment.id)),
    remove: [...before].filter((id) => !after.has(id)),
  });
}

/** The edit that makes `to` of the manifest before it, given the segments it adds and removes. */
function editTo(to: SegmentManifest, change: Pick<ManifestEdit, 'add' | 'remove'>): ManifestEdit {
  return {
    add: change.add,
    remove: change.remove,
    nextSegmentId: to.nextSegmentId,
    ...(to.lastSeal ? { lastSeal: to.lastSeal } : {}),
    sealedCursors: to.sealedCursors,
  };
}

export type ManifestReadResult =
  /** editLogBytes: the size of the log that continues the base (0: none does). */
  | { manifest: SegmentManifest; editLogBytes: number; edits: number }
  | { damaged: string; forged?: true }
  | { missing: true };

/**
 * How a manifest is read: by the store, which checks every seal and cuts a torn tail off the log;
 * or by a look from outside (a test watching a running process), which does neither.
 */
export type ManifestReader =
  { integrity?: StoreIntegrity; inspectOnly?: false } | { inspectOnly: true };

const sealTrusted = (
  reader: ManifestReader,
  domain: string,
  data: string,
  seal: string,
): boolean => {
  if (reader.inspectOnly) return true;
  return sealAccepted(reader.integrity, checkSeal(reader.integrity, domain, data, seal));
};

function readBase(path: string, reader: ManifestReader): ManifestReadResult {
  const integrity = reader.inspectOnly ? undefined : reader.integrity;
  if (!existsSync(path)) return { missing: true };
  const text = readFileSync(path, 'utf8');
  const newline = text.indexOf('\n');
  if (newline !== 64) return { damaged: 'no checksum line' };
  const body = text.slice(newline + 1);
  if (!sealTrusted(reader, MANIFEST_DOMAIN, body, text.slice(0, newline)))
    return integrity
      ? { damaged: 'MAC mismatch: the manifest was edited or damaged outside Vigil', forged: true }
      : { damaged: 'checksum mismatch: the manifest was damaged or edited' };
  try {
    const manifest = JSON.parse(body) as SegmentManifest;
    if (manifest.version !== 1 || !Array.isArray(manifest.segments))
      return { damaged: `unknown manifest version ${String(manifest.version)}` };
    // In manifest order, which a writer merges a listing's edit into (see withEdit).
    inManifestOrder(manifest.segments);
    return { manifest, editLogBytes: 0, edits: 0 };
  } catch (error) {
    return { damaged: `not JSON: ${(error as Error).message}` };
  }
}

/** Reads the base and replays its edit log (a torn tail of the log is cut off in place). */
export function readManifest(path: string, reader: ManifestReader = {}): ManifestReadResult {
  const integrity = reader.inspectOnly ? undefined : reader.integrity;
  const base = readBase(path, reader);
  if (!('manifest' in base)) return base;
  const generation = base.manifest.editsGeneration ?? 0;
  const logPath = editLogPathOf(path);
  if (generation === 0) return base;
  // A new log replaces the last one by a rename, so only the first can be missing (a crash
  // between the first base and its log); any later base without its log lost edits.
  if (!existsSync(logPath))
    return generation === 1 ? base : { damaged: `its edit log ${logPath} is missing` };
  const log = readIngestLog<EditRecord>(logPath, { cutTornTail: false });
  if (log.generation !== generation) return base;
  // Every edit is fsync'd before the next is written, so only the last can be torn; a bad edit
  // with good ones after it is damage, and dropping what follows would unlist segments.
  if (log.damagedMidway)
    return { damaged: `edit ${log.records.length} of ${logPath} fails its checksum` };
  if (log.droppedTailBytes > 0 && !reader.inspectOnly)
    truncateSync(logPath, fileBytes(logPath) - log.droppedTailBytes);
  const edits: ManifestEdit[] = [];
  for (const [index, record] of log.records.entries()) {
    if (!sealTrusted(reader, EDIT_DOMAIN, editSealed(generation, index, record.body), record.seal))
      return integrity
        ? {
            damaged: `MAC mismatch in edit ${index} of ${logPath}: it was edited outside Vigil`,
            forged: true,
          }
        : { damaged: `checksum mismatch in edit ${index} of ${logPath}` };
    edits.push(JSON.parse(record.body) as ManifestEdit);
  }
  return {
    manifest: applyManifestEdits(base.manifest, edits),
    editLogBytes: fileBytes(logPath),
    edits: edits.length,
  };
}

/** Writes a whole base, atomically. */
export function writeManifest(
  path: string,
  manifest: SegmentManifest,
  integrity?: StoreIntegrity,
): number {
  const body = JSON.stringify(manifest);
  const bytes = Buffer.from(`${sealOf(integrity, MANIFEST_DOMAIN, body)}\n${body}`, 'utf8');
  const temp = `${path}.tmp`;
  writeFileDurably(temp, bytes);
  renameSync(temp, path);
  fsyncDirectory(dirname(path));
  return bytes.length;
}

export interface ManifestWriter {
  /**
   * Makes `next` the manifest on disk, durably, and returns it as a start would read it back
   * (segments in manifest order) with the bytes written.
   */
  save(
    next: SegmentManifest,
    change?: Pick<ManifestEdit, 'add' | 'remove'>,
  ): { manifest: SegmentManifest; bytesWritten: number };
  /** Writes `next` as a whole new base (an adopted directory sealed with its key). */
  compact(next: SegmentManifest): { manifest: SegmentManifest; bytesWritten: number };
  close(): void;
}

/**
 * Continues the manifest `read` (what readManifest returned, or an empty one when there was
 * none). The first save of a directory without a base writes one.
 */
export function openManifestWriter(
  path: string,
  read: { manifest: SegmentManifest; editLogBytes: number; edits: number },
  integrity?: StoreIntegrity,
): ManifestWriter {
  const logPath = editLogPathOf(path);
  // In manifest order as readManifest returns it (and an empty one is), which withEdit keeps.
  let saved = read.manifest;
  /** The ids `saved` lists (see withEdit). */
  let listed = new Set(saved.segments.map((segment) => segment.id));
  /**
   * Whether a save failed part-way: what the caller holds may then differ from `saved` by more
   * than the change it states, so the next save compares the two lists.
   */
  let inDoubt = false;
  let generation = saved.editsGeneration ?? 0;
  let baseBytes = fileBytes(path);
  let logBytes = read.editLogBytes;
  let edits = read.edits;
  let log: IngestLog<EditRecord> | undefined;
  if (generation > 0 && baseBytes > 0) {
    // No log of the base's generation (none yet, or one a compaction left behind): a new one.
    if (logBytes === 0) {
      startIngestLog(logPath, generation);
      logBytes = fileBytes(logPath);
    }
    log = appendToIngestLog<EditRecord>(logPath, generation);
  }

  function compact(next: SegmentManifest): { manifest: SegmentManifest; bytesWritten: number } {
    // Base first, then the new log: a crash between leaves the new base with the old log, of
    // another generation, which the next start ignores (its edits are in the base).
    inDoubt = true;
    generation++;
    const base: SegmentManifest = {
      ...next,
      segments: inManifestOrder([...next.segments]),
      editsGeneration: generation,
    };
    baseBytes = writeManifest(path, base, integrity);
    log?.close();
    startIngestLog(logPath, generation);
    log = appendToIngestLog<EditRecord>(logPath, generation);
    logBytes = fileBytes(logPath);
    edits = 0;
    saved = base;
    listed = new Set(base.segments.map((segment) => segment.id));
    inDoubt = false;
    return { manifest: base, bytesWritten: baseBytes + logBytes };
  }

  return {
    save(next, change) {
      if (!log || logBytes >= Math.max(baseBytes, MIN_LOG_BYTES)) return compact(next);
      // The caller may say what changed (every seal and listing) rather than have both lists
      // compared, which took time in proportion to the history; after a failed save, or when
      // `next` holds more than the change, the lists are compared (nothing unsaved is left out).
      const stated =
        change !== undefined &&
        !inDoubt &&
        next.segments.length === saved.segments.length + change.add.length - change.remove.length;
      const edit = stated ? editTo(next, change) : manifestEdit(saved, next);
      inDoubt = true;
      const body = JSON.stringify(edit);
      const before = log.bytesAppended;
      log.append({
        body,
        seal: sealOf(integrity, EDIT_DOMAIN, editSealed(generation, edits, body)),
      });
      log.sync();
      const bytesWritten = log.bytesAppended - before;
      logBytes += bytesWritten;
      edits++;
      saved = withEdit(saved, edit, listed);
      inDoubt = false;
      return { manifest: saved, bytesWritten };
    },
    compact,
    close() {
      log?.close();
    },
  };
}
