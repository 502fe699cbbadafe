// The approving stage of a Safe proposal: a person approves, as for any transaction, with the
// keychain owner that signs named in what they approve; the proposal is simulated again (stopping
// if anything they saw changed), and main signs the Safe transaction hash as EIP-712 typed data
// from its own stored copy, then records the signature once (safe-signature-record.ts). Signing
// and recording are one step: a crash between them leaves no signature and nothing to resume,
// and a second approval by the same owner records nothing.
import { getAddress, type Hex } from 'viem';
import type { Transaction, ValidatedInput } from '../../ipc/contract.ts';
import {
  distinctApprovers,
  fillsTakenSlot,
  safeSigningDigest,
  type ApprovedBy,
} from '../approvals/index.ts';
import { SYSTEM_ACTOR } from '../audit/index.ts';
import { VigilError } from '../errors/index.ts';
import { SAFE_TX_TYPES, safeTransactionHash } from '../safes/index.ts';
import type { QueueContext } from './queue-context.ts';
import { isOwner, proposalSafe, recordSafeSignature } from './safe-signature-record.ts';
import { safeTransactionOf } from './safe-propose.ts';
import { simulationChanges } from './simulate.ts';
import { simulate } from './simulate-stage.ts';

export async function approveSafe(
  queue: QueueContext,
  input: ValidatedInput<'txs.approve'>,
  actor: string,
  approvedBy: ApprovedBy,
): Promise<Transaction> {
  const first = queue.requireTx(input.id);
  // The Safe's lane is only a lock here: one owner's signing at a time per Safe.
  return queue.nonces.withLane(first.chainId, first.from, async () => {
    const tx = queue.requireTx(input.id);
    const safeRecord = tx.safe!;
    if (tx.status !== 'proposed' || safeRecord.settledBy)
      throw new VigilError(
        'INVALID_STATE',
        `Safe proposal ${tx.id} is ${safeRecord.settledBy?.kind ?? tx.status}, not awaiting signatures.`,
        { field: 'id', details: { status: tx.status } },
      );
    if (input.signer === undefined)
      throw new VigilError(
        'INVALID_INPUT',
        `signer: transaction ${tx.id} is a Safe proposal; choose the keychain signer (an owner of ${tx.from}) that signs it.`,
        { field: 'signer' },
      );
    const signer = getAddress(input.signer.toLowerCase());
    const safe = proposalSafe(queue.store, tx);
    if (!isOwner(safe, signer))
      throw new VigilError(
        'NOT_A_SAFE_OWNER',
        `${signer} is not an owner of Safe ${safe.name} (${safe.address}); its owners are ${safe.state.owners.join(', ')}. Nothing was signed.`,
        { field: 'signer', details: { signer, owners: safe.state.owners } },
      );
    queue.options.vault.require(signer, 'signer');
    if (safeRecord.signatures.some((signature) => signature.owner === signer.toLowerCase()))
      throw new VigilError(
        'INVALID_STATE',
        `${signer} has already signed Safe proposal ${tx.id}; another owner signs next.`,
        { field: 'signer' },
      );
    const shown = tx.simulation;
    if (!shown)
      throw new VigilError(
        'INVALID_STATE',
        `Transaction ${tx.id} has not been simulated yet; simulate it and look at the result before signing.`,
        { field: 'id' },
      );
    if (input.seenSimulation !== undefined && input.seenSimulation !== shown.id)
      throw new VigilError(
        'SIMULATION_CHANGED',
        `Transaction ${tx.id} was simulated again since you looked; review the new result before signing.`,
        { field: 'seenSimulation', details: { current: shown.id, seen: input.seenSimulation } },
      );
    const overrideRevert = Boolean(input.overrideRevert && !shown.success);
    const digest = safeSigningDigest(tx, shown, overrideRevert, signer);
    if (digest !== approvedBy.digest)
      throw new VigilError(
        'APPROVAL_MISMATCH',
        `Safe proposal ${tx.id} changed after it was approved (simulated again, or another signer); review it and approve again.`,
        { field: 'approval', details: { approved: approvedBy.digest, now: digest } },
      );
    if (!shown.success && !input.overrideRevert)
      throw new VigilError(
        'SIMULATION_REVERTED',
        `Safe proposal ${tx.id} reverts in simulation (${shown.revertReason}); executed, it would fail. Approve with the revert override only if you mean to sign it anyway.`,
        { field: 'overrideRevert', details: { revertReason: shown.revertReason } },
      );
    // The signing key may need several people, as for its own transactions: approvals count per
    // digest, and the digest names the signer, so each owner's approvals stand apart.
    const standing = (tx.approvals ?? []).filter((approval) => approval.digest === digest);
    if (fillsTakenSlot(standing, approvedBy.credentialId))
      throw new VigilError(
        'APPROVER_DUPLICATE',
        `${approvedBy.name} has already approved signing Safe proposal ${tx.id} as ${signer}; it needs another approver.`,
        { field: 'approval', details: { approvedBy: standing.map((a) => a.name) } },
      );
    const approval = {
      credentialId: approvedBy.credentialId,
      name: approvedBy.name,
      digest,
      at: Date.now(),
    };
    const required = queue.store.approvers.required(signer);
    if (distinctApprovers([...standing, approval]) < required)
      return queue.save(
        { ...tx, approvals: [...(tx.approvals ?? []), approval] },
        {
          status: 'proposed',
          note: `signing as ${signer} approved by ${approvedBy.name} (${distinctApprovers([...standing, approval])} of ${required}); awaiting ${required - distinctApprovers([...standing, approval])} more`,
        },
      );
    const fresh = await simulate(queue, tx, SYSTEM_ACTOR);
    const changes = simulationChanges(shown, fresh.simulation!, { feesSigned: false });
    if (changes.length > 0)
      throw new VigilError(
        'SIMULATION_CHANGED',
        `Signing stopped: since you looked, ${changes.join('; ')}. Review the new simulation and approve again.`,
        { field: 'id', details: { changes, before: shown, after: fresh.simulation } },
      );
    queue.refuseInSafeMode(`signing Safe proposal ${tx.id}`);
    // The hash is computed again from the stored fields: what is signed is what is shown.
    const transaction = safeTransactionOf(safeRecord);
    const domain = { chainId: tx.chainId, verifyingContract: getAddress(safeRecord.safe) };
    const hash = safeTransactionHash({
      chainId: tx.chainId,
      safe: domain.verifyingContract,
      transaction,
    });
    if (hash !== safeRecord.safeTxHash)
      throw new VigilError(
        'INVALID_STATE',
        `Safe proposal ${tx.id}'s fields hash to ${hash}, not the ${safeRecord.safeTxHash} it was proposed with; nothing was signed. Propose it again.`,
        { field: 'id' },
      );
    const signature: Hex = await queue.options.vault.withAccount(signer, (account) =>
      account.signTypedData({
        domain,
        types: SAFE_TX_TYPES,
        primaryType: 'SafeTx',
        message: transaction,
      }),
    );
    const { tx: signed } = recordSafeSignature(
      queue,
      tx.id,
      { owner: signer, signature, source: 'signed' },
      actor,
      {
        digest,
        simulationId: shown.id,
        approvedBy: { credentialId: approvedBy.credentialId, name: approvedBy.name },
      },
    );
    queue.options.crashPoint?.('safe.signed');
    return signed;
  });
}
