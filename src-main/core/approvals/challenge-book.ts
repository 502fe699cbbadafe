// One-time challenges for approvals. A challenge is the subject's 32-byte digest followed by a
// 16-byte nonce, base64url: an assertion over it commits to exactly that subject, and the nonce
// makes it good once, for a few minutes. Kept in memory: a restart forgets unanswered ones.
import { randomBytes } from 'node:crypto';
import type { Hex } from 'viem';
import { VigilError } from '../errors/index.ts';

const NONCE_BYTES = 16;
/** Remembered after use so a replay gets its own error rather than "unknown". */
const SPENT_KEPT = 10_000;

export interface ChallengeBook {
  issue(digest: Hex): string;
  /**
   * Throws unless `challenge` is open for `digest`: APPROVAL_MISMATCH when it was issued for
   * another subject, APPROVAL_REPLAYED when already spent, APPROVAL_INVALID when never issued or
   * expired. Spends nothing: a forged assertion must not use up a person's challenge.
   */
  check(challenge: string, digest: Hex): void;
  /** Spends a checked challenge once its assertion verified; a second spend is a replay. */
  spend(challenge: string): void;
}

export function digestOfChallenge(challenge: string): Hex | null {
  const bytes = Buffer.from(challenge, 'base64url');
  if (bytes.length !== 32 + NONCE_BYTES) return null;
  return `0x${bytes.subarray(0, 32).toString('hex')}`;
}

export function createChallengeBook(
  options: { ttlMs?: number; now?: () => number } = {},
): ChallengeBook {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const open = new Map<string, number>();
  const spent = new Set<string>();

  function forget(challenge: string): void {
    open.delete(challenge);
    spent.add(challenge);
    if (spent.size > SPENT_KEPT) spent.delete(spent.values().next().value!);
  }

  return {
    issue(digest) {
      for (const [challenge, expires] of open) if (expires < now()) open.delete(challenge);
      const challenge = Buffer.concat([
        Buffer.from(digest.slice(2), 'hex'),
        randomBytes(NONCE_BYTES),
      ]).toString('base64url');
      open.set(challenge, now() + ttlMs);
      return challenge;
    },
    check(challenge, digest) {
      if (spent.has(challenge))
        throw new VigilError(
          'APPROVAL_REPLAYED',
          'This approval was already used once; ask for a new challenge and approve again.',
          { field: 'approval' },
        );
      const signedDigest = digestOfChallenge(challenge);
      if (signedDigest !== null && signedDigest !== digest.toLowerCase())
        throw new VigilError(
          'APPROVAL_MISMATCH',
          'The approval was given for something else than what this request would do now (another transaction, or this one changed since). Review it and approve again.',
          { field: 'approval', details: { approved: signedDigest, now: digest } },
        );
      const expires = open.get(challenge);
      if (expires === undefined || expires < now())
        throw new VigilError(
          'APPROVAL_INVALID',
          'The approval answers a challenge this Vigil did not issue or that expired; ask for a new one.',
          { field: 'approval' },
        );
    },
    spend(challenge) {
      // Checked before an await; another request may have spent it meanwhile.
      if (!open.has(challenge))
        throw new VigilError('APPROVAL_REPLAYED', 'This approval was already used once.', {
          field: 'approval',
        });
      forget(challenge);
    },
  };
}
