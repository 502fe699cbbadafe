// The proposing stage: what a proposal is checked for (chain, signer, encoding, balance), how a
// proposal and a replacement (speed-up, cancel) are made, and their calldata decoded for the
// person who approves them. Each new proposal is simulated at once.
import { getAddress, type Hex } from 'viem';
import type { DecodedCall, Transaction, ValidatedInput } from '../../ipc/contract.ts';
import { decodeFunctionCall, encodeFunctionCall } from '../abi/index.ts';
import { auditActions } from '../audit/index.ts';
import { VigilError } from '../errors/index.ts';
import { currentFees, feeCap, replacementFees } from './fees.ts';
import type { QueueContext } from './queue-context.ts';
import { approveUnderPolicy } from './policy-stage.ts';
import { simulateOrNote } from './simulate-stage.ts';

export type ProposeInput = ValidatedInput<'txs.propose'>;

/** A new proposal: what the proposer decided, and nothing yet of what happens to it. */
export function newProposal(
  id: number,
  fields: Pick<
    Transaction,
    | 'chainId'
    | 'from'
    | 'to'
    | 'value'
    | 'data'
    | 'kind'
    | 'replacesId'
    | 'source'
    | 'note'
    | 'call'
    | 'fees'
  >,
): Transaction {
  const now = Date.now();
  return {
    id,
    ...fields,
    status: 'proposed',
    simulation: null,
    nonce: null,
    gasLimit: null,
    hash: null,
    rawTransaction: null,
    overrideRevert: false,
    rejectReason: null,
    failureReason: null,
    receipt: null,
    confirmations: 0,
    stuck: false,
    createdAt: now,
    updatedAt: now,
    timeline: [],
  };
}

export function decodeCall(
  queue: QueueContext,
  chainId: number,
  to: string,
  data: Hex,
): DecodedCall {
  const watched = queue.watchedAbi(chainId, to);
  const undecoded = { functionName: null, signature: null, args: null, selector: null };
  const targetName = watched?.name ?? null;
  if (data === '0x') return { kind: 'transfer', ...undecoded, targetName };
  const decoded = watched ? decodeFunctionCall(watched.abi, data) : undefined;
  if (decoded) return { kind: 'function', ...decoded, targetName };
  return {
    kind: 'unknown',
    ...undecoded,
    targetName,
    selector: data.length >= 10 ? (data.slice(0, 10) as Hex) : null,
  };
}

export function encode(
  queue: QueueContext,
  chainId: number,
  to: string,
  fn: { name: string; args: unknown[] },
) {
  const watched = queue.watchedAbi(chainId, to);
  if (!watched) {
    throw new VigilError(
      'NOT_FOUND',
      `to: ${to} is not a watched contract on chain ${chainId}, so Vigil has no ABI to encode ${fn.name} with. Watch the contract first, or give the calldata as data.`,
      { field: 'to' },
    );
  }
  return encodeFunctionCall(watched.abi, fn);
}

/** Everything a proposal is checked for, with nothing written: what would be proposed. */
export async function checkProposal(
  queue: QueueContext,
  input: ProposeInput,
): Promise<Pick<Transaction, 'chainId' | 'from' | 'to' | 'value' | 'data'>> {
  queue.store.requireChain(input.chainId);
  for (const key of ['calls', 'operation', 'allowDelegateCall', 'safeNonce'] as const)
    if (input[key] !== undefined)
      throw new VigilError('INVALID_INPUT', `${key}: only a Safe proposal (safe) takes ${key}.`, {
        field: key,
      });
  if (input.from === undefined)
    throw new VigilError(
      'INVALID_INPUT',
      'from: required: the keychain signer that sends it (or give safe to propose as a Safe).',
      { field: 'from' },
    );
  if (input.to === undefined)
    throw new VigilError('INVALID_INPUT', 'to: required.', { field: 'to' });
  const signer = queue.options.vault.require(input.from, 'from');
  const to = getAddress(input.to.toLowerCase());
  if (input.data !== undefined && input.function !== undefined) {
    throw new VigilError(
      'INVALID_INPUT',
      'Give either data (raw calldata) or function, not both.',
      {
        field: 'function',
      },
    );
  }
  const data = (
    input.function ? encode(queue, input.chainId, to, input.function).data : (input.data ?? '0x')
  ).toLowerCase() as Hex;
  if (data.length % 2 !== 0)
    throw new VigilError(
      'INVALID_INPUT',
      'data: calldata must be whole bytes (an even number of hex digits).',
      {
        field: 'data',
      },
    );
  const value = BigInt(input.value ?? '0');
  const balance = await queue.options.vault
    .refreshBalance(input.chainId, signer.address)
    .catch((error: unknown) => {
      throw new VigilError(
        'RPC_UNREACHABLE',
        `Could not read ${signer.address}'s balance on chain ${input.chainId}: ${(error as Error).message.split('\n')[0]}`,
        { field: 'chainId' },
      );
    });
  if (value > balance) {
    throw new VigilError(
      'INSUFFICIENT_FUNDS',
      `value: ${value} wei is more than ${signer.address}'s balance on chain ${input.chainId} (${balance} wei).`,
      { field: 'value', details: { value: value.toString(), balance: balance.toString() } },
    );
  }
  return { chainId: input.chainId, from: signer.address, to, value: value.toString(), data };
}

