// Collecting other owners' signatures without a hosted service: a signed-proposal file another
// Vigil exported (read from a path or given as text), one pasted signature, and the export of a
// proposal with its signatures for another owner. Every signature is checked against the Safe as
// read from the chain now (owners, threshold, nonce), recorded once per owner through the queue's
// one way in (recordSafeSignature), and a refused file records nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { getAddress, type Address, type Hex } from 'viem';
import type {
  SafeSignaturesRecorded,
  SafesExportProposalResult,
  Transaction,
} from '../../ipc/contract.ts';
import {
  auditActions,
  checkExportPath,
  exportPathFromClientError,
  exportsDirOf,
  fileStamp,
} from '../audit/index.ts';
import type { CallContext } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import {
  buildSignedProposalFile,
  checkOwnerSignature,
  checkSignedProposalFile,
  decodeMultiSend,
  parseSignedProposalFile,
  readSignedProposalFile,
  recoverSafeSignature,
  type SafeSignature,
} from '../safes/index.ts';
import type { SafeRecord } from '../store/index.ts';
import { decodeCall } from './propose.ts';
import type { QueueContext } from './queue-context.ts';
import { multiSendCallOnlyOf, proposeSafeTransaction, safeTransactionOf } from './safe-propose.ts';
import { proposalSafe, recordSafeSignature } from './safe-signature-record.ts';
import { txSubject } from './tx-record.ts';

/** The Safe as the chain has it now, stored (and its changes audited) by the Safe accounts service. */
async function currentSafe(
  queue: QueueContext,
  chainId: number,
  address: string,
): Promise<SafeRecord> {
  const id = `${chainId}:${address.toLowerCase()}`;
  const stored = queue.store.findSafe(id);
  if (!stored)
    throw new VigilError(
      'NOT_FOUND',
      `Safe ${getAddress(address)} on chain ${chainId} is not added; add it (safes.add) before collecting its signatures.`,
      { field: 'safe', details: { chainId, safe: address } },
    );
  return queue.options.refreshSafe ? queue.options.refreshSafe(id) : stored;
}

function isLive(tx: Transaction): boolean {
  return tx.status === 'proposed' && tx.safe !== undefined && tx.safe.settledBy === null;
}

function recordAll(
  queue: QueueContext,
  proposal: Transaction,
  signatures: readonly SafeSignature[],
  source: 'imported' | 'pasted',
  actor: string,
  details: Record<string, unknown>,
): Omit<SafeSignaturesRecorded, 'created'> {
  const recorded: string[] = [];
  const alreadyRecorded: string[] = [];
  let tx = proposal;
  for (const signature of signatures) {
    const result = recordSafeSignature(
      queue,
      proposal.id,
      { owner: signature.owner, signature: signature.data, source },
      actor,
      { ...details, importedFrom: signature.owner.toLowerCase(), kind: signature.kind },
    );
    tx = result.tx;
    (result.recorded ? recorded : alreadyRecorded).push(signature.owner.toLowerCase());
  }
  return { proposal: tx, recorded, alreadyRecorded };
}

export async function importSignatures(
  queue: QueueContext,
  input: {
    path?: string | undefined;
    text?: string | undefined;
    fileName?: string | undefined;
    proposalId?: number | undefined;
  },
  call: CallContext | undefined,
  actor: string,
): Promise<SafeSignaturesRecorded> {
  // A client (the desktop window as much as a browser) is not trusted to name a file for main to
  // read: it could probe the machine's files. The view reads the file the person chose and sends
  // its text; only Vigil's own code in main may give a path.
  if (input.path !== undefined && call?.caller !== undefined)
    throw new VigilError(
      'INVALID_INPUT',
      'Vigil does not read a file a client names: give the file’s text instead (the Transactions view reads the file you choose).',
      { field: 'path' },
    );
  const text = input.path !== undefined ? readSignedProposalFile(input.path) : input.text!;
  const from =
    input.path !== undefined ? basename(input.path) : (input.fileName ?? 'given as text');
  const file = parseSignedProposalFile(text);
  const target = input.proposalId === undefined ? undefined : queue.requireTx(input.proposalId);
  if (target && !target.safe)
    throw new VigilError('INVALID_INPUT', `Transaction ${target.id} is not a Safe proposal.`, {
      field: 'proposalId',
    });
  // Checked against the target proposal's Safe, so a file for another Safe or chain is refused as
  // such rather than imported into that other Safe.
  const chainId = target?.chainId ?? file.chainId;
  const safeAddress = getAddress(target?.safe?.safe ?? file.safe);
  const safe = await currentSafe(queue, chainId, safeAddress);
  const checked = await checkSignedProposalFile(file, {
    chainId,
    safe: safeAddress,
    owners: safe.state.owners.map((owner) => getAddress(owner)),
    threshold: safe.state.threshold,
    nonce: BigInt(safe.state.nonce),
    ...(target ? { transaction: safeTransactionOf(target.safe!) } : {}),
  });
  let proposal =
    target ?? queue.store.findSafeProposals(checked.safeTxHash).find((tx) => isLive(tx));
  let created = false;
  if (!proposal) {
    proposal = await proposeFromFile(queue, chainId, safeAddress, checked.transaction, from, actor);
    created = true;
  }
  const result = recordAll(queue, proposal, checked.signatures, 'imported', actor, {
    file: from,
  });
  return { ...result, created };
}

