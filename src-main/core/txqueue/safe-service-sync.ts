// An optional Safe Transaction Service per chain (a URL the operator sets): owners' signatures
// made here are posted there (the first as the proposal, the rest as confirmations), and
// confirmations other owners posted there are read back. What the service answers is checked like
// a pasted signature (it must recover to a current owner over the proposal's own hash) before it
// is recorded; the service is never needed, and its failures only delay what it would add.
import { getAddress, type Hex } from 'viem';
import type { Transaction } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import {
  checkOwnerSignature,
  createSafeServiceClient,
  type SafeServiceClient,
} from '../safes/index.ts';
import type { SafeRecord } from '../store/index.ts';
import type { QueueContext } from './queue-context.ts';
import { safeTransactionOf } from './safe-propose.ts';
import { recordSafeSignature } from './safe-signature-record.ts';

export interface SafeServiceSync {
  /** Posts this proposal's signatures made here that the service has not taken yet. */
  post(proposal: Transaction): Promise<void>;
  /** Records the confirmations the service holds for the proposal that Vigil has not. */
  read(proposal: Transaction, safe: SafeRecord): Promise<void>;
}

export function createSafeServiceSync(queue: QueueContext): SafeServiceSync {
  const clients = new Map<number, SafeServiceClient>();
  // `safeTxHash:owner` posted since start; after a restart a repeat post is harmless (the service
  // answers a known proposal or confirmation as created or updated).
  const posted = new Set<string>();

  function clientFor(chainId: number): SafeServiceClient | undefined {
    const baseUrl = queue.options.safeServiceUrls?.[String(chainId)];
    if (!baseUrl) return undefined;
    let client = clients.get(chainId);
    if (!client) {
      client = createSafeServiceClient({ baseUrl, chainId });
      clients.set(chainId, client);
    }
    return client;
  }

  return {
    async post(proposal) {
      const client = clientFor(proposal.chainId);
      const safe = proposal.safe;
      if (!client || !safe) return;
      const hash = safe.safeTxHash as Hex;
      for (const signature of safe.signatures.filter((s) => s.source === 'signed')) {
        const key = `${hash}:${signature.owner}`;
        if (posted.has(key)) continue;
        const known = await client.getTransaction(hash).then(
          () => true,
          (error: unknown) => {
            if (error instanceof VigilError && error.code === 'NOT_FOUND') return false;
            throw error;
          },
        );
        if (known) await client.confirmTransaction(hash, signature.signature as Hex);
        else
          await client.proposeTransaction({
            safe: getAddress(safe.safe),
            transaction: safeTransactionOf(safe),
            sender: getAddress(signature.owner),
            signature: signature.signature as Hex,
            origin: 'Vigil',
          });
        posted.add(key);
      }
    },

    async read(proposal, safe) {
      const client = clientFor(proposal.chainId);
      if (!client || !proposal.safe) return;
      const hash = proposal.safe.safeTxHash as Hex;
      const confirmations = await client.getConfirmations(hash).catch((error: unknown) => {
        if (error instanceof VigilError && error.code === 'NOT_FOUND') return [];
        throw error;
      });
      const recorded = new Set(proposal.safe.signatures.map((s) => s.owner));
      for (const confirmation of confirmations) {
        if (recorded.has(confirmation.owner.toLowerCase())) continue;
        // Approved hashes are read from the chain; contract signatures are not checked here.
        if (confirmation.signatureType !== 'EOA' && confirmation.signatureType !== 'ETH_SIGN')
          continue;
        const checked = await checkOwnerSignature({
          safe: getAddress(safe.address),
          safeTxHash: hash,
          owners: safe.state.owners.map((owner) => getAddress(owner)),
          signature: confirmation.signature,
        }).catch((error: unknown) => {
          queue.log.warn(
            `The Safe Transaction Service gave a signature for ${hash} that Vigil does not count: ${(error as Error).message}`,
          );
          return null;
        });
        if (!checked || checked.owner !== confirmation.owner) continue;
        recordSafeSignature(
          queue,
          proposal.id,
          { owner: checked.owner, signature: checked.data, source: 'service' },
          'system',
          { importedFrom: checked.owner.toLowerCase(), kind: checked.kind },
        );
      }
    },
  };
}
