// The plain JSON file by which owners pass a Safe transaction and their signatures between
// Vigils without a hosted service. Nothing in it is trusted: on import the Safe transaction hash
// is computed again from the fields, every signature is recovered and must be a current owner's
// over that hash, and the file must be for this chain, this Safe and (when one is given) this
// transaction, with the threshold the exporter saw still the Safe's.
import { closeSync, lstatSync, openSync, readSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { getAddress, type Address, type Hex } from 'viem';
import { z } from 'zod';
import { AddressInput, ChainId, Hex as HexSchema } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import { recoverSafeSignature, refused, type SafeSignature } from './signatures.ts';
import {
  fromWireSafeTransaction,
  safeTransactionHash,
  toWireSafeTransaction,
  type SafeTransaction,
} from './safe-tx-hash.ts';

export const SIGNED_PROPOSAL_FORMAT = 'vigil-safe-proposal/1';

/** Files larger than this are refused before parsing: a proposal with signatures is a few KB. */
export const SIGNED_PROPOSAL_MAX_BYTES = 1_000_000;

const Uint256 = z
  .string()
  .max(78, 'must be at most 78 digits')
  .regex(/^\d+$/, 'must be a non-negative decimal integer string')
  // Zod runs a refinement even after the pattern failed, so it checks the pattern itself first.
  .refine((value) => !/^\d+$/.test(value) || BigInt(value) < 2n ** 256n, 'must fit in 256 bits');

const Hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 32-byte 0x-prefixed hash');

export const SignedProposalFileSchema = z.strictObject({
  format: z.literal(SIGNED_PROPOSAL_FORMAT),
  chainId: ChainId,
  safe: AddressInput,
  safeTxHash: Hash,
  /** The Safe's threshold when the file was exported, so a change since then is noticed. */
  threshold: z.number().int().positive().max(1_000),
  transaction: z.strictObject({
    to: AddressInput,
    value: Uint256,
    data: HexSchema.refine((value) => value.length % 2 === 0, 'must be whole bytes'),
    operation: z.union([z.literal(0), z.literal(1)]),
    safeTxGas: Uint256,
    baseGas: Uint256,
    gasPrice: Uint256,
    gasToken: AddressInput,
    refundReceiver: AddressInput,
    nonce: Uint256,
  }),
  signatures: z
    .array(
      z.strictObject({
        owner: AddressInput,
        signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'must be 65 bytes of 0x-prefixed hex'),
      }),
    )
    .max(1_000),
});

export type SignedProposalFile = z.infer<typeof SignedProposalFileSchema>;

export interface BuildSignedProposalFileParameters {
  chainId: number;
  safe: Address;
  transaction: SafeTransaction;
  threshold: number;
  /** Approved-hash signatures are left out: the importer reads those from the chain itself. */
  signatures: readonly SafeSignature[];
}

export function buildSignedProposalFile(
  parameters: BuildSignedProposalFileParameters,
): SignedProposalFile {
  const { chainId, transaction } = parameters;
  const safe = getAddress(parameters.safe);
  return {
    format: SIGNED_PROPOSAL_FORMAT,
    chainId,
    safe,
    safeTxHash: safeTransactionHash({ chainId, safe, transaction }),
    threshold: parameters.threshold,
    transaction: toWireSafeTransaction(transaction),
    signatures: parameters.signatures
      .filter((signature) => signature.kind !== 'approved-hash')
      .map((signature) => ({ owner: getAddress(signature.owner), signature: signature.data })),
  };
}

export interface CheckSignedProposalFileOptions {
  chainId: number;
  safe: Address;
  /** The Safe's owners and threshold as read from the chain now. */
  owners: readonly Address[];
  threshold: number;
  /** The Safe's nonce now: a file for an earlier nonce can no longer be executed. */
  nonce?: bigint;
  /** The proposal the signatures are for, when importing into a known one. */
  transaction?: SafeTransaction;
}

export interface CheckedSignedProposalFile {
  safeTxHash: Hex;
  transaction: SafeTransaction;
  /** One per owner, in the file's order. */
  signatures: SafeSignature[];
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.map(String).join('.') || 'the top level';
  return `at ${where}: ${issue.message}`;
}

/** Parses the file's text (or an already parsed value) against the strict format. */
export function parseSignedProposalFile(input: unknown): SignedProposalFile {
  let value = input;
  if (typeof input === 'string') {
    if (input.length > SIGNED_PROPOSAL_MAX_BYTES)
      throw refused(
        'malformed',
        `The signed-proposal file is larger than ${SIGNED_PROPOSAL_MAX_BYTES} bytes; a real one is a few KB.`,
      );
    try {
      value = JSON.parse(input);
    } catch {
      // Not the parser's message: it quotes the text, which need not be a proposal file at all.
      throw refused('malformed', 'The signed-proposal file is not JSON.');
    }
  }
  const parsed = SignedProposalFileSchema.safeParse(value);
  if (!parsed.success)
    throw refused(
      'malformed',
      `The signed-proposal file is not a ${SIGNED_PROPOSAL_FORMAT} file ${issueText(parsed.error)}.`,
      { path: parsed.error.issues[0]?.path.map(String) ?? [] },
    );
  return parsed.data;
}

function transactionOf(file: SignedProposalFile): SafeTransaction {
  return fromWireSafeTransaction({
    ...file.transaction,
    data: file.transaction.data.toLowerCase(),
  });
}

