// The two sides of every equality check: the chain's own eth_getLogs, and what Vigil stored.
import type { EventRow } from '../../src-main/ipc/contract.ts';
import { rawRpc } from './chain-control.ts';

export interface ChainLog {
  blockHash: string;
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
  topics: string[];
  data: string;
}

/** Every log of an address from block 0 to the head, straight from the node, in chain order. */
export async function chainLogs(rpcUrl: string, address: string): Promise<ChainLog[]> {
  const result = await rawRpc<
    {
      blockHash: string;
      blockNumber: string;
      logIndex: string;
      transactionHash: string;
      topics: string[];
      data: string;
    }[]
  >(rpcUrl, 'eth_getLogs', [{ address, fromBlock: '0x0', toBlock: 'latest' }]);
  return result.map((log) => ({
    blockHash: log.blockHash,
    blockNumber: Number.parseInt(log.blockNumber, 16),
    logIndex: Number.parseInt(log.logIndex, 16),
    transactionHash: log.transactionHash,
    topics: log.topics,
    data: log.data,
  }));
}

interface Pager {
  handle?(name: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }>;
  call?<T>(method: string, params?: unknown): Promise<T>;
}

/** Every stored canonical event, paged through events.query in chain order. */
export async function storedEvents(
  source: Pager,
  filter: Record<string, unknown> = {},
): Promise<EventRow[]> {
  const rows: EventRow[] = [];
  let cursor: string | undefined;
  do {
    const input = { ...filter, limit: 5_000, ...(cursor ? { cursor } : {}) };
    let page: { rows: EventRow[]; nextCursor?: string };
    if (source.handle) {
      const envelope = await source.handle('events.query', input);
      if (!envelope.ok) throw new Error(`events.query failed: ${JSON.stringify(envelope.error)}`);
      page = envelope.value as typeof page;
    } else {
      page = await source.call!<typeof page>('events.query', input);
    }
    rows.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

/** An event's identity on its chain: the block it is in and its index there. */
export const eventKey = (row: { blockHash: string; logIndex: number }): string =>
  `${row.blockHash}:${row.logIndex}`;

/**
 * Waits until the store's canonical events (those the filter keeps: a store watching several
 * contracts names one) are exactly the chain's logs of `address`, in order: nothing missing,
 * nothing extra, nothing twice. Returns them; on timeout, fails saying which differ.
 */
export async function waitForStoreToEqualChain(
  source: Pager,
  rpcUrl: string,
  address: string,
  timeoutMs = 30_000,
  filter: { contractId?: string } = {},
): Promise<EventRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const expected = (await chainLogs(rpcUrl, address)).map(eventKey);
    const stored = await storedEvents(source, filter);
    const storedKeys = stored.map(eventKey);
    if (JSON.stringify(storedKeys) === JSON.stringify(expected)) return stored;
    if (Date.now() > deadline) {
      const onChain = new Set(expected);
      const inStore = new Set(storedKeys);
      const missing = expected.filter((key) => !inStore.has(key));
      const extra = storedKeys.filter((key) => !onChain.has(key));
      throw new Error(
        `The store did not equal the chain within ${timeoutMs} ms: ${storedKeys.length} stored (${inStore.size} distinct), ${expected.length} on the chain; missing ${JSON.stringify(missing.slice(0, 5))}; extra ${JSON.stringify(extra.slice(0, 5))}.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
