// Owners' signatures collected without a hosted service, between two Vigils (two data
// directories, each a headless child process) and the real Safe 1.4.1 contracts on anvil. A 2-of-3
// Safe: Vigil A holds owner 0 and an executor, Vigil B holds owner 1, owner 2 acts outside Vigil.
// A proposes and signs, exports a signed-proposal file; B imports it (proposing the same Safe
// transaction), signs, exports; A imports B's file and executes. Files with a non-owner's
// signature, a signature over another transaction, for another Safe, or exported before the
// threshold changed are each refused with their reason and record nothing. Owner 2's on-chain
// approveHash counts; a Safe transaction executed on chain outside Vigil is recognised as
// executed elsewhere, and a proposal at the same nonce as superseded by it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFunctionData, parseAbi, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { AuditEntry, Transaction } from '../../../src-main/ipc/contract.ts';
import {
  buildSignedProposalFile,
  fromWireSafeTransaction,
  readSafe,
  safeTransactionHash,
  type SafeTransaction,
  type SignedProposalFile,
} from '../../../src-main/core/safes/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks, rawRpc } from '../../helpers/chain-control.ts';
import { deployDemoContracts, mintTokens } from '../../helpers/contracts.ts';
import { fundedKey } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import {
  changeThresholdData,
  createSafe,
  deploySafeContracts,
  execSafeTransaction,
  plainSafeTransaction,
  type CreatedSafe,
  type SafeDeployment,
} from '../../helpers/safe-contracts.ts';
import {
  startSafeServiceStandIn,
  type SafeServiceStandIn,
} from '../../helpers/safe-service-stand-in.ts';
import { approveHashOnChain, signSafeHash } from '../../helpers/safe-signing.ts';
import {
  connectRpc,
  RpcCallError,
  startServe,
  waitFor,
  type RpcClient,
  type ServeProcess,
} from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { watchOnAnvil } from '../../helpers/watch-setup.ts';

const DEAD = '0x000000000000000000000000000000000000dEaD';
const ERC20 = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function transfer(address to, uint256 amount) returns (bool)',
]);

let anvil: AnvilInstance;
let deployment: SafeDeployment;
let safe: CreatedSafe;
let token: Address;
let executor: Address;
let service: SafeServiceStandIn;
const files = makeTempDir('vigil-safe-files-');
const dirs = [makeTempDir('vigil-safe-a-'), makeTempDir('vigil-safe-b-')];
const vigils: { serve: ServeProcess; rpc: RpcClient }[] = [];
const a = () => vigils[0]!.rpc;
const b = () => vigils[1]!.rpc;

async function startVigil(
  dataDir: string,
  serviceUrl?: string,
): Promise<{ serve: ServeProcess; rpc: RpcClient }> {
  const serve = await startServe({
    dataDir,
    ...(serviceUrl ? { args: ['--safe-service-url', `${anvil.chainId}=${serviceUrl}`] } : {}),
    env: {
      VIGIL_TUNING: JSON.stringify({
        safeRefreshMs: 0,
        safeFollowMs: 300,
        multiSendCallOnly: { [String(anvil.chainId)]: deployment.multiSendCallOnly },
      }),
    },
  });
  return { serve, rpc: await connectRpc(serve.wsUrl) };
}

async function tokenBalance(holder: string): Promise<bigint> {
  const data = encodeFunctionData({
    abi: ERC20,
    functionName: 'balanceOf',
    args: [holder as Address],
  });
  return BigInt(await rawRpc<string>(anvil.rpcUrl, 'eth_call', [{ to: token, data }, 'latest']));
}

async function safeNonce(): Promise<bigint> {
  return (
    await readSafe((method, params) => rawRpc(anvil.rpcUrl, method, params ?? []), safe.address)
  ).nonce;
}

async function audit(rpc: RpcClient, action: string): Promise<AuditEntry[]> {
  return (await rpc.call<{ entries: AuditEntry[] }>('audit.list', { action })).entries;
}

