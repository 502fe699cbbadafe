// What changed in a Safe's configuration between two reads. The nonce is left out: it moves with
// every executed transaction and is not a change of who controls the Safe.
import type { SafeState } from './read-safe.ts';

/** A Safe's state in the form Vigil stores and sends: the nonce as a decimal string. */
export interface SafeStateSnapshot {
  version: string;
  owners: string[];
  threshold: number;
  nonce: string;
  modules: string[];
  guard: string | null;
  fallbackHandler: string | null;
}

export const configFields = [
  'version',
  'owners',
  'threshold',
  'modules',
  'guard',
  'fallbackHandler',
] as const;

export type SafeConfigField = (typeof configFields)[number];

export type SafeConfigChanges = Partial<
  Record<SafeConfigField, { before: unknown; after: unknown }>
>;

export function toSnapshot(state: SafeState): SafeStateSnapshot {
  return {
    version: state.version,
    owners: state.owners,
    threshold: state.threshold,
    nonce: state.nonce.toString(),
    modules: state.modules,
    guard: state.guard,
    fallbackHandler: state.fallbackHandler,
  };
}

/** The configuration fields that differ (addresses compared in any letter case); empty if none. */
export function safeConfigChanges(
  before: SafeStateSnapshot,
  after: SafeStateSnapshot,
): SafeConfigChanges {
  const same = (a: unknown, b: unknown): boolean =>
    JSON.stringify(a).toLowerCase() === JSON.stringify(b).toLowerCase();
  const changes: SafeConfigChanges = {};
  for (const field of configFields)
    if (!same(before[field], after[field]))
      changes[field] = { before: before[field], after: after[field] };
  return changes;
}
