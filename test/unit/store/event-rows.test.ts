// An event becomes the row the events table stores: args and topics as the JSON that
// JSON.stringify writes, whatever a node put in the topics; packed, the same values.
import { describe, expect, it } from 'vitest';
import {
  eventTuple,
  packEventRows,
  type StoredEvent,
} from '../../../src-main/core/store/chain-data.ts';
import { unpackRows } from '../../../src-main/core/store/packed-rows.ts';

const event = (
  topics: string[],
  args: StoredEvent['args'] = { who: 'Grüße "x"' },
): StoredEvent => ({
  chainId: 1,
  contractId: 'c1',
  blockNumber: 7,
  blockHash: `0x${'ab'.repeat(32)}`,
  blockTimestamp: null,
  logIndex: 2,
  transactionHash: `0x${'cd'.repeat(32)}`,
  transactionIndex: 0,
  address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  eventName: 'Ping',
  signature: 'Ping(address)',
  args,
  topics: topics as `0x${string}`[],
  data: '0x',
  status: 'confirmed',
});

const TOPICS = 12;

describe('event rows', () => {
  it.each([
    ['hex topics', [`0x${'0'.repeat(63)}1`, `0x${'A'.repeat(64)}`]],
    ['no topics', []],
    ['a topic a node sent with a quote and a backslash', ['0x1"]', '0x\\', `0x${'f'.repeat(64)}`]],
    ['a topic with a control character and an unpaired surrogate', ['0x\u0001', '0x\ud800']],
    ['a topic that is not hex', ['0xzz']],
  ])('store %s as JSON.stringify writes them', (_, topics) => {
    const row = eventTuple(event(topics));
    expect(row[TOPICS]).toBe(JSON.stringify(topics));
    expect(JSON.parse(row[TOPICS] as string)).toEqual(topics);
    expect(row[TOPICS - 1]).toBe(JSON.stringify({ who: 'Grüße "x"' }));
  });

  it('store topics that are not a list of text as JSON.stringify writes them', () => {
    for (const topics of [null, ['0x1', 7], [['0x1']]] as unknown as string[][])
      expect(eventTuple(event(topics))[TOPICS]).toBe(JSON.stringify(topics));
  });

  it('pack the values of their rows', () => {
    const events = [event([`0x${'1'.repeat(64)}`]), event(['0x"'], null)];
    expect(unpackRows(packEventRows(events))).toEqual(events.map(eventTuple));
  });
});