async function refusal(work: Promise<unknown>): Promise<RpcCallError['data']> {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RpcCallError);
  return (error as RpcCallError).data;
}

function proposeTransfer(rpc: RpcClient, amount: bigint, extra: Record<string, unknown> = {}) {
  return rpc.call<Transaction>('txs.propose', {
    chainId: anvil.chainId,
    safe: safe.address,
    to: token,
    function: { name: 'transfer', args: [DEAD, amount.toString()] },
    ...extra,
  });
}

const sign = (rpc: RpcClient, tx: Transaction, signer: Address) =>
  rpc.call<Transaction>('txs.approve', { id: tx.id, signer, seenSimulation: tx.simulation!.id });

async function until(
  rpc: RpcClient,
  id: number,
  done: (tx: Transaction) => boolean,
): Promise<Transaction> {
  return waitFor(
    async () => {
      const tx = await rpc.call<Transaction>('txs.get', { id });
      if (done(tx)) return tx;
      if (tx.status === 'mined' || tx.status === 'sent') await mineBlocks(anvil.rpcUrl, 1);
      return undefined;
    },
    60_000,
    300,
  );
}

async function execute(proposal: Transaction): Promise<Transaction> {
  const execution = await a().call<Transaction>('txs.executeSafe', { id: proposal.id, executor });
  const simulated = await a().call<Transaction>('txs.get', { id: execution.id });
  await a().call('txs.approve', { id: execution.id, seenSimulation: simulated.simulation!.id });
  await until(a(), execution.id, (tx) => tx.status === 'confirmed');
  return until(a(), proposal.id, (tx) => tx.status === 'confirmed');
}

function transactionOf(proposal: Transaction): SafeTransaction {
  return fromWireSafeTransaction(proposal.safe!);
}

/** A file as another owner's wallet would make it, signed with the given key over `over`. */
async function fileSignedBy(
  privateKey: Hex,
  transaction: SafeTransaction,
  options: { over?: SafeTransaction; safe?: Address; threshold?: number } = {},
): Promise<SignedProposalFile> {
  const onSafe = options.safe ?? safe.address;
  const account = privateKeyToAccount(privateKey);
  const hash = safeTransactionHash({
    chainId: anvil.chainId,
    safe: onSafe,
    transaction: options.over ?? transaction,
  });
  return buildSignedProposalFile({
    chainId: anvil.chainId,
    safe: onSafe,
    transaction,
    threshold: options.threshold ?? 2,
    signatures: [{ owner: account.address, kind: 'eip712', data: await account.sign({ hash }) }],
  });
}

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  deployment = await deploySafeContracts(anvil.rpcUrl);
  const owners = [
    await fundedKey(anvil.rpcUrl, 0n),
    await fundedKey(anvil.rpcUrl, 0n),
    await fundedKey(anvil.rpcUrl, 0n),
  ];
  safe = await createSafe(anvil.rpcUrl, deployment, { owners, threshold: 2 });
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  await mintTokens(anvil.rpcUrl, token, safe.address, 1_000n);
  const executorKey = await fundedKey(anvil.rpcUrl);
  executor = executorKey.address;
  service = await startSafeServiceStandIn(anvil.chainId);
  for (const [index, dir] of dirs.entries()) {
    // Only A has a Safe Transaction Service set for the chain.
    const vigil = await startVigil(dir.path, index === 0 ? service.url : undefined);
    vigils.push(vigil);
    await watchOnAnvil((name, input) => vigil.rpc.call(name, input), anvil, {
      address: token,
      artifact: 'DemoToken',
    });
    await vigil.rpc.call('safes.add', { chainId: anvil.chainId, address: safe.address });
    const keys = index === 0 ? [owners[0]!, executorKey] : [owners[1]!];
    for (const key of keys)
      await vigil.rpc.call('signers.import', {
        privateKey: key.privateKey,
        label: key.address.slice(0, 8),
      });
  }
}, 240_000);

