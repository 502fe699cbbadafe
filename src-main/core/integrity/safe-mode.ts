// Safe mode: when the check at start finds the data directory altered outside Vigil, Vigil keeps
// watching and showing but signs nothing, and says why on every view, until a person
// acknowledges (through the approval gate). The state is kept with the operator data, so a
// restart does not clear it; only an acknowledgement does. Acknowledging does not bring back
// what was quarantined: records that failed their MAC stay out, and only approvals whose own MAC
// verifies are signed afterwards.
import type { PushListener, Logger } from '../ports/index.ts';
import type { SafeMode } from '../../ipc/contract.ts';
import type { Store } from '../store/index.ts';
import { VigilError } from '../errors/index.ts';

const SAFE_MODE_KEY = 'integrity.safeMode';

interface StoredSafeMode {
  since: number;
  reasons: string[];
  quarantined: string[];
  acknowledged?: { at: number; by: string };
}

export interface SafeModeControl {
  state(): SafeMode;
  /** The error a signing path throws while safe mode is on; null when signing may go ahead. */
  signingRefusal(what: string): VigilError | null;
  acknowledge(by: string): SafeMode;
  /** Called after an acknowledgement (the queue resumes what verifies). */
  onLifted(listener: () => void): void;
}

function readStored(store: Pick<Store, 'meta'>): StoredSafeMode | undefined {
  const text = store.meta(SAFE_MODE_KEY);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as StoredSafeMode;
  } catch {
    // Unreadable is not "acknowledged": treat it as on, with that as the reason.
    return {
      since: Date.now(),
      reasons: ['The stored safe-mode state is unreadable.'],
      quarantined: [],
    };
  }
}

export function createSafeMode(deps: {
  store: Pick<Store, 'meta' | 'execute'>;
  push: PushListener;
  log: Logger;
  /** What this start found (empty when all checks passed). */
  reasons: string[];
  quarantined: string[];
}): SafeModeControl {
  const { store, push, log } = deps;
  const listeners: (() => void)[] = [];
  let stored = readStored(store);
  if (deps.reasons.length > 0) {
    // A new finding starts safe mode again, even if an earlier one was acknowledged.
    const earlier = stored && !stored.acknowledged ? stored : undefined;
    stored = {
      since: earlier?.since ?? Date.now(),
      reasons: [...(earlier?.reasons ?? []), ...deps.reasons],
      quarantined: [...(earlier?.quarantined ?? []), ...deps.quarantined],
    };
    store.execute({ type: 'meta.set', key: SAFE_MODE_KEY, value: JSON.stringify(stored) });
  }
  const active = () => stored !== undefined && !stored.acknowledged;
  if (active())
    log.error(
      `SAFE MODE: Vigil signs nothing until a person acknowledges. ${stored!.reasons.join(' ')}`,
    );

  const state = (): SafeMode => ({
    active: active(),
    since: active() ? stored!.since : null,
    reasons: active() ? stored!.reasons : [],
    quarantined: stored?.quarantined ?? [],
    acknowledged: stored?.acknowledged ?? null,
  });

  return {
    state,
    signingRefusal(what) {
      if (!active()) return null;
      return new VigilError(
        'SAFE_MODE',
        `Vigil is in safe mode and signs nothing: ${what} was refused. ${stored!.reasons[0]}${stored!.reasons.length > 1 ? ` (and ${stored!.reasons.length - 1} more finding(s))` : ''} A person must acknowledge safe mode (integrity.acknowledgeSafeMode) before anything is signed; quarantined records stay out.`,
        { details: { reasons: stored!.reasons, quarantined: stored!.quarantined } },
      );
    },
    acknowledge(by) {
      if (!active())
        throw new VigilError(
          'INVALID_STATE',
          'Vigil is not in safe mode; there is nothing to acknowledge.',
        );
      stored = { ...stored!, acknowledged: { at: Date.now(), by } };
      store.execute({ type: 'meta.set', key: SAFE_MODE_KEY, value: JSON.stringify(stored) });
      log.warn(`Safe mode acknowledged by ${by}; signing resumes for records that verify.`);
      const now = state();
      push('integrity.safeModeChanged', now);
      for (const listener of listeners) listener();
      return now;
    },
    onLifted: (listener) => void listeners.push(listener),
  };
}
