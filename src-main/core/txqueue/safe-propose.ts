// Proposing as a Safe: the Safe transaction (to, value, data, operation, gas and refund fields,
// Safe nonce) is built here and its EIP-712 hash computed by Vigil itself; the proposal is a
// transaction record whose `from` is the Safe and whose `safe` holds that Safe transaction. It is
// simulated at once as the Safe would run it (safe-simulate.ts). A DELEGATECALL runs the target's
// code with the Safe's storage and funds, so the only one Vigil makes is to the chain's known
// MultiSendCallOnly, and only when the proposal asks for it in so many words.
import { getAddress, zeroAddress, type Address, type Hex } from 'viem';
import type { SafeProposal, Transaction } from '../../ipc/contract.ts';
import { auditActions } from '../audit/index.ts';
import { VigilError } from '../errors/index.ts';
import {
  decodeMultiSend,
  encodeMultiSend,
  fromWireSafeTransaction,
  MULTISEND_CALL_ONLY_141,
  toWireSafeTransaction,
  safeTransactionHash,
  type SafeTransaction,
} from '../safes/index.ts';
import type { SafeRecord } from '../store/index.ts';
import {
  checkProposal,
  decodeCall,
  encode,
  newProposal,
  propose,
  type ProposeInput,
} from './propose.ts';
import type { QueueContext } from './queue-context.ts';
import { chainSafeNonce } from './safe-simulate.ts';
import { simulateOrNote } from './simulate-stage.ts';

/** A Safe transaction ready to be proposed: built from `txs.propose`, a rejection, or a file. */
export interface SafeProposalDraft {
  chainId: number;
  safe: Address;
  transaction: SafeTransaction;
  purpose: SafeProposal['purpose'];
  batch: SafeProposal['batch'];
  note?: string | null;
}

/** The MultiSendCallOnly a Safe on `chainId` may DELEGATECALL. */
export function multiSendCallOnlyOf(queue: QueueContext, chainId: number): Address {
  return getAddress(queue.options.multiSendCallOnly?.[String(chainId)] ?? MULTISEND_CALL_ONLY_141);
}

function requireAddedSafe(queue: QueueContext, chainId: number, address: string): SafeRecord {
  const safe = queue.store.findSafe(`${chainId}:${address.toLowerCase()}`);
  if (!safe)
    throw new VigilError(
      'NOT_FOUND',
      `safe: ${address} is not an added Safe on chain ${chainId}. Add it under Signers → Safes (safes.add) first.`,
      { field: 'safe' },
    );
  return safe;
}

/** The next Safe nonce: after the chain's, and after every live proposal Vigil holds for the Safe. */
async function nextSafeNonce(queue: QueueContext, chainId: number, safe: Address): Promise<bigint> {
  const onChain = await chainSafeNonce(queue, chainId, safe);
  const live = queue.store
    .listTransactions({ chainId, from: safe, statuses: ['proposed'], withoutTimeline: true })
    .filter((tx) => tx.safe && tx.safe.settledBy === null)
    .map((tx) => BigInt(tx.safe!.nonce) + 1n);
  return live.reduce((next, nonce) => (nonce > next ? nonce : next), onChain);
}

function delegateCallRefused(reason: string, multiSend: Address): VigilError {
  return new VigilError(
    'DELEGATECALL_REFUSED',
    `${reason} A DELEGATECALL runs the target's code as the Safe, with the Safe's funds and storage; Vigil makes one only to this chain's MultiSendCallOnly (${multiSend}), and only when the proposal says allowDelegateCall: 'multisend'.`,
    { field: 'operation', details: { multiSendCallOnly: multiSend } },
  );
}

function calldataOf(
  queue: QueueContext,
  chainId: number,
  to: Address,
  call: { data?: string | undefined; function?: { name: string; args: unknown[] } | undefined },
  field: string,
): Hex {
  if (call.data !== undefined && call.function !== undefined)
    throw new VigilError(
      'INVALID_INPUT',
      'Give either data (raw calldata) or function, not both.',
      {
        field: `${field}function`,
      },
    );
  const data = (
    call.function ? encode(queue, chainId, to, call.function).data : (call.data ?? '0x')
  ).toLowerCase() as Hex;
  if (data.length % 2 !== 0)
    throw new VigilError(
      'INVALID_INPUT',
      `${field}data: calldata must be whole bytes (an even number of hex digits).`,
      { field: `${field}data` },
    );
  return data;
}

