// Owners' signatures of a Safe transaction hash, in the three forms the Safe's checkNSignatures
// accepts from an externally owned account, each 65 bytes {r}{s}{v}:
// - v 27/28: ECDSA over the Safe transaction hash itself (what EIP-712 signing produces);
// - v 31/32: ECDSA over the eth_sign-prefixed hash, with v raised by 4 to say so;
// - v 1: an approved hash, the owner's address in r, valid when the owner called
//   approveHash(safeTxHash) on chain (or is the one sending execTransaction).
// v 0 (a contract owner's EIP-1271 signature) needs the contract's answer and is refused here.
import {
  concat,
  encodeFunctionData,
  decodeFunctionResult,
  getAddress,
  hashMessage,
  hexToBigInt,
  isHex,
  numberToHex,
  pad,
  parseAbi,
  recoverAddress,
  size,
  slice,
  type Address,
  type Hex,
} from 'viem';
import { VigilError } from '../errors/index.ts';
import type { RpcRequest } from '../tokens/index.ts';

export type SafeSignatureKind = 'eip712' | 'eth_sign' | 'approved-hash';

export interface SafeSignature {
  owner: Address;
  kind: SafeSignatureKind;
  /** The 65 bytes as execTransaction takes them. */
  data: Hex;
}

export interface RecoveredSafeSignature {
  owner: Address;
  kind: SafeSignatureKind;
}

const SIGNATURE_BYTES = 65;

export const APPROVED_HASHES_ABI = parseAbi([
  'function approvedHashes(address owner, bytes32 hash) view returns (uint256)',
  'function approveHash(bytes32 hashToApprove)',
]);

/** Why a signature, or a file of them, was refused (details.reason of SIGNATURE_REFUSED). */
export type SignatureRefusal =
  | 'malformed'
  | 'other-chain'
  | 'other-safe'
  | 'hash-mismatch'
  | 'other-transaction'
  | 'not-owner'
  | 'threshold-changed'
  | 'nonce-used';

export function refused(
  reason: SignatureRefusal,
  message: string,
  details: Record<string, unknown> = {},
  field = 'file',
): VigilError {
  return new VigilError('SIGNATURE_REFUSED', message, { field, details: { reason, ...details } });
}

function malformed(message: string, details: Record<string, unknown> = {}): VigilError {
  return new VigilError('INVALID_INPUT', message, { field: 'signature', details });
}

/** The signer a 65-byte Safe signature stands for, and how it was made; refuses what the Safe would. */
export async function recoverSafeSignature(
  safeTxHash: Hex,
  signature: string,
): Promise<RecoveredSafeSignature> {
  const trimmed = signature.trim();
  if (!isHex(trimmed, { strict: true }))
    throw malformed('A Safe signature is hex starting with 0x; this is not.');
  if (size(trimmed) !== SIGNATURE_BYTES)
    throw malformed(
      `A Safe signature is ${SIGNATURE_BYTES} bytes (r, s, v); this one is ${size(trimmed)}. Paste one owner's signature at a time.`,
      { bytes: size(trimmed) },
    );
  const r = slice(trimmed, 0, 32);
  const s = slice(trimmed, 32, 64);
  const v = Number(hexToBigInt(slice(trimmed, 64, 65)));
  if (v === 27 || v === 28) {
    const owner = await recoverAddress({ hash: safeTxHash, signature: trimmed });
    return { owner, kind: 'eip712' };
  }
  if (v === 31 || v === 32) {
    const owner = await recoverAddress({
      hash: hashMessage({ raw: safeTxHash }),
      signature: concat([r, s, numberToHex(v - 4, { size: 1 })]),
    });
    return { owner, kind: 'eth_sign' };
  }
  if (v === 1) {
    if (hexToBigInt(r) >> 160n !== 0n)
      throw malformed('An approved-hash signature (v 1) holds an address in r; this r is wider.');
    return { owner: getAddress(slice(r, 12, 32)), kind: 'approved-hash' };
  }
  if (v === 0)
    throw malformed(
      'This is a contract signature (v 0, EIP-1271): Vigil checks signatures of owners with keys only.',
      { v },
    );
  throw malformed(
    `A Safe signature ends in v 27 or 28 (EIP-712), 31 or 32 (eth_sign) or 1 (approved hash); this one has v ${v}.`,
    { v },
  );
}