export async function propose(
  queue: QueueContext,
  input: ProposeInput,
  source: string,
  actor: string,
  /**
   * An execTransaction of a Safe proposal (safe-execute.ts): which one; a rule firing's or a
   * schedule's proposal: the policy it is executed under.
   */
  link: Pick<Transaction, 'executesSafeProposal' | 'executeUnder'> = {},
): Promise<Transaction> {
  const { chainId, from, to, value, data } = await checkProposal(queue, input);
  const proposed = newProposal(queue.store.nextTransactionId(), {
    chainId,
    from,
    to,
    value,
    data,
    kind: data === '0x' ? 'transfer' : 'call',
    replacesId: null,
    source,
    note: input.note ?? null,
    call: decodeCall(queue, chainId, to, data as Hex),
    fees: null,
  });
  const saved = queue.save(
    { ...proposed, ...link },
    {
      status: 'proposed',
      note: `by ${source}`,
      audit: auditActions.txProposed,
      actor,
      details: {
        to,
        value: proposed.value,
        data,
        source,
        call: proposed.call,
        ...(proposed.note ? { note: proposed.note } : {}),
        ...link,
      },
    },
  );
  const simulated = await simulateOrNote(queue, saved, actor);
  if (link.executeUnder === undefined) return simulated;
  queue.options.crashPoint?.('policy.undecided');
  return approveUnderPolicy(queue, simulated);
}

export async function proposeReplacement(
  queue: QueueContext,
  id: number,
  kind: 'speedUp' | 'cancel',
  actor: string,
): Promise<Transaction> {
  const original = queue.requireTx(id);
  if (!['signed', 'sent'].includes(original.status) || original.nonce === null || !original.fees) {
    throw new VigilError(
      'INVALID_STATE',
      `Transaction ${id} is ${original.status}: only a signed or sent transaction that is not yet mined can be ${kind === 'speedUp' ? 'sped up' : 'cancelled'}.`,
      { field: 'id', details: { status: original.status } },
    );
  }
  const latest = await queue
    .rpc(original.chainId)
    .request<{ baseFeePerGas?: string | null }>('eth_getBlockByNumber', ['latest', false]);
  const market = await currentFees(
    queue.rpc(original.chainId),
    latest.baseFeePerGas ? BigInt(latest.baseFeePerGas) : null,
  );
  const fees = replacementFees(original.fees, market);
  const to = kind === 'cancel' ? original.from : original.to;
  const data = (kind === 'cancel' ? '0x' : original.data) as Hex;
  const replacement = newProposal(queue.store.nextTransactionId(), {
    chainId: original.chainId,
    from: original.from,
    to,
    value: kind === 'cancel' ? '0' : original.value,
    data,
    kind,
    replacesId: original.id,
    source: `${kind === 'speedUp' ? 'speed-up' : 'cancel'} of tx ${original.id}`,
    note: null,
    call: decodeCall(queue, original.chainId, to, data),
    fees,
  });
  // A sped-up execTransaction still executes its Safe proposal: settled when the speed-up is.
  const link =
    kind === 'speedUp' && original.executesSafeProposal !== undefined
      ? { executesSafeProposal: original.executesSafeProposal }
      : {};
  const saved = queue.save(
    { ...replacement, ...link },
    {
      status: 'proposed',
      note: `${kind === 'speedUp' ? 'speed-up' : 'cancel'} of tx ${original.id} (nonce ${original.nonce}), fee cap ${feeCap(original.fees)} → ${feeCap(fees)} wei`,
      audit: auditActions.txProposed,
      actor,
      details: { kind, replacesId: original.id, to, value: replacement.value, data, fees },
    },
  );
  return simulateOrNote(queue, saved, actor);
}
