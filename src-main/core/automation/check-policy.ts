// A policy is checked in full when it is saved, before anything is stored or a person is asked:
// its chain is configured, its signer is in the keychain, every function is in the target's
// watched ABI and every condition compiles against that function's arguments. The first problem
// is a VigilError whose field names the input (`targets[0].functions[1].condition`).
import {
  getAddress,
  toFunctionSelector,
  toFunctionSignature,
  type Abi,
  type AbiFunction,
} from 'viem';
import type { AutomationPolicy, PolicyFunction, PolicyInput } from '../../ipc/contract.ts';
import { ruleSlug } from '../alerts/index.ts';
import { closestMatch, VigilError } from '../errors/index.ts';
import type { ChainRecord, ContractRecord, SignerRecord } from '../store/index.ts';
import { compileArgumentCondition } from './argument-condition.ts';

/** What checking a policy reads of the store. */
export interface PolicyCheckContext {
  findChain(chainId: number): ChainRecord | undefined;
  findContract(id: string): ContractRecord | undefined;
  findSigner(address: string): SignerRecord | undefined;
  /** The policy stored under the same id, whose creation time a change keeps. */
  existing?: AutomationPolicy | undefined;
  now: number;
}

/** The function of `abi` named by name or, when overloaded, by signature. */
export function resolveFunction(
  contract: Pick<ContractRecord, 'name' | 'abi'>,
  wanted: string,
  field: string,
): AbiFunction {
  const functions = (contract.abi as Abi).filter(
    (entry): entry is AbiFunction => entry.type === 'function',
  );
  const compact = wanted.replace(/\s+/g, '');
  const matching = compact.includes('(')
    ? functions.filter((fn) => toFunctionSignature(fn).replace(/\s+/g, '') === compact)
    : functions.filter((fn) => fn.name === compact);
  if (matching.length === 0) {
    const names = [...new Set(functions.map((fn) => fn.name))];
    const suggestion = closestMatch(compact.split('(')[0]!, names);
    throw new VigilError(
      'NOT_FOUND',
      `${field}: ${contract.name} has no function ${wanted}${names.length ? `; its functions are ${names.join(', ')}` : ' (its ABI has no functions)'}${suggestion ? ` (did you mean ${suggestion}?)` : ''}.`,
      { field },
    );
  }
  if (matching.length > 1)
    throw new VigilError(
      'INVALID_INPUT',
      `${field}: ${contract.name} has ${matching.length} functions called ${wanted}; name one by its signature: ${matching.map((fn) => toFunctionSignature(fn)).join(' or ')}.`,
      { field },
    );
  return matching[0]!;
}

/** The policy as it would be stored, or the first problem with it; saves nothing. */
export function checkPolicyOnSave(
  input: PolicyInput,
  context: PolicyCheckContext,
): AutomationPolicy {
  if (!context.findChain(input.chainId))
    throw new VigilError('NOT_FOUND', `chainId: chain ${input.chainId} is not configured.`, {
      field: 'chainId',
    });
  const signer = getAddress(input.signer.toLowerCase());
  if (!context.findSigner(signer))
    throw new VigilError(
      'NOT_FOUND',
      `signer: ${signer} is not a signer in the keychain; import or generate it first.`,
      { field: 'signer' },
    );
  const id = input.id ?? ruleSlug(input.name);
  if (!id)
    throw new VigilError('INVALID_INPUT', 'name: gives no id; give the policy an id.', {
      field: 'name',
    });
  const seenTargets = new Set<string>();
  const targets = input.targets.map((target, targetIndex) => {
    const field = `targets[${targetIndex}]`;
    const address = getAddress(target.address.toLowerCase());
    const contractId = `${input.chainId}:${address.toLowerCase()}`;
    if (seenTargets.has(contractId))
      throw new VigilError('INVALID_INPUT', `${field}.address: ${address} is listed twice.`, {
        field: `${field}.address`,
      });
    seenTargets.add(contractId);
    const contract = context.findContract(contractId);
    if (!contract)
      throw new VigilError(
        'NOT_FOUND',
        `${field}.address: ${address} is not a watched contract on chain ${input.chainId}; watch it first so its functions are known.`,
        { field: `${field}.address` },
      );
    const seenFunctions = new Set<string>();
    const functions = target.functions.map((allowed, functionIndex): PolicyFunction => {
      const functionField = `${field}.functions[${functionIndex}]`;
      const fn = resolveFunction(contract, allowed.function, `${functionField}.function`);
      const signature = toFunctionSignature(fn);
      if (seenFunctions.has(signature))
        throw new VigilError(
          'INVALID_INPUT',
          `${functionField}.function: ${signature} is listed twice for ${contract.name}.`,
          { field: `${functionField}.function` },
        );
      seenFunctions.add(signature);
      const condition =
        allowed.condition && allowed.condition.trim() !== ''
          ? compileArgumentCondition(
              fn,
              allowed.condition,
              `${functionField}.condition`,
              `${fn.name} on ${contract.name}`,
            ).text
          : undefined;
      return {
        name: fn.name,
        signature,
        selector: toFunctionSelector(fn),
        ...(condition === undefined ? {} : { condition }),
        abi: fn,
      };
    });
    return { address, contractName: contract.name, functions };
  });
  return {
    id,
    name: input.name,
    chainId: input.chainId,
    signer,
    targets,
    maxValuePerTx: BigInt(input.maxValuePerTx).toString(),
    maxFeePerGas: BigInt(input.maxFeePerGas).toString(),
    dailyBudget: BigInt(input.dailyBudget).toString(),
    maxPerHour: input.maxPerHour,
    enabled: input.enabled,
    createdAt: context.existing?.createdAt ?? context.now,
    updatedAt: context.now,
  };
}