/** A proposal for a file's transaction Vigil has not seen, with the same DELEGATECALL rule as any. */
async function proposeFromFile(
  queue: QueueContext,
  chainId: number,
  safe: Address,
  transaction: ReturnType<typeof safeTransactionOf>,
  from: string,
  actor: string,
): Promise<Transaction> {
  const multiSend = multiSendCallOnlyOf(queue, chainId);
  let batch = null;
  if (transaction.operation === 1) {
    if (getAddress(transaction.to) !== multiSend)
      throw new VigilError(
        'DELEGATECALL_REFUSED',
        `The file's transaction DELEGATECALLs ${transaction.to}; Vigil makes a DELEGATECALL only to this chain's MultiSendCallOnly (${multiSend}).`,
        { field: 'file', details: { multiSendCallOnly: multiSend } },
      );
    batch = decodeMultiSend(transaction.data).map((inner) => ({
      to: inner.to,
      value: inner.value.toString(),
      data: inner.data,
      call: decodeCall(queue, chainId, inner.to, inner.data),
    }));
  }
  const rejection =
    getAddress(transaction.to) === safe && transaction.value === 0n && transaction.data === '0x';
  return proposeSafeTransaction(
    queue,
    {
      chainId,
      safe,
      transaction,
      purpose: batch ? 'batch' : rejection ? 'rejection' : 'call',
      batch,
      note: `from the signed-proposal file ${from}`,
    },
    'file',
    actor,
  );
}

export async function addSignature(
  queue: QueueContext,
  input: { proposalId: number; signature: string },
  actor: string,
): Promise<SafeSignaturesRecorded> {
  const proposal = queue.requireTx(input.proposalId);
  const record = proposalSafe(queue.store, proposal);
  const safe = await currentSafe(queue, record.chainId, record.address);
  const signature = await checkOwnerSignature({
    safe: getAddress(safe.address),
    safeTxHash: proposal.safe!.safeTxHash as Hex,
    owners: safe.state.owners.map((owner) => getAddress(owner)),
    signature: input.signature,
  });
  return {
    ...recordAll(queue, proposal, [signature], 'pasted', actor, { file: null }),
    created: false,
  };
}

/** `vigil-safe-proposal-<nonce>-<first bytes of the hash>-<time>.json` */
function exportFileName(proposal: Transaction, at: Date): string {
  const safe = proposal.safe!;
  return `vigil-safe-proposal-${safe.nonce}-${safe.safeTxHash.slice(2, 10)}-${fileStamp(at)}.json`;
}

export async function exportProposal(
  queue: QueueContext,
  input: { id: number; path?: string | undefined; overwrite?: boolean | undefined },
  call: CallContext | undefined,
  actor: string,
): Promise<SafesExportProposalResult> {
  const proposal = queue.requireTx(input.id);
  const record = proposalSafe(queue.store, proposal);
  const exportedAt = new Date();
  let path: string;
  if (input.path === undefined) {
    const directory = exportsDirOf(queue.store.dataDir);
    mkdirSync(directory, { recursive: true });
    path = join(directory, exportFileName(proposal, exportedAt));
  } else if (call?.caller !== undefined) {
    // Nor to name where main writes (the desktop window included, as for audit.export): the
    // file goes to the exports folder, and its text comes back for the view to save.
    throw exportPathFromClientError(input.path);
  } else {
    path = checkExportPath(input.path, queue.store.dataDir, {
      format: 'json',
      ...(input.overwrite ? { overwrite: true } : {}),
    });
  }
  const safe = await currentSafe(queue, record.chainId, record.address);
  const safeTxHash = proposal.safe!.safeTxHash as Hex;
  // Approved hashes are on chain for the importer to read; the rest travel in the file.
  const signatures: SafeSignature[] = [];
  for (const stored of proposal.safe!.signatures) {
    if (stored.source === 'approveHash') continue;
    const { owner, kind } = await recoverSafeSignature(safeTxHash, stored.signature);
    if (kind !== 'approved-hash') signatures.push({ owner, kind, data: stored.signature as Hex });
  }
  const file = buildSignedProposalFile({
    chainId: proposal.chainId,
    safe: getAddress(record.address),
    transaction: safeTransactionOf(proposal.safe!),
    threshold: safe.state.threshold,
    signatures,
  });
  const text = `${JSON.stringify(file, null, 2)}\n`;
  writeFileSync(path, text, { flag: input.overwrite ? 'w' : 'wx' });
  queue.store.recordAudit([
    {
      actor,
      action: auditActions.safeProposalExported,
      subject: txSubject(proposal.id),
      details: {
        chainId: proposal.chainId,
        safe: record.address,
        safeTxHash,
        path,
        owners: signatures.map((signature) => signature.owner.toLowerCase()),
      },
    },
  ]);
  return { path, fileName: basename(path), text, signatures: signatures.length };
}
