// The manifest: the one list of sealed segments, with their summaries, replaced atomically
// (temp file, fsync, rename, fsync of the folder) whenever a segment is added, merged, repaired
// or dropped. A segment file the manifest does not list does not exist as far as reads go.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDirectory, writeFileDurably } from './durable-file.ts';
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
}

export const emptyManifest = (): SegmentManifest => ({
  version: 1,
  nextSegmentId: 1,
  segments: [],
  sealedCursors: {},
});

// The first line is the body's SHA-256, or its MAC when the data directory has a key.
const MANIFEST_DOMAIN = 'chain-manifest';

export type ManifestReadResult =
  { manifest: SegmentManifest } | { damaged: string; forged?: true } | { missing: true };

export function readManifest(path: string, integrity?: StoreIntegrity): ManifestReadResult {
  if (!existsSync(path)) return { missing: true };
  const text = readFileSync(path, 'utf8');
  const newline = text.indexOf('\n');
  if (newline !== 64) return { damaged: 'no checksum line' };
  const body = text.slice(newline + 1);
  const verdict = checkSeal(integrity, MANIFEST_DOMAIN, body, text.slice(0, newline));
  if (!sealAccepted(integrity, verdict))
    return integrity
      ? { damaged: 'MAC mismatch: the manifest was edited or damaged outside Vigil', forged: true }
      : { damaged: 'checksum mismatch: the manifest was damaged or edited' };
  try {
    const manifest = JSON.parse(body) as SegmentManifest;
    if (manifest.version !== 1 || !Array.isArray(manifest.segments))
      return { damaged: `unknown manifest version ${String(manifest.version)}` };
    return { manifest };
  } catch (error) {
    return { damaged: `not JSON: ${(error as Error).message}` };
  }
}

export function writeManifest(
  path: string,
  manifest: SegmentManifest,
  integrity?: StoreIntegrity,
): void {
  const body = JSON.stringify(manifest);
  const temp = `${path}.tmp`;
  writeFileDurably(
    temp,
    Buffer.from(`${sealOf(integrity, MANIFEST_DOMAIN, body)}\n${body}`, 'utf8'),
  );
  renameSync(temp, path);
  fsyncDirectory(dirname(path));
}
