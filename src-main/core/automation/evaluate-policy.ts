// Whether a policy approves a proposal on its own: every limit checked in a fixed order, the first
// that says no stops it (with the value it was checked against), and an approval lists every limit
// with its value for the audit entry. Pure: the switch, what was approved before and the time are
// given, so the same inputs always give the same verdict.
import { decodeFunctionData, type AbiFunction, type Hex } from 'viem';
import type { AutomationPolicy } from '../../ipc/contract.ts';
import { compileArgumentCondition } from './argument-condition.ts';

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** A transaction the policy is asked to approve, as proposed and simulated. */
export interface PolicyProposal {
  chainId: number;
  from: string;
  /** null for a contract creation, which no policy allows. */
  to: string | null;
  value: bigint;
  data: Hex;
  /** The highest fee per gas it may pay: its max fee per gas, or its gas price when legacy. */
  maxFeePerGas: bigint;
  gasLimit: bigint;
  /** The simulation's verdict; null when it was not simulated. */
  simulation: { success: boolean; revertReason?: string | null } | null;
}

/** One transaction a policy approved before: what it counts against budgets and rates. */
export interface PolicyUsageRecord {
  policyId: string;
  chainId: number;
  signer: string;
  /** When it was approved (ms since 1970). */
  at: number;
  value: bigint;
  /** Gas limit times max fee per gas: the most its fees can cost. */
  maxFeeCost: bigint;
}

export interface PolicyUsage {
  /** The automation switch: paused stops every policy. */
  paused: boolean;
  /** Transactions policies approved before (any policy; each limit picks what it counts). */
  approved: readonly PolicyUsageRecord[];
}

export type PolicyLimit =
  | 'switch'
  | 'enabled'
  | 'chain'
  | 'signer'
  | 'target'
  | 'function'
  | 'condition'
  | 'maxValuePerTx'
  | 'maxFeePerGas'
  | 'dailyBudget'
  | 'maxPerHour'
  | 'simulation';

/** One limit as checked: the proposal's value and what the policy allows. */
export interface PolicyCheck {
  limit: PolicyLimit;
  value: string;
  allowed: string;
}

export type PolicyVerdict =
  | { approved: true; checks: PolicyCheck[] }
  | { approved: false; stoppedBy: PolicyCheck & { reason: string } };

class Stop {
  constructor(readonly check: PolicyCheck & { reason: string }) {}
}