function decodedBatch(
  queue: QueueContext,
  chainId: number,
  calls: { to: Address; value: bigint; data: Hex }[],
): NonNullable<SafeProposal['batch']> {
  return calls.map((call) => ({
    to: call.to,
    value: call.value.toString(),
    data: call.data,
    call: decodeCall(queue, chainId, call.to, call.data),
  }));
}

/** Everything a Safe proposal is checked for, with nothing written: the draft it would be. */
export async function checkSafeProposal(
  queue: QueueContext,
  input: ProposeInput,
): Promise<SafeProposalDraft> {
  const { chainId } = input;
  queue.store.requireChain(chainId);
  const safe = requireAddedSafe(queue, chainId, input.safe!);
  const safeAddress = getAddress(safe.address);
  if (input.from !== undefined && input.from.toLowerCase() !== safe.address.toLowerCase())
    throw new VigilError(
      'INVALID_INPUT',
      `from: a Safe proposal goes out as the Safe (${safe.address}); leave from out. The signer that executes it is chosen when it has its signatures.`,
      { field: 'from' },
    );
  const multiSend = multiSendCallOnlyOf(queue, chainId);
  let to: Address;
  let value: bigint;
  let data: Hex;
  let operation: 0 | 1;
  let batch: SafeProposal['batch'] = null;
  if (input.calls) {
    for (const key of ['to', 'data', 'function', 'value'] as const)
      if (input[key] !== undefined)
        throw new VigilError(
          'INVALID_INPUT',
          `${key}: a batch gives each call its own to, value and data under calls; leave ${key} out.`,
          { field: key },
        );
    if (input.allowDelegateCall !== 'multisend')
      throw delegateCallRefused(
        'A batch is a DELEGATECALL to MultiSendCallOnly; say so with allowDelegateCall: "multisend".',
        multiSend,
      );
    const calls = input.calls.map((call, index) => {
      const callTo = getAddress(call.to.toLowerCase());
      return {
        to: callTo,
        value: BigInt(call.value ?? '0'),
        data: calldataOf(queue, chainId, callTo, call, `calls[${index}].`),
      };
    });
    to = multiSend;
    value = 0n;
    data = encodeMultiSend(calls).toLowerCase() as Hex;
    operation = 1;
    batch = decodedBatch(queue, chainId, calls);
  } else {
    if (input.to === undefined)
      throw new VigilError('INVALID_INPUT', 'to: required (or give calls for a batch).', {
        field: 'to',
      });
    to = getAddress(input.to.toLowerCase());
    value = BigInt(input.value ?? '0');
    data = calldataOf(queue, chainId, to, input, '');
    operation = input.operation ?? 0;
    if (operation === 1) {
      if (to !== multiSend)
        throw delegateCallRefused(`operation 1 (DELEGATECALL) to ${to} is refused.`, multiSend);
      if (input.allowDelegateCall !== 'multisend')
        throw delegateCallRefused(
          `operation 1 (DELEGATECALL) to MultiSendCallOnly needs allowDelegateCall: "multisend".`,
          multiSend,
        );
      batch = decodedBatch(queue, chainId, decodeMultiSend(data));
    }
  }
  const onChain = await chainSafeNonce(queue, chainId, safeAddress);
  const nonce =
    input.safeNonce === undefined
      ? await nextSafeNonce(queue, chainId, safeAddress)
      : BigInt(input.safeNonce);
  if (nonce < onChain)
    throw new VigilError(
      'INVALID_INPUT',
      `safeNonce: ${nonce} is already used; Safe ${safe.address} is at nonce ${onChain}.`,
      { field: 'safeNonce', details: { onChain: onChain.toString() } },
    );
  return {
    chainId,
    safe: safeAddress,
    transaction: {
      to,
      value,
      data,
      operation,
      safeTxGas: 0n,
      baseGas: 0n,
      gasPrice: 0n,
      gasToken: zeroAddress,
      refundReceiver: zeroAddress,
      nonce,
    },
    purpose: batch ? 'batch' : 'call',
    batch,
    note: input.note ?? null,
  };
}

/** The Safe transaction a proposal holds, in the form it is hashed and executed. */
export function safeTransactionOf(safe: SafeProposal): SafeTransaction {
  return fromWireSafeTransaction(safe);
}

