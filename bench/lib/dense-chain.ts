// Puts a known number of Ping events on a local anvil in dense blocks, fast: automine off, each
// block's transactions sent in one JSON-RPC batch with explicit nonces, then one evm_mine.
import { encodeFunctionData, type Address, type Hex } from 'viem';
import type { EmitterArtifact } from './emitter.ts';
import { hexToNumber, nodeRpc, nodeRpcBatch, toHex } from './json-rpc.ts';

/** anvil's first dev account; anvil keeps it unlocked, so eth_sendTransaction needs no key. */
export const DEV_ACCOUNT: Address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

export interface DeployedEmitter {
  address: Address;
  deployBlock: number;
}

export interface DenseChainOptions {
  events: number;
  eventsPerTx: number;
  eventsPerBlock: number;
}

export interface DenseChain extends DeployedEmitter {
  events: number;
  firstBlock: number;
  headBlock: number;
  blocks: number;
  transactions: number;
  setupMs: number;
}

interface Receipt {
  status: Hex;
  blockNumber: Hex;
  contractAddress: Address | null;
  gasUsed: Hex;
}

export async function deployEmitter(
  rpcUrl: string,
  emitter: EmitterArtifact,
): Promise<DeployedEmitter> {
  const hash = await nodeRpc<Hex>(rpcUrl, 'eth_sendTransaction', [
    { from: DEV_ACCOUNT, data: emitter.bytecode },
  ]);
  // Automine usually has the block by the time the hash comes back, but not always on a busy
  // machine: ask again for a few seconds before calling it a failure.
  let receipt: Receipt | null = null;
  for (let attempt = 0; attempt < 50 && !receipt; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    receipt = await nodeRpc<Receipt | null>(rpcUrl, 'eth_getTransactionReceipt', [hash]);
  }
  if (!receipt || receipt.status !== '0x1' || !receipt.contractAddress) {
    throw new Error(
      `Deploying the Emitter on ${rpcUrl} failed (is automine on?): ${JSON.stringify(receipt)}`,
    );
  }
  return { address: receipt.contractAddress, deployBlock: hexToNumber(receipt.blockNumber) };
}

export function emitManyData(emitter: EmitterArtifact, count: number): Hex {
  return encodeFunctionData({ abi: emitter.abi, functionName: 'emitMany', args: [BigInt(count)] });
}

/** One transaction emitting `count` events, mined at once (automine); resolves with its hash. */
export async function sendEmitMany(
  rpcUrl: string,
  emitter: EmitterArtifact,
  address: Address,
  count = 1,
): Promise<Hex> {
  return nodeRpc<Hex>(rpcUrl, 'eth_sendTransaction', [
    { from: DEV_ACCOUNT, to: address, data: emitManyData(emitter, count) },
  ]);
}

export async function fillDenseBlocks(
  rpcUrl: string,
  emitter: EmitterArtifact,
  options: DenseChainOptions,
): Promise<DenseChain> {
  const started = performance.now();
  const deployed = await deployEmitter(rpcUrl, emitter);
  const added = await appendDenseBlocks(rpcUrl, emitter, deployed, options);
  return { ...added, setupMs: performance.now() - started };
}

/**
 * Adds about options.events more Ping events (whole transactions of eventsPerTx) to an Emitter
 * already deployed, so one chain can grow through several sizes. The result describes only
 * the blocks added here, apart from deployBlock.
 */
export async function appendDenseBlocks(
  rpcUrl: string,
  emitter: EmitterArtifact,
  deployed: DeployedEmitter,
  options: DenseChainOptions,
): Promise<DenseChain> {
  const started = performance.now();
  const data = emitManyData(emitter, options.eventsPerTx);
  // The first call also pays for nextSeq going from zero to non-zero; later ones cost less.
  const estimate = hexToNumber(
    await nodeRpc<Hex>(rpcUrl, 'eth_estimateGas', [
      { from: DEV_ACCOUNT, to: deployed.address, data },
    ]),
  );
  const gas = toHex(Math.ceil(estimate * 1.1));
  let nonce = hexToNumber(
    await nodeRpc<Hex>(rpcUrl, 'eth_getTransactionCount', [DEV_ACCOUNT, 'pending']),
  );
  const firstBlock = hexToNumber(await nodeRpc<Hex>(rpcUrl, 'eth_blockNumber')) + 1;
  const transactions = Math.ceil(options.events / options.eventsPerTx);
  const txsPerBlock = Math.max(1, Math.floor(options.eventsPerBlock / options.eventsPerTx));

  await nodeRpc(rpcUrl, 'evm_setAutomine', [false]);
  let lastHash: Hex | undefined;
  let sent = 0;
  let blocks = 0;
  try {
    while (sent < transactions) {
      const count = Math.min(txsPerBlock, transactions - sent);
      const hashes = (await nodeRpcBatch(
        rpcUrl,
        Array.from({ length: count }, () => ({
          method: 'eth_sendTransaction',
          params: [{ from: DEV_ACCOUNT, to: deployed.address, data, gas, nonce: toHex(nonce++) }],
        })),
      )) as Hex[];
      await nodeRpc(rpcUrl, 'evm_mine', []);
      lastHash = hashes[hashes.length - 1];
      sent += count;
      blocks++;
    }
  } finally {
    await nodeRpc(rpcUrl, 'evm_setAutomine', [true]);
  }

  const last = await nodeRpc<Receipt | null>(rpcUrl, 'eth_getTransactionReceipt', [lastHash]);
  if (!last || last.status !== '0x1')
    throw new Error(`The last emitMany transaction failed: ${JSON.stringify(last)}`);
  const headBlock = hexToNumber(await nodeRpc<Hex>(rpcUrl, 'eth_blockNumber'));
  return {
    ...deployed,
    events: transactions * options.eventsPerTx,
    firstBlock,
    headBlock,
    blocks,
    transactions,
    setupMs: performance.now() - started,
  };
}
