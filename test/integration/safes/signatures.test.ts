// The Safe building blocks against the real Safe 1.4.1 contracts on anvil: what Vigil encodes
// (batches, ordered signatures, approved hashes) is what the Safe executes, and what it reads
// (approvals, executions, signed-proposal files checked against readSafe) is what happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFunctionData, getAddress, parseAbi, type Address, type Hex } from 'viem';
import {
  approvedHashSignature,
  buildSignedProposalFile,
  checkSignedProposalFile,
  decodeMultiSend,
  encodeMultiSend,
  encodeSafeSignatures,
  readApprovedHashOwners,
  readSafe,
  readSafeExecutions,
  recoverSafeSignature,
  safeTransactionHash,
  type RpcRequest,
  type SafeSignature,
  type SafeTransaction,
} from '../../../src-main/core/safes/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { headBlock, rawRpc } from '../../helpers/chain-control.ts';
import { chainClients } from '../../helpers/contracts.ts';
import {
  changeThresholdData,
  createSafe,
  deploySafeContracts,
  execSafeTransaction,
  execWithSignatures,
  plainSafeTransaction,
  type CreatedSafe,
  type SafeDeployment,
  type SafeOwner,
} from '../../helpers/safe-contracts.ts';
import { approveHashOnChain, ethSignSafeHash, signSafeHash } from '../../helpers/safe-signing.ts';

let anvil: AnvilInstance;
let deployment: SafeDeployment;
let request: RpcRequest;
let salt = 100n;

beforeAll(async () => {
  anvil = await startAnvil();
  request = (method, params) => rawRpc(anvil.rpcUrl, method, params ?? []);
  deployment = await deploySafeContracts(anvil.rpcUrl);
}, 60_000);

afterAll(async () => {
  await anvil?.stop();
});

async function fundedSafe(threshold = 2): Promise<CreatedSafe> {
  salt += 1n;
  const safe = await createSafe(anvil.rpcUrl, deployment, { threshold, saltNonce: salt });
  await rawRpc(anvil.rpcUrl, 'anvil_setBalance', [safe.address, '0x56bc75e2d63100000']);
  return safe;
}

const hashOf = (safe: CreatedSafe, transaction: SafeTransaction): Hex =>
  safeTransactionHash({ chainId: anvil.chainId, safe: safe.address, transaction });

async function balanceOf(address: Address): Promise<bigint> {
  return BigInt(await rawRpc<Hex>(anvil.rpcUrl, 'eth_getBalance', [address, 'latest']));
}

async function asSafeSignature(hash: Hex, data: Hex): Promise<SafeSignature> {
  const { owner, kind } = await recoverSafeSignature(hash, data);
  return { owner, kind, data };
}

describe('MultiSendCallOnly batches', () => {
  it('a batch of three calls, DELEGATECALLed by the Safe, moves value to three addresses', async () => {
    const safe = await fundedSafe();
    const recipients = [
      getAddress('0x00000000000000000000000000000000000a11ce'),
      getAddress('0x0000000000000000000000000000000000000b0b'),
      getAddress('0x000000000000000000000000000000000000ca11'),
    ];
    const calls = recipients.map((to, index) => ({
      to,
      value: BigInt(index + 1) * 1000n,
      data: '0x' as Hex,
    }));
    const data = encodeMultiSend(calls);
    expect(decodeMultiSend(data)).toEqual(calls);
    await execSafeTransaction(
      anvil.rpcUrl,
      anvil.chainId,
      safe.address,
      plainSafeTransaction({ to: deployment.multiSendCallOnly, data, operation: 1, nonce: 0n }),
      safe.owners.slice(0, 2),
    );
    expect(await Promise.all(recipients.map(balanceOf))).toEqual([1000n, 2000n, 3000n]);
  });
});