afterAll(async () => {
  for (const vigil of vigils) {
    vigil.rpc.close();
    await vigil.serve.kill();
  }
  await anvil?.stop();
  await service?.stop();
  for (const dir of [...dirs, files]) dir.remove();
});

describe('signatures between two Vigils', () => {
  let proposal: Transaction;
  let fromA: string;
  let fromB: string;
  const pathOf = (name: string) => join(files.path, name);

  it('A proposes and signs; B imports A’s file, proposing the same Safe transaction, and signs', async () => {
    proposal = await sign(a(), await proposeTransfer(a(), 10n), safe.owners[0]!.address);
    // Over the network a client names no path: the file goes to A's exports folder.
    expect(
      await refusal(
        a().call('safes.exportProposal', { id: proposal.id, path: pathOf('from-a.json') }),
      ),
    ).toMatchObject({ code: 'EXPORT_PATH_INVALID' });
    const exported = await a().call<{ path: string; text: string; signatures: number }>(
      'safes.exportProposal',
      { id: proposal.id },
    );
    expect(exported.path.startsWith(join(dirs[0]!.path, 'exports'))).toBe(true);
    expect(readFileSync(exported.path, 'utf8')).toBe(exported.text);
    fromA = exported.text;
    expect(exported.signatures).toBe(1);
    expect(JSON.parse(exported.text)).toMatchObject({
      format: 'vigil-safe-proposal/1',
      safeTxHash: proposal.safe!.safeTxHash,
      threshold: 2,
    });

    const imported = await b().call<{
      proposal: Transaction;
      created: boolean;
      recorded: string[];
    }>('safes.importSignatures', { text: fromA, fileName: 'from-a.json' });
    expect(imported.created).toBe(true);
    expect(imported.recorded).toEqual([safe.owners[0]!.address.toLowerCase()]);
    expect(imported.proposal.safe!.safeTxHash).toBe(proposal.safe!.safeTxHash);
    const inB = await until(b(), imported.proposal.id, (tx) => tx.simulation !== null);
    await sign(b(), inB, safe.owners[1]!.address);
    fromB = (await b().call<{ text: string }>('safes.exportProposal', { id: inB.id })).text;
    // Importing the same file again records nothing new.
    const again = await b().call<{ recorded: string[]; alreadyRecorded: string[] }>(
      'safes.importSignatures',
      { text: fromA, proposalId: inB.id },
    );
    expect(again).toMatchObject({
      recorded: [],
      alreadyRecorded: [safe.owners[0]!.address.toLowerCase()],
    });
  });

  it('refuses, each with its reason, files A must not count, and records nothing', async () => {
    const transaction = transactionOf(proposal);
    const stranger = await fundedKey(anvil.rpcUrl, 0n);
    const other = await createSafe(anvil.rpcUrl, deployment, {
      owners: safe.owners,
      threshold: 2,
      saltNonce: 77n,
    });
    const cases: [string, SignedProposalFile][] = [
      ['not-owner', await fileSignedBy(stranger.privateKey, transaction)],
      [
        'other-transaction',
        await fileSignedBy(safe.owners[1]!.privateKey, transaction, {
          over: { ...transaction, nonce: transaction.nonce + 5n },
        }),
      ],
      [
        'other-safe',
        await fileSignedBy(safe.owners[1]!.privateKey, transaction, { safe: other.address }),
      ],
    ];
    const importsBefore = (await audit(a(), 'safe.signature-imported')).length;
    for (const [reason, file] of cases) {
      const error = await refusal(
        a().call('safes.importSignatures', { text: JSON.stringify(file), proposalId: proposal.id }),
      );
      expect(error.code, reason).toBe('SIGNATURE_REFUSED');
      expect(error.details, reason).toMatchObject({ reason });
    }
    const pasted = await refusal(
      a().call('safes.addSignature', {
        proposalId: proposal.id,
        signature: cases[0]![1].signatures[0]!.signature,
      }),
    );
    expect(pasted).toMatchObject({ code: 'SIGNATURE_REFUSED', details: { reason: 'not-owner' } });
    const unchanged = await a().call<Transaction>('txs.get', { id: proposal.id });
    expect(unchanged.safe!.signatures.map((s) => s.owner)).toEqual([
      safe.owners[0]!.address.toLowerCase(),
    ]);
    expect(await audit(a(), 'safe.signature-imported')).toHaveLength(importsBefore);
    // Over the network Vigil reads no file on its machine, whatever the path names.
    const byPath = await refusal(a().call('safes.importSignatures', { path: files.path }));
    expect(byPath).toMatchObject({ code: 'INVALID_INPUT', field: 'path' });
  });

  it('A imports B’s file (2 of 2) and executes: the transfer is on chain', async () => {
    const imported = await a().call<{
      proposal: Transaction;
      recorded: string[];
      created: boolean;
    }>('safes.importSignatures', { text: fromB, fileName: 'from-b.json' });
    expect(imported.created).toBe(false);
    expect(imported.proposal.id).toBe(proposal.id);
    expect(imported.recorded).toEqual([safe.owners[1]!.address.toLowerCase()]);
    const entries = await audit(a(), 'safe.signature-imported');
    expect(entries[0]!.details).toMatchObject({
      owner: safe.owners[1]!.address.toLowerCase(),
      importedFrom: safe.owners[1]!.address.toLowerCase(),
      source: 'imported',
      file: 'from-b.json',
    });
    const settled = await execute(proposal);
    expect(settled.safe!.settledBy).toMatchObject({ kind: 'executed' });
    expect(await tokenBalance(DEAD)).toBe(10n);
    // B learns it from the chain: executed elsewhere, by A's transaction.
    const inB = (await b().call<{ txs: Transaction[] }>('txs.list', {})).txs.find(
      (tx) => tx.safe?.safeTxHash === proposal.safe!.safeTxHash,
    )!;
    const elsewhere = await until(b(), inB.id, (tx) => tx.safe!.settledBy !== null);
    expect(elsewhere.safe!.settledBy).toMatchObject({
      kind: 'executed-elsewhere',
      txHash: (await a().call<Transaction>('txs.get', { id: settled.safe!.executionTxId! })).hash,
    });
  });
});

