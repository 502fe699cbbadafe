// Turns raw eth_getLogs results into store rows: decoded by the watched contract's
// per-signature decoder, or kept undecoded with raw topics and data when no ABI entry fits.
import type { LogDecoder } from '../abi/index.ts';
import type { StoredEvent } from './types.ts';

export interface RawLog {
  address: string;
  topics: `0x${string}`[];
  data: `0x${string}`;
  blockNumber: string;
  blockHash: string;
  blockTimestamp?: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  removed?: boolean;
}

/** The eth_getLogs filter for the contracts' logs of blocks fromBlock to toBlock. */
export function logRangeFilter(
  addresses: readonly string[],
  fromBlock: number,
  toBlock: number,
): { address: readonly string[]; fromBlock: string; toBlock: string } {
  return {
    address: addresses,
    fromBlock: `0x${fromBlock.toString(16)}`,
    toBlock: `0x${toBlock.toString(16)}`,
  };
}

/** The eth_getLogs filter for the contracts' logs of the block with this hash. */
export function logBlockFilter(
  addresses: readonly string[],
  blockHash: string,
): { address: readonly string[]; blockHash: string } {
  return { address: addresses, blockHash };
}

export interface WatchedContractDecoder {
  contractId: string;
  /** Checksummed, as stored. */
  address: string;
  decode: LogDecoder;
}

/** Decoders by lower-case address. */
export type ContractDecoders = (lowerCaseAddress: string) => WatchedContractDecoder | undefined;

export function toStoredEvents(
  chainId: number,
  logs: readonly RawLog[],
  decoders: ContractDecoders,
  confirmedThrough: number,
  /** Headers of the logs' blocks: their timestamps, where the node leaves them out of logs. */
  blocks: readonly { number: string; timestamp: string }[] = [],
): StoredEvent[] {
  const timestampAt = new Map(
    blocks.map((block) => [Number.parseInt(block.number, 16), block.timestamp]),
  );
  const events: StoredEvent[] = [];
  // Logs of one range mostly share their contract and, a block at a time, their block: each is
  // looked up or parsed once a run, not once a log (a lower-cased copy and a hash of the address,
  // and three hex numbers, were most of this loop's own time on a dense backfill).
  let address: string | undefined;
  let contract: WatchedContractDecoder | undefined;
  let blockNumberHex: string | undefined;
  let blockNumber = 0;
  let timestampHex: string | undefined;
  let blockTimestamp: number | null = null;
  for (const log of logs) {
    if (log.address !== address) {
      address = log.address;
      contract = decoders(log.address.toLowerCase());
    }
    if (!contract) continue;
    if (log.blockNumber !== blockNumberHex) {
      blockNumberHex = log.blockNumber;
      blockNumber = Number.parseInt(log.blockNumber, 16);
    }
    const decoded = contract.decode(log);
    const timestamp = log.blockTimestamp ?? timestampAt.get(blockNumber);
    if (timestamp !== timestampHex) {
      timestampHex = timestamp;
      blockTimestamp = timestamp === undefined ? null : Number.parseInt(timestamp, 16);
    }
    events.push({
      chainId,
      contractId: contract.contractId,
      blockNumber,
      blockHash: log.blockHash,
      blockTimestamp,
      logIndex: Number.parseInt(log.logIndex, 16),
      transactionHash: log.transactionHash,
      transactionIndex: Number.parseInt(log.transactionIndex, 16),
      address: contract.address,
      eventName: decoded?.eventName ?? null,
      signature: decoded?.signature ?? null,
      args: decoded?.args ?? null,
      topics: log.topics,
      data: log.data,
      status: blockNumber <= confirmedThrough ? 'confirmed' : 'pending',
    });
  }
  // Providers return logs in chain order, but a multi-address query is not promised to.
  events.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
  return events;
}
