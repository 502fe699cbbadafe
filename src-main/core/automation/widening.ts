// Which changes to a policy let it approve more, and so need a person as creating it does: a
// limit raised, a target or function added, a condition dropped or rewritten (a rewritten one
// cannot be told narrower without proving it), another chain or signer, or enabling it.
// Narrowing, keeping it as it is and disabling need no one.
import type { AutomationPolicy } from '../../ipc/contract.ts';

type PolicyTerms = Omit<AutomationPolicy, 'createdAt' | 'updatedAt'>;

/** How `after` allows more than `before`, one line each; empty when it allows nothing more. */
export function policyWidening(before: PolicyTerms | undefined, after: PolicyTerms): string[] {
  if (!before) return [`Create policy ${after.id}${after.enabled ? ', enabled' : ''}`];
  const widened: string[] = [];
  if (before.chainId !== after.chainId)
    widened.push(`Chain ${before.chainId} becomes ${after.chainId}`);
  if (before.signer.toLowerCase() !== after.signer.toLowerCase())
    widened.push(`Signer ${before.signer} becomes ${after.signer}`);
  for (const limit of ['maxValuePerTx', 'maxFeePerGas', 'dailyBudget'] as const)
    if (BigInt(after[limit]) > BigInt(before[limit]))
      widened.push(`${limit} raised from ${before[limit]} to ${after[limit]} wei`);
  if (after.maxPerHour > before.maxPerHour)
    widened.push(`maxPerHour raised from ${before.maxPerHour} to ${after.maxPerHour}`);
  for (const target of after.targets) {
    const old = before.targets.find(
      (candidate) => candidate.address.toLowerCase() === target.address.toLowerCase(),
    );
    if (!old) {
      widened.push(`Target ${target.address} (${target.contractName}) added`);
      continue;
    }
    for (const fn of target.functions) {
      const oldFn = old.functions.find((candidate) => candidate.signature === fn.signature);
      if (!oldFn) widened.push(`Function ${fn.signature} on ${target.address} added`);
      else if (oldFn.condition !== undefined && fn.condition === undefined)
        widened.push(`Condition on ${fn.signature} removed`);
      else if (oldFn.condition !== undefined && fn.condition !== oldFn.condition)
        widened.push(`Condition on ${fn.signature} becomes ${fn.condition}`);
    }
  }
  if (after.enabled && !before.enabled) widened.push(`Enable policy ${after.id}`);
  return widened;
}

/** The policy's terms, without when it was saved: what a person's approval binds to. */
export function policyTerms(policy: AutomationPolicy): PolicyTerms {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- dropped on purpose
  const { createdAt, updatedAt, ...terms } = policy;
  return terms;
}