/** Records a Safe proposal for `draft`, hashed by Vigil, audited, and simulates it. */
export async function proposeSafeTransaction(
  queue: QueueContext,
  draft: SafeProposalDraft,
  source: string,
  actor: string,
): Promise<Transaction> {
  const { chainId, safe, transaction } = draft;
  const safeTxHash = safeTransactionHash({ chainId, safe, transaction });
  const record: SafeProposal = {
    safe,
    ...toWireSafeTransaction(transaction),
    safeTxHash,
    purpose: draft.purpose,
    batch: draft.batch,
    executionTxId: null,
    settledBy: null,
    signatures: [],
  };
  const proposed = newProposal(queue.store.nextTransactionId(), {
    chainId,
    from: safe,
    to: record.to,
    value: record.value,
    data: record.data,
    kind: record.data === '0x' ? 'transfer' : 'call',
    replacesId: null,
    source,
    note: draft.note ?? null,
    call: decodeCall(queue, chainId, record.to, record.data as Hex),
    fees: null,
  });
  const saved = queue.save(
    { ...proposed, safe: record },
    {
      status: 'proposed',
      note: `as Safe ${safe} at Safe nonce ${record.nonce} by ${source}; safeTxHash ${safeTxHash}`,
      audit: auditActions.txProposed,
      actor,
      details: {
        safe,
        safeTxHash,
        safeNonce: record.nonce,
        operation: record.operation,
        purpose: record.purpose,
        to: record.to,
        value: record.value,
        data: record.data,
        source,
        call: proposed.call,
        ...(record.batch
          ? { batch: record.batch.map(({ to, value, call }) => ({ to, value, call })) }
          : {}),
        ...(proposed.note ? { note: proposed.note } : {}),
      },
    },
  );
  return simulateOrNote(queue, saved, actor);
}

/** `txs.propose` and the workspace file: as a Safe when `safe` is given, else from a signer. */
export async function proposeFromInput(
  queue: QueueContext,
  input: ProposeInput,
  source: string,
  actor: string,
  /** The policy a rule firing or a schedule asks it to be executed under (never a client). */
  link: Pick<Transaction, 'executeUnder'> = {},
): Promise<Transaction> {
  if (input.safe === undefined) return propose(queue, input, source, actor, link);
  if (link.executeUnder !== undefined)
    throw new VigilError(
      'INVALID_INPUT',
      'execute: a Safe proposal is approved by its owners; only a keychain signer proposal is executed under a policy.',
      { field: 'execute' },
    );
  return proposeSafeTransaction(queue, await checkSafeProposal(queue, input), source, actor);
}

/** Every check `proposeFromInput` makes, with nothing written. */
export async function checkFromInput(queue: QueueContext, input: ProposeInput): Promise<unknown> {
  if (input.safe === undefined) return checkProposal(queue, input);
  return checkSafeProposal(queue, input);
}

/**
 * The standard rejection of proposal `id`: a zero-value call from the Safe to itself at the same
 * Safe nonce. Executed, it uses the nonce up, and the proposal it rejects is superseded.
 */
export async function proposeSafeRejection(
  queue: QueueContext,
  id: number,
  actor: string,
): Promise<Transaction> {
  const original = queue.requireTx(id);
  if (!original.safe || original.status !== 'proposed' || original.safe.settledBy)
    throw new VigilError(
      'INVALID_STATE',
      original.safe
        ? `Safe proposal ${id} is ${original.safe.settledBy?.kind ?? original.status}; there is nothing left to reject.`
        : `Transaction ${id} is not a Safe proposal; reject it with txs.reject.`,
      { field: 'id' },
    );
  const safe = getAddress(original.safe.safe);
  return proposeSafeTransaction(
    queue,
    {
      chainId: original.chainId,
      safe,
      transaction: {
        to: safe,
        value: 0n,
        data: '0x',
        operation: 0,
        safeTxGas: 0n,
        baseGas: 0n,
        gasPrice: 0n,
        gasToken: zeroAddress,
        refundReceiver: zeroAddress,
        nonce: BigInt(original.safe.nonce),
      },
      purpose: 'rejection',
      batch: null,
      note: `rejects Safe proposal ${id} (Safe nonce ${original.safe.nonce})`,
    },
    `rejection of tx ${id}`,
    actor,
  );
}