describe('owners’ signatures', () => {
  it('an EIP-712 and an eth_sign signature, given in descending order, execute once sorted', async () => {
    const safe = await fundedSafe();
    const recipient = getAddress('0x0000000000000000000000000000000000001234');
    const transaction = plainSafeTransaction({ to: recipient, value: 777n, nonce: 0n });
    const hash = hashOf(safe, transaction);
    const signatures = [
      await asSafeSignature(hash, await signSafeHash(safe.owners[0]!, hash)),
      await asSafeSignature(hash, await ethSignSafeHash(safe.owners[2]!, hash)),
    ].sort((a, b) => (BigInt(a.owner) > BigInt(b.owner) ? -1 : 1));
    expect(signatures.map((signature) => signature.kind).sort()).toEqual(['eip712', 'eth_sign']);
    const receipt = await execWithSignatures(
      anvil.rpcUrl,
      safe.address,
      transaction,
      encodeSafeSignatures(signatures),
    );
    expect(receipt.status).toBe('success');
    expect(await balanceOf(recipient)).toBe(777n);
  });

  it('the same signatures unsorted are refused by the Safe (why the order matters)', async () => {
    const safe = await fundedSafe();
    const transaction = plainSafeTransaction({ to: safe.address, nonce: 0n });
    const hash = hashOf(safe, transaction);
    const sorted = [...safe.owners.slice(0, 2)].sort((a, b) =>
      BigInt(a.address) < BigInt(b.address) ? -1 : 1,
    );
    const descending = await Promise.all(
      sorted.reverse().map((owner) => signSafeHash(owner, hash)),
    );
    await expect(
      execWithSignatures(
        anvil.rpcUrl,
        safe.address,
        transaction,
        `0x${descending.map((s) => s.slice(2)).join('')}`,
      ),
    ).rejects.toThrow(/GS026/);
  });

  it('an owner’s on-chain approveHash is read back and counts, executed by a non-owner', async () => {
    const safe = await fundedSafe();
    const recipient = getAddress('0x0000000000000000000000000000000000005678');
    const transaction = plainSafeTransaction({ to: recipient, value: 5n, nonce: 0n });
    const hash = hashOf(safe, transaction);
    const owners = safe.owners.map((owner) => owner.address);
    expect(await readApprovedHashOwners(request, safe.address, owners, hash)).toEqual([]);
    await approveHashOnChain(anvil.rpcUrl, safe.address, safe.owners[1]!, hash);
    const approvers = await readApprovedHashOwners(request, safe.address, owners, hash);
    expect(approvers).toEqual([safe.owners[1]!.address]);
    const signatures = [
      approvedHashSignature(approvers[0]!),
      await asSafeSignature(hash, await signSafeHash(safe.owners[2]!, hash)),
    ];
    // Anvil's account 3 is no owner: the approved hash is what the Safe accepts for owner 1.
    const receipt = await execWithSignatures(
      anvil.rpcUrl,
      safe.address,
      transaction,
      encodeSafeSignatures(signatures),
      3,
    );
    expect(receipt.status).toBe('success');
    expect(await balanceOf(recipient)).toBe(5n);
  });

  it('without the approveHash on chain, the same approved-hash signature is refused (GS025)', async () => {
    const safe = await fundedSafe();
    const transaction = plainSafeTransaction({ to: safe.address, nonce: 0n });
    const hash = hashOf(safe, transaction);
    const signatures = [
      approvedHashSignature(safe.owners[1]!.address),
      await asSafeSignature(hash, await signSafeHash(safe.owners[2]!, hash)),
    ];
    await expect(
      execWithSignatures(
        anvil.rpcUrl,
        safe.address,
        transaction,
        encodeSafeSignatures(signatures),
        3,
      ),
    ).rejects.toThrow(/GS025/);
  });
});

