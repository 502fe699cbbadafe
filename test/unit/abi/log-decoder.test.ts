import { describe, expect, it } from 'vitest';
import {
  encodeAbiParameters,
  encodeEventTopics,
  keccak256,
  parseAbi,
  toHex,
  type Abi,
  type Hex,
} from 'viem';
import { createLogDecoder, eventSignaturesOf } from '../../../src-main/core/abi/index.ts';

const alice = '0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045';
const bob = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const maxUint256 = 2n ** 256n - 1n;

/** Encodes a log the way a node would return it: topics from encodeEventTopics, data from encodeAbiParameters. */
function logOf(
  abi: Abi,
  eventName: string,
  indexedArgs: Record<string, unknown>,
  dataTypes: { type: string; components?: unknown[] }[],
  dataValues: unknown[],
) {
  const topics = encodeEventTopics({ abi, eventName, args: indexedArgs } as never) as Hex[];
  const data = encodeAbiParameters(dataTypes as never, dataValues as never);
  return { topics, data };
}

describe('createLogDecoder', () => {
  const erc20 = parseAbi([
    'event Transfer(address indexed from, address indexed to, uint256 value)',
  ]);

  it('decodes a Transfer with checksummed addresses and uint256 max as a decimal string', () => {
    const decode = createLogDecoder(erc20);
    const log = logOf(
      erc20,
      'Transfer',
      { from: alice.toLowerCase(), to: bob.toLowerCase() },
      [{ type: 'uint256' }],
      [maxUint256],
    );
    expect(decode(log)).toEqual({
      eventName: 'Transfer',
      signature: 'Transfer(address,address,uint256)',
      args: { from: alice, to: bob, value: maxUint256.toString() },
    });
  });

  it('accepts upper-case hex in topic0 and topics', () => {
    const decode = createLogDecoder(erc20);
    const log = logOf(erc20, 'Transfer', { from: alice, to: bob }, [{ type: 'uint256' }], [5n]);
    const shouted = {
      topics: log.topics.map((topic) => `0x${topic.slice(2).toUpperCase()}` as Hex),
      data: log.data,
    };
    expect(decode(shouted)?.args).toEqual({ from: alice, to: bob, value: '5' });
  });

  it('decodes static data words: int256 negative, int24 negative, bool, bytes32, uint8, address in data', () => {
    const abi = parseAbi([
      'event Static(int256 delta, int24 tick, bool active, bytes32 id, uint8 small, address who, bytes4 selector)',
    ]);
    const decode = createLogDecoder(abi);
    const id = keccak256(toHex('id'));
    const log = logOf(
      abi,
      'Static',
      {},
      [
        { type: 'int256' },
        { type: 'int24' },
        { type: 'bool' },
        { type: 'bytes32' },
        { type: 'uint8' },
        { type: 'address' },
        { type: 'bytes4' },
      ],
      [-(2n ** 255n), -887_272, true, id, 255, alice.toLowerCase(), '0xa9059cbb'],
    );
    expect(decode(log)?.args).toEqual({
      delta: (-(2n ** 255n)).toString(),
      tick: '-887272',
      active: true,
      id,
      small: '255',
      who: alice,
      selector: '0xa9059cbb',
    });
  });

  it('decodes static indexed values from topics: int256 negative, bool, bytes32', () => {
    const abi = parseAbi([
      'event Indexed(int256 indexed delta, bool indexed flag, bytes32 indexed key)',
    ]);
    const decode = createLogDecoder(abi);
    const key = keccak256(toHex('key'));
    const log = logOf(abi, 'Indexed', { delta: -42n, flag: false, key }, [], []);
    expect(decode(log)?.args).toEqual({ delta: '-42', flag: false, key });
  });

  it('decodes dynamic data: bytes, string, uint256[], address[]', () => {
    const abi = parseAbi([
      'event Dynamic(bytes blob, string note, uint256[] amounts, address[] recipients, bool done)',
    ]);
    const decode = createLogDecoder(abi);
    const log = logOf(
      abi,
      'Dynamic',
      {},
      [
        { type: 'bytes' },
        { type: 'string' },
        { type: 'uint256[]' },
        { type: 'address[]' },
        { type: 'bool' },
      ],
      [
        '0xDEADBEEF',
        'héllo, world',
        [0n, maxUint256],
        [alice.toLowerCase(), bob.toLowerCase()],
        true,
      ],
    );
    expect(decode(log)?.args).toEqual({
      blob: '0xdeadbeef',
      note: 'héllo, world',
      amounts: ['0', maxUint256.toString()],
      recipients: [alice, bob],
      done: true,
    });
  });

  it('decodes a tuple and a nested tuple array into objects keyed by component name', () => {
    const abi = parseAbi([
      'struct Leg { address token; int256 amount; }',
      'struct Order { uint256 id; Leg[] legs; string memo; }',
      'event Placed(address indexed maker, Order order, (uint256, bool) pair)',
    ]);
    const decode = createLogDecoder(abi);
    const order = {
      id: 7n,
      legs: [
        { token: bob.toLowerCase(), amount: -5n },
        { token: alice, amount: 10n },
      ],
      memo: 'two legs',
    };
    const placed = abi.find((entry) => entry.type === 'event')!;
    const dataParams = placed.inputs.filter((input) => !(input as { indexed?: boolean }).indexed);
    const log = {
      topics: encodeEventTopics({ abi, eventName: 'Placed', args: { maker: alice } }) as Hex[],
      data: encodeAbiParameters(dataParams, [order, [3n, true]] as never),
    };
    expect(decode(log)).toEqual({
      eventName: 'Placed',
      signature: 'Placed(address,(uint256,(address,int256)[],string),(uint256,bool))',
      args: {
        maker: alice,
        order: {
          id: '7',
          legs: [
            { token: bob, amount: '-5' },
            { token: alice, amount: '10' },
          ],
          memo: 'two legs',
        },
        pair: { arg0: '3', arg1: true },
      },
    });
  });

  it('keeps an indexed string (and other indexed dynamic values) as its topic hash', () => {
    const abi = parseAbi([
      'event Named(string indexed name, uint256[] indexed ids, bytes indexed blob, string plain)',
    ]);
    const decode = createLogDecoder(abi);
    // viem cannot encode an indexed array as a filter topic; its topic is the hash of its encoded words.
    const idsTopic = keccak256(
      encodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }], [1n, 2n]),
    );
    const log = logOf(
      abi,
      'Named',
      { name: 'vigil', blob: '0x1234' },
      [{ type: 'string' }],
      ['plain text'],
    );
    log.topics[2] = idsTopic;
    expect(log.topics[1]).toBe(keccak256(toHex('vigil')));
    expect(decode(log)?.args).toEqual({
      name: log.topics[1],
      ids: log.topics[2],
      blob: log.topics[3],
      plain: 'plain text',
    });
  });

  it('names unnamed parameters arg0, arg1… by position', () => {
    const abi: Abi = [
      {
        type: 'event',
        name: 'Anon',
        inputs: [
          { type: 'address', indexed: true },
          { type: 'uint256', name: 'value' },
          { type: 'bool' },
        ],
      },
    ];
    const decode = createLogDecoder(abi);
    const log = {
      topics: encodeEventTopics({ abi, eventName: 'Anon', args: [alice] } as never) as Hex[],
      data: encodeAbiParameters([{ type: 'uint256' }, { type: 'bool' }], [9n, true]),
    };
    expect(decode(log)?.args).toEqual({ arg0: alice, value: '9', arg2: true });
  });

  it('tells overloaded events apart by topic0', () => {
    const abi = parseAbi([
      'event Deposit(address indexed account, uint256 amount)',
      'event Deposit(address indexed account, uint256 amount, bytes32 ref)',
    ]);
    const decode = createLogDecoder(abi);
    const ref = keccak256(toHex('ref'));
    const short = {
      topics: encodeEventTopics({ abi: [abi[0]], args: { account: alice } } as never) as Hex[],
      data: encodeAbiParameters([{ type: 'uint256' }], [1n]),
    };
    const long = {
      topics: encodeEventTopics({ abi: [abi[1]], args: { account: alice } } as never) as Hex[],
      data: encodeAbiParameters([{ type: 'uint256' }, { type: 'bytes32' }], [2n, ref]),
    };
    expect(decode(short)).toEqual({
      eventName: 'Deposit',
      signature: 'Deposit(address,uint256)',
      args: { account: alice, amount: '1' },
    });
    expect(decode(long)).toEqual({
      eventName: 'Deposit',
      signature: 'Deposit(address,uint256,bytes32)',
      args: { account: alice, amount: '2', ref },
    });
  });

  it('picks the indexed layout that fits when two events share topic0 (ERC-20 vs ERC-721 Transfer)', () => {
    const erc721 = parseAbi([
      'event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)',
    ]);
    const decode = createLogDecoder([...erc20, ...erc721]);
    const fungible = logOf(
      erc20,
      'Transfer',
      { from: alice, to: bob },
      [{ type: 'uint256' }],
      [10n],
    );
    const nft = {
      topics: encodeEventTopics({
        abi: erc721,
        eventName: 'Transfer',
        args: { from: alice, to: bob, tokenId: 77n },
      }) as Hex[],
      data: '0x' as Hex,
    };
    expect(decode(fungible)?.args).toEqual({ from: alice, to: bob, value: '10' });
    expect(decode(nft)?.args).toEqual({ from: alice, to: bob, tokenId: '77' });
  });

  it('decodes uint words small and large exactly, and refuses a non-hex tail behind zeros', () => {
    const decode = createLogDecoder(erc20);
    for (const value of [
      0n,
      1n,
      2n ** 52n - 1n,
      2n ** 52n,
      2n ** 53n + 1n,
      2n ** 64n + 7n,
      maxUint256,
    ]) {
      const log = logOf(
        erc20,
        'Transfer',
        { from: alice, to: bob },
        [{ type: 'uint256' }],
        [value],
      );
      expect(decode(log)?.args.value).toBe(value.toString());
    }
    const good = logOf(erc20, 'Transfer', { from: alice, to: bob }, [{ type: 'uint256' }], [1n]);
    for (const tail of ['000000000000z', 'zzzzzzzzzzzzz', '0000000000x01'])
      expect(decode({ topics: good.topics, data: `0x${'0'.repeat(51)}${tail}` as Hex })).toBeNull();
  });

  it('returns null, never throws, for logs that do not fit', () => {
    const decode = createLogDecoder(erc20);
    const good = logOf(erc20, 'Transfer', { from: alice, to: bob }, [{ type: 'uint256' }], [1n]);
    expect(decode({ topics: good.topics.slice(0, 2), data: good.data })).toBeNull(); // wrong topic count
    expect(decode({ topics: [...good.topics, good.topics[1]!], data: good.data })).toBeNull();
    expect(decode({ topics: good.topics, data: '0x' })).toBeNull(); // data too short
    expect(decode({ topics: good.topics, data: '0x1234' })).toBeNull();
    expect(
      decode({ topics: [good.topics[0]!, '0x12', good.topics[2]!], data: good.data }),
    ).toBeNull(); // short topic
    expect(decode({ topics: [], data: '0x' })).toBeNull();
    expect(decode({ topics: [keccak256(toHex('Unknown()'))], data: '0x' })).toBeNull();
    expect(decode({ topics: good.topics, data: `0x${'zz'.repeat(32)}` as Hex })).toBeNull(); // not hex
  });

  it('decodes empty dynamic values and agrees with viem on the generic path', () => {
    const abi = parseAbi(['event Empty(bytes blob, string note, int8[] deltas)']);
    const decode = createLogDecoder(abi);
    const empty = logOf(
      abi,
      'Empty',
      {},
      [{ type: 'bytes' }, { type: 'string' }, { type: 'int8[]' }],
      ['0x', '', []],
    );
    expect(decode(empty)?.args).toEqual({ blob: '0x', note: '', deltas: [] });
    const filled = logOf(
      abi,
      'Empty',
      {},
      [{ type: 'bytes' }, { type: 'string' }, { type: 'int8[]' }],
      ['0x00ff', '✓ 日本', [-128, 127]],
    );
    expect(decode(filled)?.args).toEqual({
      blob: '0x00ff',
      note: '✓ 日本',
      deltas: ['-128', '127'],
    });
  });

  it('returns null for malformed dynamic data', () => {
    const abi = parseAbi(['event Note(string text)']);
    const decode = createLogDecoder(abi);
    const good = logOf(abi, 'Note', {}, [{ type: 'string' }], ['hello']);
    expect(decode(good)?.args).toEqual({ text: 'hello' });
    // An offset that points far past the end of the data.
    expect(
      decode({ topics: good.topics, data: `0x${'ff'.repeat(32)}${good.data.slice(66)}` as Hex }),
    ).toBeNull();
    // A length that runs past the end of the data.
    expect(decode({ topics: good.topics, data: good.data.slice(0, -64) as Hex })).toBeNull();
    const uint256Array = parseAbi(['event Amounts(uint256[] amounts)']);
    const amounts = logOf(uint256Array, 'Amounts', {}, [{ type: 'uint256[]' }], [[1n, 2n]]);
    expect(
      createLogDecoder(uint256Array)({
        topics: amounts.topics,
        data: amounts.data.slice(0, -64) as Hex,
      }),
    ).toBeNull();
  });

  it('returns null for anonymous events (they have no topic0 to match)', () => {
    const abi: Abi = [
      {
        type: 'event',
        name: 'Silent',
        anonymous: true,
        inputs: [{ type: 'uint256', name: 'x', indexed: true }],
      },
    ];
    const decode = createLogDecoder(abi);
    expect(decode({ topics: [toHex(5n, { size: 32 })], data: '0x' })).toBeNull();
  });
});

describe('eventSignaturesOf', () => {
  it('lists each non-anonymous event with its canonical signature and topic0', () => {
    const abi: Abi = [
      ...parseAbi([
        'event Transfer(address indexed from, address indexed to, uint256 value)',
        'function f() view returns (uint256)',
      ]),
      { type: 'event', name: 'Silent', anonymous: true, inputs: [] },
    ];
    expect(eventSignaturesOf(abi)).toEqual([
      {
        eventName: 'Transfer',
        signature: 'Transfer(address,address,uint256)',
        topic0: '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef',
      },
    ]);
  });
});
