// The policy editor's form state (strings as typed, amounts in ETH and gwei) and its way to and
// from what automation.policies.save takes (wei). Pure, so the units and the mapping of the
// server's field paths back onto the form are tested without a browser.
import type { AutomationPolicy, ContractError, PolicyInput } from '@contract';
import { etherToWei, gweiToWei, weiToEther, weiToGwei } from './units.ts';

export interface PolicyFunctionDraft {
  /** `transfer(address,uint256)`: always the signature, so an overloaded name is never ambiguous. */
  signature: string;
  /** The alert condition language over the call's arguments; '' allows any. */
  condition: string;
}

export interface PolicyTargetDraft {
  /** Tells rows apart while they are added and removed. */
  key: number;
  address: string;
  functions: PolicyFunctionDraft[];
}

export interface PolicyDraft {
  /** Set when editing: save changes the policy with this id. */
  id?: string;
  name: string;
  chainId: string;
  signer: string;
  targets: PolicyTargetDraft[];
  maxValueEther: string;
  maxFeeGwei: string;
  dailyBudgetEther: string;
  maxPerHour: string;
  enabled: boolean;
}

/** Problems by the input's own path (`maxFeePerGas`, `targets[0].functions[1].condition`). */
export type PolicyErrors = Record<string, string>;

let nextKey = 1;
export const newTarget = (address = ''): PolicyTargetDraft => ({
  key: nextKey++,
  address,
  functions: [],
});

export function emptyDraft(chainId: number | undefined, signer: string | undefined): PolicyDraft {
  return {
    name: '',
    chainId: chainId === undefined ? '' : String(chainId),
    signer: signer ?? '',
    targets: [newTarget()],
    maxValueEther: '0',
    maxFeeGwei: '',
    dailyBudgetEther: '',
    maxPerHour: '',
    enabled: false,
  };
}

export function draftOf(policy: AutomationPolicy): PolicyDraft {
  return {
    id: policy.id,
    name: policy.name,
    chainId: String(policy.chainId),
    signer: policy.signer,
    targets: policy.targets.map((target) => ({
      ...newTarget(target.address),
      functions: target.functions.map((fn) => ({
        signature: fn.signature,
        condition: fn.condition ?? '',
      })),
    })),
    maxValueEther: weiToEther(policy.maxValuePerTx).replace(/,/g, ''),
    maxFeeGwei: weiToGwei(policy.maxFeePerGas).replace(/,/g, ''),
    dailyBudgetEther: weiToEther(policy.dailyBudget).replace(/,/g, ''),
    maxPerHour: String(policy.maxPerHour),
    enabled: policy.enabled,
  };
}

const AMOUNT_HINT = 'a decimal amount, e.g. 0.5';

/**
 * The request for a draft, or the problems only the form can see (an amount that does not parse
 * in its unit). Everything else — an unknown function, a signer not in the keychain, a condition
 * that does not compile — is the server's to say, and comes back by the same paths.
 */
export function inputOfDraft(
  draft: PolicyDraft,
): { input: PolicyInput; errors?: undefined } | { errors: PolicyErrors } {
  const errors: PolicyErrors = {};
  const wei = (text: string, field: string, convert: (text: string) => string | null): string => {
    const value = text.trim() === '' ? null : convert(text.replace(/[,_\s]/g, ''));
    if (value === null) errors[field] = `Not an amount: write ${AMOUNT_HINT}.`;
    return value ?? '0';
  };
  const maxValuePerTx = wei(draft.maxValueEther, 'maxValuePerTx', etherToWei);
  const maxFeePerGas = wei(draft.maxFeeGwei, 'maxFeePerGas', gweiToWei);
  const dailyBudget = wei(draft.dailyBudgetEther, 'dailyBudget', etherToWei);
  const perHour = draft.maxPerHour.trim();
  if (!/^\d+$/.test(perHour)) errors['maxPerHour'] = 'Must be a whole number, e.g. 4.';
  if (draft.chainId === '') errors['chainId'] = 'Choose a chain.';
  if (draft.signer === '') errors['signer'] = 'Choose a signer from the keychain.';
  draft.targets.forEach((target, index) => {
    if (target.address === '') errors[`targets[${index}].address`] = 'Choose a watched contract.';
    else if (target.functions.length === 0)
      errors[`targets[${index}].functions`] = 'Allow at least one function.';
  });
  if (Object.keys(errors).length > 0) return { errors };
  return {
    input: {
      ...(draft.id ? { id: draft.id } : {}),
      name: draft.name,
      chainId: Number(draft.chainId),
      signer: draft.signer,
      targets: draft.targets.map((target) => ({
        address: target.address,
        functions: target.functions.map((fn) => ({
          function: fn.signature,
          ...(fn.condition.trim() ? { condition: fn.condition.trim() } : {}),
        })),
      })),
      maxValuePerTx,
      maxFeePerGas,
      dailyBudget,
      maxPerHour: Number(perHour),
      enabled: draft.enabled,
    },
  };
}

/**
 * The server's refusal under the field it names. Its message starts with the field's path
 * (`targets[0].functions[1].function: Pinger has no function …`); beside the field that is noise.
 */
export function errorsOfRefusal(error: ContractError): PolicyErrors {
  const field = error.field ?? 'form';
  const at = error.message.indexOf(`${field}: `);
  const message = at >= 0 ? error.message.slice(at + field.length + 2) : error.message;
  return { [field]: message.charAt(0).toUpperCase() + message.slice(1) };
}

/** A path's errors that no control of the form claims, shown above the Save button. */
export function unclaimedErrors(
  errors: PolicyErrors,
  claimed: (path: string) => boolean,
): string[] {
  return Object.entries(errors)
    .filter(([path]) => !claimed(path))
    .map(([, message]) => message);
}