/**
 * The file's signatures, each recovered and checked, or the first reason to refuse the whole
 * file: an import either records every signature in it or none.
 */
export async function checkSignedProposalFile(
  input: unknown,
  options: CheckSignedProposalFileOptions,
): Promise<CheckedSignedProposalFile> {
  const file = parseSignedProposalFile(input);
  const safe = getAddress(options.safe);
  if (file.chainId !== options.chainId)
    throw refused(
      'other-chain',
      `The file is for chain ${file.chainId}, but this Safe is on chain ${options.chainId}.`,
      { fileChainId: file.chainId, chainId: options.chainId },
    );
  if (getAddress(file.safe) !== safe)
    throw refused('other-safe', `The file is for Safe ${getAddress(file.safe)}, not ${safe}.`, {
      fileSafe: getAddress(file.safe),
      safe,
    });
  const transaction = transactionOf(file);
  const safeTxHash = safeTransactionHash({ chainId: options.chainId, safe, transaction });
  if (safeTxHash !== file.safeTxHash.toLowerCase())
    throw refused(
      'hash-mismatch',
      `The file says its Safe transaction hash is ${file.safeTxHash}, but its transaction hashes to ${safeTxHash}: it was edited or built wrongly.`,
      { fileSafeTxHash: file.safeTxHash, safeTxHash },
    );
  if (options.transaction) {
    const expected = safeTransactionHash({
      chainId: options.chainId,
      safe,
      transaction: options.transaction,
    });
    if (expected !== safeTxHash)
      throw refused(
        'other-transaction',
        `The file is for another Safe transaction (${safeTxHash}, nonce ${transaction.nonce}) than this proposal (${expected}, nonce ${options.transaction.nonce}).`,
        { safeTxHash, expected },
      );
  }
  if (options.nonce !== undefined && transaction.nonce < options.nonce)
    throw refused(
      'nonce-used',
      `The file is for Safe nonce ${transaction.nonce}, but the Safe is at nonce ${options.nonce}: a transaction at that nonce was already executed.`,
      { nonce: transaction.nonce.toString(), safeNonce: options.nonce.toString() },
    );
  if (file.threshold !== options.threshold)
    throw refused(
      'threshold-changed',
      `The Safe's threshold changed since the file was exported (then ${file.threshold}, now ${options.threshold}): review the proposal again before counting its signatures.`,
      { fileThreshold: file.threshold, threshold: options.threshold },
    );
  const owners = new Set(options.owners.map((owner) => getAddress(owner)));
  const signatures: SafeSignature[] = [];
  for (const [index, entry] of file.signatures.entries()) {
    const field = `signatures[${index}]`;
    const declared = getAddress(entry.owner);
    const recovered = await recoverSafeSignature(safeTxHash, entry.signature).catch(
      (error: unknown) => {
        throw refused('malformed', `${field}: ${(error as Error).message}`, {}, field);
      },
    );
    if (recovered.kind === 'approved-hash')
      throw refused(
        'malformed',
        `${field} is an approved-hash signature; Vigil reads those from the chain, not from files.`,
        { owner: declared },
        field,
      );
    if (recovered.owner !== declared)
      throw refused(
        'other-transaction',
        `${field}, said to be ${declared}'s, is not a signature over this transaction (${safeTxHash}): it recovers to ${recovered.owner}.`,
        { owner: declared, recovered: recovered.owner },
        field,
      );
    if (!owners.has(declared))
      throw refused(
        'not-owner',
        `${field} is signed by ${declared}, who is not an owner of Safe ${safe}.`,
        { owner: declared },
        field,
      );
    if (signatures.some((signature) => signature.owner === declared)) continue;
    signatures.push({
      owner: declared,
      kind: recovered.kind,
      data: entry.signature.toLowerCase() as Hex,
    });
  }
  return { safeTxHash, transaction, signatures };
}

/** A signed-proposal file from a path: an absolute path to a regular file no larger than the cap. */
export function readSignedProposalFile(path: string): string {
  if (!isAbsolute(path))
    throw new VigilError(
      'INVALID_INPUT',
      `Path ${path} is relative; give the absolute path of the signed-proposal file.`,
      { field: 'path' },
    );
  // lstat: a link is refused rather than followed to wherever it points.
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) throw new VigilError('NOT_FOUND', `No file at ${path}.`, { field: 'path' });
  if (!stat.isFile())
    throw new VigilError(
      'INVALID_INPUT',
      `${path} is not a regular file (${stat.isDirectory() ? 'a directory' : stat.isSymbolicLink() ? 'a symbolic link' : 'a device, socket or pipe'}); give the signed-proposal file itself.`,
      { field: 'path' },
    );
  if (stat.size > SIGNED_PROPOSAL_MAX_BYTES)
    throw new VigilError(
      'INVALID_INPUT',
      `${path} is ${stat.size} bytes; a signed-proposal file is a few KB (at most ${SIGNED_PROPOSAL_MAX_BYTES}).`,
      { field: 'path' },
    );
  // Read no more than the cap even if the file grew since the lstat.
  const buffer = Buffer.alloc(SIGNED_PROPOSAL_MAX_BYTES + 1);
  const fd = openSync(path, 'r');
  try {
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    if (length > SIGNED_PROPOSAL_MAX_BYTES)
      throw new VigilError(
        'INVALID_INPUT',
        `${path} grew past ${SIGNED_PROPOSAL_MAX_BYTES} bytes.`,
        {
          field: 'path',
        },
      );
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
