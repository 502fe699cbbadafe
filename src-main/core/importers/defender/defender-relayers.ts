// Defender relayers: their key stays in Defender, so the keychain signer the operator names
// (proposeFrom) takes their place; min-balance becomes a balance rule on it, the relayer's policy
// an automation policy (disabled) where it maps.
import { toFunctionSignature, type AbiFunction } from 'viem';
import type { WorkspacePolicy } from '../../../ipc/contract.ts';
import { ruleSlug } from '../../rule-syntax/index.ts';
import type { SourcePath } from '../source-document.ts';
import { DefenderPolicy, type DefenderRelayer } from './defender-files.ts';
import { planContract } from '../shared/plan-contracts.ts';
import { truncate } from '../shared/text.ts';
import { chainIdOf, isObject, note, ruleId, type Links } from './defender-links.ts';

export function importRelayer(
  name: string,
  relayer: DefenderRelayer,
  path: SourcePath,
  links: Links,
): void {
  const about = `relayer "${name}"`;
  const chainId = chainIdOf(relayer.network, about, path, links);
  if (relayer['api-keys']?.length)
    note(
      links,
      [...path, 'api-keys'],
      `${about}: relayer API keys are not carried over; Vigil sends from its keychain signer`,
    );
  if (chainId === undefined) return;
  const signer = links.context.proposeFrom;
  if (signer === undefined) {
    note(
      links,
      path,
      `${about}: its key stays in Defender; give the keychain signer that replaces it (proposeFrom) to carry over its minimum balance${relayer.policy ? ' and policy' : ''}`,
    );
    return;
  }
  if (relayer['min-balance'] > 0n)
    links.plan.workspace.rules.push({
      id: ruleId(name, `balance:${chainId}:${signer.toLowerCase()}`),
      name: truncate(`${relayer.name}: balance below minimum`, 120),
      kind: 'balance',
      chainId,
      address: signer,
      below: relayer['min-balance'].toString(),
      enabled: true,
      severity: 'warning',
      cooldownSeconds: 0,
      channels: [{ type: 'in-app' }],
    });
  if (relayer.policy === undefined || relayer.policy === null) return;
  const policyName = isObject(relayer.policy) ? links.policies.get(relayer.policy) : undefined;
  if (policyName === undefined) {
    note(
      links,
      [...path, 'policy'],
      `${about}: its policy is a Defender id, not a policy of these files`,
    );
    return;
  }
  importPolicy(about, relayer, policyName, chainId, signer, path, links);
}

export function importPolicy(
  about: string,
  relayer: DefenderRelayer,
  policyName: string,
  chainId: number,
  signer: string,
  relayerPath: SourcePath,
  links: Links,
): void {
  const policy = DefenderPolicy.parse(relayer.policy);
  const path: SourcePath = [...links.stack.base, 'policies', policyName];
  const policyAbout = `policy "${policyName}" (of ${about})`;
  const targets: WorkspacePolicy['targets'] = [];
  (policy['whitelist-receivers'] ?? []).forEach((receiver, index) => {
    const abi = planContract(links.plan, chainId, receiver)?.abi;
    const functions = (abi ?? [])
      .filter((item): item is AbiFunction => (item as { type?: string }).type === 'function')
      .filter((fn) => fn.stateMutability !== 'view' && fn.stateMutability !== 'pure');
    if (functions.length === 0) {
      note(
        links,
        [...path, 'whitelist-receivers', index],
        `${policyAbout}: ${receiver} is not a contract this import watches with state-changing functions; Vigil policies allow calls to watched contracts' functions only, so sends to it need approval by hand`,
      );
      return;
    }
    // By name, or by signature where the ABI overloads the name.
    const overloaded = (fn: AbiFunction): boolean =>
      functions.filter((candidate) => candidate.name === fn.name).length > 1;
    targets.push({
      address: receiver,
      functions: [
        ...new Set(functions.map((fn) => (overloaded(fn) ? toFunctionSignature(fn) : fn.name))),
      ].map((fn) => ({ function: fn })),
    });
  });
  if (policy['eip1559-pricing'] !== undefined)
    note(
      links,
      [...path, 'eip1559-pricing'],
      `${policyAbout}: Vigil chooses the fee type itself (EIP-1559 where the chain has it)`,
    );
  if (policy['private-transactions'])
    note(
      links,
      [...path, 'private-transactions'],
      `${policyAbout}: Vigil sends through the chain's RPC URLs; private (Flashbots) transactions are not carried over`,
    );
  if (targets.length === 0) {
    note(
      links,
      path,
      `${policyAbout}: no whitelisted receiver is a watched contract, and a Vigil policy needs at least one; not carried over`,
    );
    return;
  }
  const cap = policy['gas-price-cap'];
  note(
    links,
    [...relayerPath, 'policy'],
    `${policyAbout}: Defender policies have no per-transaction value, daily budget or hourly limit, which Vigil's require; imported (disabled) with 0 value per transaction, a daily budget of 0 and 1 per hour${cap === undefined ? ', and a max fee per gas of 0 (Defender had no gas price cap)' : ''}: set them before enabling it`,
  );
  links.plan.workspace.policies.push({
    id: ruleSlug(`defender-${policyName}-${chainId}`),
    name: truncate(`${relayer.name}: ${policyName}`, 200),
    chainId,
    signer,
    targets,
    maxValuePerTx: '0',
    maxFeePerGas: (cap ?? 0n).toString(),
    dailyBudget: '0',
    maxPerHour: 1,
  });
}