describe('readSafeExecutions', () => {
  it('reads a success and a failure with their Safe transaction hashes and transactions', async () => {
    const safe = await fundedSafe();
    const from = await headBlock(anvil.rpcUrl);
    const succeeding = plainSafeTransaction({ to: safe.address, nonce: 0n });
    const ok = await execSafeTransaction(
      anvil.rpcUrl,
      anvil.chainId,
      safe.address,
      succeeding,
      safe.owners.slice(0, 2),
    );
    // With safeTxGas set, an inner revert (a threshold of 0) uses the nonce and emits a failure.
    const failing = plainSafeTransaction({
      to: safe.address,
      data: changeThresholdData(0),
      safeTxGas: 100_000n,
      nonce: 1n,
    });
    const failed = await execSafeTransaction(
      anvil.rpcUrl,
      anvil.chainId,
      safe.address,
      failing,
      safe.owners.slice(1, 3),
    );
    const executions = await readSafeExecutions(
      request,
      safe.address,
      from,
      await headBlock(anvil.rpcUrl),
    );
    expect(executions.map(({ logIndex: _, ...rest }) => rest)).toEqual([
      {
        safeTxHash: hashOf(safe, succeeding),
        success: true,
        transactionHash: ok.transactionHash,
        blockNumber: Number(ok.blockNumber),
      },
      {
        safeTxHash: hashOf(safe, failing),
        success: false,
        transactionHash: failed.transactionHash,
        blockNumber: Number(failed.blockNumber),
      },
    ]);
    expect((await readSafe(request, safe.address)).nonce).toBe(2n);
  });

  it('reads nothing for another Safe in the same range', async () => {
    const safe = await fundedSafe();
    expect(
      await readSafeExecutions(request, safe.address, 0, await headBlock(anvil.rpcUrl)),
    ).toEqual([]);
  });
});

describe('a signed-proposal file checked against the Safe as read from the chain', () => {
  async function exported(safe: CreatedSafe, transaction: SafeTransaction, signer: SafeOwner) {
    const hash = hashOf(safe, transaction);
    const state = await readSafe(request, safe.address);
    return buildSignedProposalFile({
      chainId: anvil.chainId,
      safe: safe.address,
      transaction,
      threshold: state.threshold,
      signatures: [await asSafeSignature(hash, await signSafeHash(signer, hash))],
    });
  }

  it('a second owner’s file plus one signature here execute the transaction', async () => {
    const safe = await fundedSafe();
    const recipient = getAddress('0x0000000000000000000000000000000000009999');
    const transaction = plainSafeTransaction({ to: recipient, value: 42n, nonce: 0n });
    const file = JSON.stringify(await exported(safe, transaction, safe.owners[2]!));
    const state = await readSafe(request, safe.address);
    const checked = await checkSignedProposalFile(file, {
      chainId: anvil.chainId,
      safe: safe.address,
      owners: state.owners,
      threshold: state.threshold,
      nonce: state.nonce,
      transaction,
    });
    const hash = hashOf(safe, transaction);
    const mine = await asSafeSignature(hash, await signSafeHash(safe.owners[0]!, hash));
    await execWithSignatures(
      anvil.rpcUrl,
      safe.address,
      transaction,
      encodeSafeSignatures([...checked.signatures, mine]),
    );
    expect(await balanceOf(recipient)).toBe(42n);
  });

  it('a file exported before the threshold changed on chain is refused', async () => {
    const safe = await fundedSafe();
    const transaction = plainSafeTransaction({ to: safe.address, nonce: 1n });
    const file = await exported(safe, transaction, safe.owners[1]!);
    await execSafeTransaction(
      anvil.rpcUrl,
      anvil.chainId,
      safe.address,
      plainSafeTransaction({ to: safe.address, data: changeThresholdData(3), nonce: 0n }),
      safe.owners.slice(0, 2),
    );
    const state = await readSafe(request, safe.address);
    const error = await checkSignedProposalFile(file, {
      chainId: anvil.chainId,
      safe: safe.address,
      owners: state.owners,
      threshold: state.threshold,
      nonce: state.nonce,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VigilError);
    expect((error as VigilError).details).toMatchObject({ reason: 'threshold-changed' });
  });
});

it('approveHash by an owner, sent as a plain call, is what readApprovedHashOwners reads', async () => {
  // The approval is the Safe's own storage, so a call encoded here is read the same way.
  const safe = await fundedSafe();
  const hash = hashOf(safe, plainSafeTransaction({ to: safe.address, nonce: 9n }));
  const data = encodeFunctionData({
    abi: parseAbi(['function approveHash(bytes32)']),
    functionName: 'approveHash',
    args: [hash],
  });
  // anvil's account 0 is no owner: approveHash refuses it (GS030), and nothing is recorded.
  const { wallet } = chainClients(anvil.rpcUrl, 0);
  await expect(wallet.sendTransaction({ to: safe.address, data, chain: null })).rejects.toThrow(
    /GS030/,
  );
  expect(
    await readApprovedHashOwners(request, safe.address, [wallet.account.address], hash),
  ).toEqual([]);
});