describe('on chain, outside Vigil', () => {
  it('an owner’s approveHash counts towards the threshold', async () => {
    const proposal = await sign(a(), await proposeTransfer(a(), 3n), safe.owners[0]!.address);
    await approveHashOnChain(
      anvil.rpcUrl,
      safe.address,
      safe.owners[2]!,
      proposal.safe!.safeTxHash as Hex,
    );
    const counted = await until(a(), proposal.id, (tx) => tx.safe!.signatures.length === 2);
    expect(counted.safe!.signatures[1]).toMatchObject({
      owner: safe.owners[2]!.address.toLowerCase(),
      source: 'approveHash',
    });
    await execute(counted);
    expect(await tokenBalance(DEAD)).toBe(13n);
  });

  it('a Safe transaction executed directly on chain is executed elsewhere; its rival is superseded', async () => {
    const proposal = await proposeTransfer(a(), 4n);
    const rival = await proposeTransfer(a(), 5n, { safeNonce: proposal.safe!.nonce });
    const receipt = await execSafeTransaction(
      anvil.rpcUrl,
      anvil.chainId,
      safe.address,
      transactionOf(proposal),
      [safe.owners[1]!, safe.owners[2]!],
    );
    const settled = await until(a(), proposal.id, (tx) => tx.safe!.settledBy !== null);
    expect(settled.status).toBe('confirmed');
    expect(settled.safe!.settledBy).toMatchObject({
      kind: 'executed-elsewhere',
      txHash: receipt.transactionHash,
    });
    const superseded = await until(a(), rival.id, (tx) => tx.safe!.settledBy !== null);
    expect(superseded.status).toBe('replaced');
    expect(superseded.safe!.settledBy).toMatchObject({
      kind: 'superseded',
      txHash: receipt.transactionHash,
    });
    expect(await tokenBalance(DEAD)).toBe(17n);
  });

  it('a Safe transaction that failed on chain elsewhere marks the imported proposal failed', async () => {
    // With safeTxGas set, a failing inner call (more tokens than the Safe holds) uses the nonce.
    const transaction = plainSafeTransaction({
      to: token,
      data: encodeFunctionData({ abi: ERC20, functionName: 'transfer', args: [DEAD, 10n ** 30n] }),
      safeTxGas: 100_000n,
      nonce: await safeNonce(),
    });
    const imported = await a().call<{ proposal: Transaction; created: boolean }>(
      'safes.importSignatures',
      { text: JSON.stringify(await fileSignedBy(safe.owners[1]!.privateKey, transaction)) },
    );
    expect(imported.created).toBe(true);
    const receipt = await execSafeTransaction(
      anvil.rpcUrl,
      anvil.chainId,
      safe.address,
      transaction,
      [safe.owners[1]!, safe.owners[2]!],
    );
    const failed = await until(a(), imported.proposal.id, (tx) => tx.safe!.settledBy !== null);
    expect(failed.status).toBe('failed');
    expect(failed.safe!.settledBy).toMatchObject({
      kind: 'execution-failed',
      txHash: receipt.transactionHash,
    });
  });

  it('a file exported before the threshold changed is refused, and nothing is recorded', async () => {
    const nonce = await safeNonce();
    const proposal = await proposeTransfer(a(), 6n, { safeNonce: (nonce + 1n).toString() });
    const file = await fileSignedBy(safe.owners[1]!.privateKey, transactionOf(proposal));
    await execSafeTransaction(
      anvil.rpcUrl,
      anvil.chainId,
      safe.address,
      plainSafeTransaction({ to: safe.address, data: changeThresholdData(3), nonce }),
      [safe.owners[1]!, safe.owners[2]!],
    );
    const error = await refusal(
      a().call('safes.importSignatures', { text: JSON.stringify(file), proposalId: proposal.id }),
    );
    expect(error).toMatchObject({
      code: 'SIGNATURE_REFUSED',
      details: { reason: 'threshold-changed', fileThreshold: 2, threshold: 3 },
    });
    expect((await a().call<Transaction>('txs.get', { id: proposal.id })).safe!.signatures).toEqual(
      [],
    );
  });
});

describe('with a Safe Transaction Service set for the chain', () => {
  it('posts the signature made here as the proposal, and records an owner’s confirmation posted there', async () => {
    const proposal = await sign(a(), await proposeTransfer(a(), 2n), safe.owners[0]!.address);
    const hash = proposal.safe!.safeTxHash;
    const posted = await waitFor(() => service.transactions.get(hash));
    expect(posted.body).toMatchObject({
      contractTransactionHash: hash,
      sender: safe.owners[0]!.address,
      nonce: proposal.safe!.nonce,
    });
    // Owner 2 confirms through the service, as Safe{Wallet} would.
    const signature = await signSafeHash(safe.owners[2]!, hash as Hex);
    const response = await fetch(
      `${service.url}/api/v1/multisig-transactions/${hash}/confirmations/`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ signature }),
      },
    );
    expect(response.status).toBe(201);
    const counted = await until(a(), proposal.id, (tx) => tx.safe!.signatures.length === 2);
    expect(counted.safe!.signatures[1]).toMatchObject({
      owner: safe.owners[2]!.address.toLowerCase(),
      source: 'service',
      signature,
    });
  });
});
