// Which Safe transactions a Safe executed in a block range, read from its ExecutionSuccess and
// ExecutionFailure events: how Vigil learns that a proposal it holds was executed elsewhere (by
// Safe{Wallet}, another Vigil, a script), and by which transaction.
import { encodeEventTopics, getAddress, hexToNumber, type Address, type Hex } from 'viem';
import type { RpcRequest } from '../tokens/index.ts';
import { SAFE_WATCH_ABI } from './safe-abi.ts';

export interface SafeExecution {
  safeTxHash: Hex;
  /** False for ExecutionFailure: the nonce was used, the inner call reverted. */
  success: boolean;
  transactionHash: Hex;
  blockNumber: number;
  logIndex: number;
}

interface RpcLog {
  address: Address;
  topics: Hex[];
  transactionHash: Hex;
  blockNumber: Hex;
  logIndex: Hex;
  removed?: boolean;
}

const [SUCCESS_TOPIC] = encodeEventTopics({ abi: SAFE_WATCH_ABI, eventName: 'ExecutionSuccess' });
const [FAILURE_TOPIC] = encodeEventTopics({ abi: SAFE_WATCH_ABI, eventName: 'ExecutionFailure' });

/** Blocks asked for in one eth_getLogs: public nodes refuse wide ranges. */
const MAX_RANGE = 5_000;

export async function readSafeExecutions(
  request: RpcRequest,
  safe: Address,
  fromBlock: number,
  toBlock: number,
): Promise<SafeExecution[]> {
  const executions: SafeExecution[] = [];
  for (let start = fromBlock; start <= toBlock; start += MAX_RANGE) {
    const end = Math.min(toBlock, start + MAX_RANGE - 1);
    const logs = await request<RpcLog[]>('eth_getLogs', [
      {
        address: getAddress(safe),
        fromBlock: `0x${start.toString(16)}`,
        toBlock: `0x${end.toString(16)}`,
        topics: [[SUCCESS_TOPIC, FAILURE_TOPIC]],
      },
    ]);
    for (const log of logs) {
      const [topic, safeTxHash] = log.topics;
      if (log.removed || !safeTxHash) continue;
      executions.push({
        safeTxHash,
        success: topic === SUCCESS_TOPIC,
        transactionHash: log.transactionHash,
        blockNumber: hexToNumber(log.blockNumber),
        logIndex: hexToNumber(log.logIndex),
      });
    }
  }
  return executions;
}