const sameAddress = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export function evaluatePolicy(
  proposal: PolicyProposal,
  policy: AutomationPolicy,
  usage: PolicyUsage,
  now: number,
): PolicyVerdict {
  const checks: PolicyCheck[] = [];
  const check = (limit: PolicyLimit, value: string, allowed: string, refusal: string | null) => {
    if (refusal !== null) throw new Stop({ limit, value, allowed, reason: refusal });
    checks.push({ limit, value, allowed });
  };
  try {
    check(
      'switch',
      usage.paused ? 'paused' : 'running',
      'running',
      usage.paused
        ? 'Automation is paused; a person approves everything until it is resumed.'
        : null,
    );
    check(
      'enabled',
      policy.enabled ? 'enabled' : 'disabled',
      'enabled',
      policy.enabled ? null : `Policy ${policy.id} is disabled.`,
    );
    check(
      'chain',
      String(proposal.chainId),
      String(policy.chainId),
      proposal.chainId === policy.chainId
        ? null
        : `The transaction is on chain ${proposal.chainId}; the policy covers chain ${policy.chainId}.`,
    );
    check(
      'signer',
      proposal.from,
      policy.signer,
      sameAddress(proposal.from, policy.signer)
        ? null
        : `The transaction is from ${proposal.from}; the policy sends only from ${policy.signer}.`,
    );
    const target = proposal.to
      ? policy.targets.find((allowed) => sameAddress(allowed.address, proposal.to!))
      : undefined;
    check(
      'target',
      proposal.to ?? 'contract creation',
      policy.targets.map((allowed) => allowed.address).join(', '),
      target ? null : `${proposal.to ?? 'A contract creation'} is not a target of the policy.`,
    );
    const selector = proposal.data.slice(0, 10).toLowerCase();
    const allowedFunction = target!.functions.find(
      (fn) => fn.selector.toLowerCase() === selector && proposal.data.length >= 10,
    );
    check(
      'function',
      allowedFunction?.signature ?? (proposal.data.length >= 10 ? selector : 'no call data'),
      target!.functions.map((fn) => fn.signature).join(', '),
      allowedFunction
        ? null
        : `The call ${proposal.data.length >= 10 ? selector : '(no call data)'} is not an allowed function of ${target!.contractName}.`,
    );
    const fn = allowedFunction!.abi as AbiFunction;
    if (allowedFunction!.condition !== undefined) {
      const args = decodedArguments(fn, proposal.data);
      const { compiled } = compileArgumentCondition(
        fn,
        allowedFunction!.condition,
        'condition',
        `${fn.name} on ${target!.contractName}`,
      );
      const holds =
        args !== null &&
        compiled.test({
          args,
          tx: { from: proposal.from, to: proposal.to, value: proposal.value.toString() },
        });
      check(
        'condition',
        args === null ? 'arguments do not decode' : String(holds),
        allowedFunction!.condition,
        holds
          ? null
          : args === null
            ? `The call's arguments do not decode as ${allowedFunction!.signature}.`
            : `The arguments do not meet the condition ${allowedFunction!.condition}.`,
      );
    } else {
      check('condition', 'none', 'any arguments', null);
    }
    const maxValue = BigInt(policy.maxValuePerTx);
    check(
      'maxValuePerTx',
      proposal.value.toString(),
      policy.maxValuePerTx,
      proposal.value <= maxValue
        ? null
        : `The value ${proposal.value} wei is over the policy's ${maxValue} wei per transaction.`,
    );
    const maxFee = BigInt(policy.maxFeePerGas);
    check(
      'maxFeePerGas',
      proposal.maxFeePerGas.toString(),
      policy.maxFeePerGas,
      proposal.maxFeePerGas <= maxFee
        ? null
        : `The fee of ${proposal.maxFeePerGas} wei per gas is over the policy's ${maxFee}.`,
    );
    const cost = proposal.value + proposal.gasLimit * proposal.maxFeePerGas;
    const spent = usage.approved
      .filter(
        (record) =>
          record.chainId === policy.chainId &&
          sameAddress(record.signer, policy.signer) &&
          record.at > now - DAY_MS &&
          record.at <= now,
      )
      .reduce((sum, record) => sum + record.value + record.maxFeeCost, 0n);
    const budget = BigInt(policy.dailyBudget);
    check(
      'dailyBudget',
      (spent + cost).toString(),
      policy.dailyBudget,
      spent + cost <= budget
        ? null
        : `${policy.signer} on chain ${policy.chainId} would reach ${spent + cost} wei in 24 hours (${spent} approved before, at most ${cost} now); the budget is ${budget}.`,
    );
    const lastHour = usage.approved.filter(
      (record) => record.policyId === policy.id && record.at > now - HOUR_MS && record.at <= now,
    ).length;
    check(
      'maxPerHour',
      String(lastHour + 1),
      String(policy.maxPerHour),
      lastHour + 1 <= policy.maxPerHour
        ? null
        : `Policy ${policy.id} approved ${lastHour} in the last hour; it allows ${policy.maxPerHour}.`,
    );
    const simulation = proposal.simulation;
    check(
      'simulation',
      simulation === null ? 'not simulated' : simulation.success ? 'succeeds' : 'reverts',
      'succeeds',
      simulation?.success
        ? null
        : simulation === null
          ? 'The transaction was not simulated; a policy approves only a simulated call.'
          : `The simulation reverts${simulation.revertReason ? ` (${simulation.revertReason})` : ''}; a policy never approves a reverting call.`,
    );
    return { approved: true, checks };
  } catch (error) {
    if (error instanceof Stop) return { approved: false, stoppedBy: error.check };
    throw error;
  }
}

/** The call's arguments by name (argN when unnamed), or null when the data does not decode. */
function decodedArguments(fn: AbiFunction, data: Hex): Record<string, unknown> | null {
  try {
    const { args } = decodeFunctionData({ abi: [fn], data });
    const values = (args ?? []) as readonly unknown[];
    return Object.fromEntries(
      fn.inputs.map((input, position) => [
        input.name ? input.name : `arg${position}`,
        values[position],
      ]),
    );
  } catch {
    return null;
  }
}
