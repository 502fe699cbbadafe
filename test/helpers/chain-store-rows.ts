// Rows, blocks and files of a small chain-data store, shared by the tests of the store on real
// files (chain-segments, retention): two contracts on one chain, three events a block.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { EventRow } from '../../src-main/ipc/contract.ts';
import type { Store } from '../../src-main/core/store/index.ts';
import {
  emptyManifest,
  readManifest,
  type SegmentManifest,
} from '../../src-main/core/store/segment-manifest.ts';

export const chainId = 31337;
export const chain = {
  chainId,
  name: 'anvil',
  rpcUrls: ['http://127.0.0.1:8545'],
  confirmations: 2,
};
export const contracts = ['a', 'b'].map((letter, index) => ({
  id: `${chainId}:0x${letter.repeat(40)}`,
  chainId,
  address: `0x${letter.repeat(40)}`,
  name: `Token${letter}`,
  abi: [{ type: 'event', name: 'E', inputs: [] }],
  startBlock: index,
}));
export const tuning = { sealMinEvents: 40, segmentTargetEvents: 60, sealMaxAgeMs: 0 };

export const hex = (seed: string): string => `0x${createHash('sha256').update(seed).digest('hex')}`;

/** Rows of block `number`: `perBlock` events alternating between the two contracts. */
export function blockRows(
  number: number,
  perBlock = 3,
  status: EventRow['status'] = 'confirmed',
  fork = '',
): EventRow[] {
  return Array.from({ length: perBlock }, (_, logIndex) => {
    const contract = contracts[logIndex % 2]!;
    return {
      chainId,
      contractId: contract.id,
      blockNumber: number,
      blockHash: hex(`block ${number}${fork}`),
      blockTimestamp: 1_700_000_000 + number * 12,
      logIndex,
      transactionHash: hex(`tx ${number} ${logIndex}${fork}`),
      transactionIndex: logIndex,
      address: contract.address,
      eventName: logIndex === 2 ? 'Rare' : 'E',
      signature: 'E()',
      args: { n: `${number}` },
      topics: [hex('E()')],
      data: '0x',
      status,
    };
  });
}

/** Ingests blocks from..to as the watcher would, confirming all but the last two. */
export function ingest(store: Store, from: number, to: number): EventRow[] {
  const rows: EventRow[] = [];
  for (let number = from; number <= to; number++) {
    const events = blockRows(number);
    rows.push(...events);
    store.commitChainData({
      chainId,
      events,
      blocks: [
        {
          number,
          hash: hex(`block ${number}`),
          parentHash: hex(`block ${number - 1}`),
          timestamp: 1_700_000_000 + number * 12,
        },
      ],
      cursors: contracts.map((contract) => ({ contractId: contract.id, indexedThrough: number })),
      confirmedThrough: number - 2,
    });
  }
  return rows;
}

export const identity = (row: EventRow): string =>
  `${row.blockNumber}:${row.logIndex}:${row.blockHash}`;

/** Every row of a query, paged with cursors. */
export function allPages(
  store: Store,
  query: Parameters<Store['queryEvents']>[0],
  limit = 7,
): EventRow[] {
  const rows: EventRow[] = [];
  let cursor: string | undefined;
  do {
    const page = store.queryEvents({ ...query, limit, ...(cursor ? { cursor } : {}) });
    rows.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

export function expectSameRows(actual: EventRow[], expected: EventRow[]): void {
  expect(actual.map(identity)).toEqual(expected.map(identity));
  expect(new Set(actual.map(identity)).size).toBe(actual.length);
}

export const chainDir = (dataDir: string): string => join(dataDir, 'chain');
export const segmentFiles = (dataDir: string): string[] =>
  readdirSync(join(chainDir(dataDir), 'segments')).filter((name) => name.endsWith('.sqlite'));
/**
 * The manifest as a start reads it, its base and the edits logged after it; looked at only (no
 * seal checked, nothing cut), so a test may read it while a Vigil process writes it.
 */
export function manifestOf(dataDir: string): SegmentManifest {
  const read = readManifest(join(chainDir(dataDir), 'manifest.json'), { inspectOnly: true });
  // No seal finished yet: no manifest, no segments.
  if ('missing' in read) return emptyManifest();
  if ('damaged' in read) throw new Error(`the manifest is damaged: ${read.damaged}`);
  return read.manifest;
}
