// The transaction queue: proposals are simulated and wait for a person; an approval is made
// durable (with its nonce) before anything is signed, the signed transaction and its hash are
// durable before anything is broadcast, and a restart picks up exactly where the journal says
// the transaction was. Main signs its own stored copy, never one handed back by the renderer.
// This file wires the stages, each in its own file over the shared queue context: propose.ts,
// simulate-stage.ts, approve.ts, sign-and-send.ts (through account.ts), track.ts, resume.ts,
// with nonce lanes in nonce-manager.ts. Safe proposals use the same stages: safe-propose.ts,
// safe-simulate.ts, safe-sign.ts (approving is signing as an owner) and safe-execute.ts (an
// ordinary key-account transaction calls execTransaction).
import { getAddress } from 'viem';
import type { Transaction, TxStatus } from '../../ipc/contract.ts';
import type { EngineService, ServiceContext } from '../engine/service.ts';
import { decodeCall, encode, proposeReplacement, type ProposeInput } from './propose.ts';
import { approve, reject, withdraw } from './approve.ts';
import { signAndSend } from './sign-and-send.ts';
import { createQueueContext, type TxQueueOptions } from './queue-context.ts';
import { simulateAgain } from './simulate-stage.ts';
import { proposalsSection } from './workspace-proposals.ts';
import { resumeFromJournal } from './resume.ts';
import { startTracking } from './track.ts';
import { checkFromInput, proposeFromInput, proposeSafeRejection } from './safe-propose.ts';
import { executeSafe, followSafeExecutions } from './safe-execute.ts';
import { addSignature, exportProposal, importSignatures } from './safe-collect.ts';
import { followSafeProposals } from './safe-follow.ts';

export type { PolicyApprover, TxCrashPoint, TxQueueOptions } from './queue-context.ts';
export type { ProposeInput } from './propose.ts';

export interface TxQueueService extends EngineService {
  /**
   * Proposes a transaction on behalf of `source` (`operator`, `rule:<id>`, `workspace:<key>`);
   * with `executeUnder`, the policy that may approve it (a rule's or a schedule's own setting:
   * the txs.propose request never takes one).
   */
  propose(
    input: ProposeInput,
    source: string,
    actor: string,
    link?: Pick<Transaction, 'executeUnder'>,
  ): Promise<Transaction>;
  /**
   * Withdraws a proposal its reason for being is gone (its triggering event removed by a reorg):
   * rejected if it still waits; a transaction already on its way out is left as it is.
   */
  withdraw(id: number, reason: string): Transaction | undefined;
  /** Runs every check `propose` runs (chain, signer, encoding, balance) and writes nothing. */
  checkProposal(input: ProposeInput): Promise<unknown>;
  /** Whether something was ever proposed on behalf of `source`. */
  hasProposalFrom(source: string): boolean;
}

function statusesOf(status: TxStatus | TxStatus[] | undefined): TxStatus[] | undefined {
  if (status === undefined) return undefined;
  return Array.isArray(status) ? status : [status];
}

export function createTxQueueService(
  context: ServiceContext,
  options: TxQueueOptions,
): TxQueueService {
  const queue = createQueueContext(context, options);
  const { store, nonces, requireTx } = queue;
  const tracking = startTracking(queue);
  resumeFromJournal(queue);
  const stopFollowingSafeExecutions = followSafeExecutions(queue);
  const stopFollowingSafeProposals = followSafeProposals(queue);

  return {
    propose: (input, source, actor, link) => proposeFromInput(queue, input, source, actor, link),
    withdraw: (id, reason) => withdraw(queue, id, reason),
    checkProposal: (input) => checkFromInput(queue, input),
    workspace: proposalsSection(queue),
    hasProposalFrom: (source) => store.hasTransactionFrom(source),
    handlers: {
      'txs.propose': (input) => proposeFromInput(queue, input, 'operator', context.actor),
      'txs.executeSafe': (input) => executeSafe(queue, input, context.actor),
      'txs.proposeSafeRejection': (input) => proposeSafeRejection(queue, input.id, context.actor),
      'safes.importSignatures': (input, call) =>
        importSignatures(queue, input, call, context.actor),
      'safes.addSignature': (input) => addSignature(queue, input, context.actor),
      'safes.exportProposal': (input, call) => exportProposal(queue, input, call, context.actor),
      'txs.encode'(input) {
        store.requireChain(input.chainId);
        const to = getAddress(input.to.toLowerCase());
        const encoded = encode(queue, input.chainId, to, input.function);
        return { data: encoded.data, call: decodeCall(queue, input.chainId, to, encoded.data) };
      },
      'txs.list'(input) {
        const statuses = statusesOf(input?.status);
        return {
          txs: store.listTransactions({
            ...(statuses ? { statuses } : {}),
            ...(input?.chainId === undefined ? {} : { chainId: input.chainId }),
            ...(input?.from === undefined ? {} : { from: input.from }),
            limit: input?.limit ?? 500,
          }),
        };
      },
      'txs.get': (input) => requireTx(input.id),
      'txs.simulate': (input) => simulateAgain(queue, input.id, context.actor),
      'txs.approve': (input, call) =>
        approve(queue, input, context.actor, call?.approvedBy, (approved) =>
          signAndSend(queue, approved),
        ),
      'txs.reject': (input) => reject(queue, input, context.actor),
      'txs.speedUp': (input) => proposeReplacement(queue, input.id, 'speedUp', context.actor),
      'txs.cancel': (input) => proposeReplacement(queue, input.id, 'cancel', context.actor),
      async 'signers.lanes'(input) {
        const chains = store
          .listChains()
          .filter((chain) => input?.chainId === undefined || chain.chainId === input.chainId);
        const signers = store
          .listSigners()
          .filter(
            (signer) =>
              input?.address === undefined ||
              signer.address.toLowerCase() === input.address.toLowerCase(),
          );
        const lanes = await Promise.all(
          chains.flatMap((chain) =>
            signers.map((signer) => nonces.lane(chain.chainId, signer.address)),
          ),
        );
        return { lanes };
      },
    },
    async close() {
      stopFollowingSafeExecutions();
      await stopFollowingSafeProposals();
      await tracking.close();
    },
  };
}
