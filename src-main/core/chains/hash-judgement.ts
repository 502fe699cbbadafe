// Who is wrong when RPC providers answer different hashes for the same block: the minority when
// there is a strict majority; otherwise the store's own hash for that block breaks the tie (two
// providers, one of which agrees with what Vigil already verified); otherwise it stays undecided
// here, and the monitor may still settle it by asking each provider for its own block by hash.
import type { ProviderDisagreement } from '../../ipc/contract.ts';

export interface HashAnswer {
  url: string;
  /** null when the provider did not have the block or did not answer. */
  hash: string | null;
}

export type DecidedBy = ProviderDisagreement['decidedBy'];

export type HashJudgement =
  | { agreed: true }
  | { agreed: false; suspects: string[]; expectedHash: string | null; decidedBy: DecidedBy };

export function judgeHashes(
  answers: readonly HashAnswer[],
  storedHash: string | undefined,
): HashJudgement {
  const groups = new Map<string, string[]>();
  for (const answer of answers) {
    if (answer.hash === null) continue;
    groups.set(answer.hash, [...(groups.get(answer.hash) ?? []), answer.url]);
  }
  if (groups.size <= 1) return { agreed: true };
  const answered = [...groups.values()].reduce((sum, urls) => sum + urls.length, 0);
  const others = (hash: string): string[] =>
    [...groups.entries()].filter(([other]) => other !== hash).flatMap(([, urls]) => urls);
  for (const [hash, urls] of groups) {
    if (urls.length * 2 > answered)
      return { agreed: false, suspects: others(hash), expectedHash: hash, decidedBy: 'majority' };
  }
  if (storedHash !== undefined && groups.has(storedHash)) {
    return {
      agreed: false,
      suspects: others(storedHash),
      expectedHash: storedHash,
      decidedBy: 'store',
    };
  }
  return { agreed: false, suspects: [], expectedHash: null, decidedBy: 'undecided' };
}

/**
 * Settles an undecided judgement with what each provider said when asked for its own block by
 * hash: a provider that cannot find the block it just named made the hash up.
 */
export function judgeBySelfCheck(
  answers: readonly HashAnswer[],
  foundOwnBlock: ReadonlyMap<string, boolean>,
): HashJudgement {
  const answered = answers.filter((answer) => answer.hash !== null);
  const suspects = answered
    .filter((answer) => foundOwnBlock.get(answer.url) === false)
    .map((answer) => answer.url);
  const trusted = new Set(
    answered
      .filter((answer) => foundOwnBlock.get(answer.url) === true)
      .map((answer) => answer.hash!),
  );
  if (suspects.length === 0 || trusted.size !== 1)
    return { agreed: false, suspects: [], expectedHash: null, decidedBy: 'undecided' };
  const expectedHash = [...trusted][0]!;
  return {
    agreed: false,
    // Anyone answering a hash other than the one that checks out is wrong too.
    suspects: answered.filter((answer) => answer.hash !== expectedHash).map((answer) => answer.url),
    expectedHash,
    decidedBy: 'self-check',
  };
}