/** The signature an owner's on-chain approveHash stands for: r is the owner, s zero, v 1. */
export function approvedHashSignature(owner: Address): SafeSignature {
  return {
    owner: getAddress(owner),
    kind: 'approved-hash',
    data: concat([pad(owner.toLowerCase() as Hex, { size: 32 }), pad('0x', { size: 32 }), '0x01']),
  };
}

/**
 * The signatures argument of execTransaction: one per owner, ascending by owner address, which
 * is how the Safe tells that no owner was counted twice.
 */
export function encodeSafeSignatures(signatures: readonly SafeSignature[]): Hex {
  const sorted = [...signatures].sort((a, b) => {
    const left = hexToBigInt(a.owner);
    const right = hexToBigInt(b.owner);
    return left < right ? -1 : left > right ? 1 : 0;
  });
  for (const [index, signature] of sorted.entries()) {
    if (size(signature.data) !== SIGNATURE_BYTES)
      throw malformed(`The signature of ${signature.owner} is not ${SIGNATURE_BYTES} bytes.`, {
        owner: signature.owner,
      });
    if (index > 0 && getAddress(sorted[index - 1]!.owner) === getAddress(signature.owner))
      throw malformed(`${signature.owner} is counted twice; the Safe counts each owner once.`, {
        owner: signature.owner,
      });
  }
  return concat(sorted.map((signature) => signature.data));
}

/** The owners, of those given, who have approved the hash on chain with approveHash. */
export async function readApprovedHashOwners(
  request: RpcRequest,
  safe: Address,
  owners: readonly Address[],
  safeTxHash: Hex,
): Promise<Address[]> {
  const approvals = await Promise.all(
    owners.map(async (owner) => {
      const answer = await request<Hex>('eth_call', [
        {
          to: safe,
          data: encodeFunctionData({
            abi: APPROVED_HASHES_ABI,
            functionName: 'approvedHashes',
            args: [owner, safeTxHash],
          }),
        },
        'latest',
      ]);
      const approved = decodeFunctionResult({
        abi: APPROVED_HASHES_ABI,
        functionName: 'approvedHashes',
        data: answer,
      });
      return approved !== 0n;
    }),
  );
  return owners.filter((_, index) => approvals[index]).map((owner) => getAddress(owner));
}

export interface CheckOwnerSignatureParameters {
  safe: Address;
  safeTxHash: Hex;
  /** The Safe's owners as read from the chain now. */
  owners: readonly Address[];
  signature: string;
}

/**
 * One pasted signature, accepted only if it recovers to a current owner. A signature over another
 * transaction recovers to some stranger's address, so the message says both possibilities.
 * Approved-hash signatures (v 1) prove nothing off chain and are refused: Vigil reads those itself.
 */
export async function checkOwnerSignature(
  parameters: CheckOwnerSignatureParameters,
): Promise<SafeSignature> {
  const { safeTxHash } = parameters;
  const safe = getAddress(parameters.safe);
  const recovered = await recoverSafeSignature(safeTxHash, parameters.signature).catch(
    (error: unknown) => {
      throw refused('malformed', (error as Error).message, {}, 'signature');
    },
  );
  if (recovered.kind === 'approved-hash')
    throw refused(
      'malformed',
      `An approved-hash signature (v 1) proves nothing off chain; Vigil counts ${recovered.owner}'s approveHash when it reads it from the Safe.`,
      { owner: recovered.owner },
      'signature',
    );
  const owners = new Set(parameters.owners.map((owner) => getAddress(owner)));
  if (!owners.has(recovered.owner))
    throw refused(
      'not-owner',
      `This signature recovers to ${recovered.owner}, who is not an owner of Safe ${safe}: it is a non-owner's, or it was made over another transaction than ${safeTxHash}.`,
      { recovered: recovered.owner },
      'signature',
    );
  return {
    owner: recovered.owner,
    kind: recovered.kind,
    data: parameters.signature.trim().toLowerCase() as Hex,
  };
}
