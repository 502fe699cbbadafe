// Log decoding throughput: Vigil's precomputed decoder against viem's generic decodeEventLog,
// on synthetic ERC-20 Transfer logs and on a mixed set. Prints logs/s; not a pass/fail test.
// Run: node --import tsx bench/decode.ts
import { decodeEventLog, encodeAbiParameters, encodeEventTopics, parseAbi, type Hex } from 'viem';
import { createLogDecoder } from '../src-main/core/abi/index.ts';

const abi = parseAbi([
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'event Approval(address indexed owner, address indexed spender, uint256 value)',
  'event Swap(address indexed sender, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)',
  'event Memo(address indexed author, string text, bytes payload)',
  'event Batch(uint256 indexed id, address[] recipients, uint256[] amounts)',
]);

const logCount = 200_000;
// A realistic spread of addresses: a few hundred distinct holders, not 200k unique ones.
const holders: Hex[] = Array.from(
  { length: 500 },
  (_, index) => `0x${(index * 7919 + 1).toString(16).padStart(40, '0')}` as Hex,
);

function transferLog(index: number): { topics: Hex[]; data: Hex } {
  const topics = encodeEventTopics({
    abi,
    eventName: 'Transfer',
    args: { from: holders[index % holders.length], to: holders[(index * 31) % holders.length] },
  }) as Hex[];
  return { topics, data: encodeAbiParameters([{ type: 'uint256' }], [BigInt(index) * 10n ** 15n]) };
}

/** The checksum cache's worst case: every log carries two addresses never seen before. */
function uniqueTransferLog(index: number): { topics: Hex[]; data: Hex } {
  const from = `0x${(index * 2 + 1).toString(16).padStart(40, 'a')}` as Hex;
  const to = `0x${(index * 2 + 2).toString(16).padStart(40, 'b')}` as Hex;
  const topics = encodeEventTopics({ abi, eventName: 'Transfer', args: { from, to } }) as Hex[];
  return { topics, data: encodeAbiParameters([{ type: 'uint256' }], [BigInt(index)]) };
}

function mixedLog(index: number): { topics: Hex[]; data: Hex } {
  const who = holders[index % holders.length]!;
  switch (index % 4) {
    case 0:
      return transferLog(index);
    case 1:
      return {
        topics: encodeEventTopics({ abi, eventName: 'Swap', args: { sender: who } }) as Hex[],
        data: encodeAbiParameters(
          [
            { type: 'int256' },
            { type: 'int256' },
            { type: 'uint160' },
            { type: 'uint128' },
            { type: 'int24' },
          ],
          [-BigInt(index), BigInt(index) * 3n, 2n ** 96n, 10n ** 18n, -887_000],
        ),
      };
    case 2:
      return {
        topics: encodeEventTopics({ abi, eventName: 'Memo', args: { author: who } }) as Hex[],
        data: encodeAbiParameters(
          [{ type: 'string' }, { type: 'bytes' }],
          [`memo number ${index}`, '0xdeadbeef'],
        ),
      };
    default:
      return {
        topics: encodeEventTopics({
          abi,
          eventName: 'Batch',
          args: { id: BigInt(index) },
        }) as Hex[],
        data: encodeAbiParameters(
          [{ type: 'address[]' }, { type: 'uint256[]' }],
          [
            [who, holders[(index + 1) % holders.length]!],
            [1n, 2n],
          ],
        ),
      };
  }
}

function measure(
  label: string,
  logs: { topics: Hex[]; data: Hex }[],
  decode: (log: { topics: Hex[]; data: Hex }) => unknown,
): number {
  // Warm up so the JIT and the checksum cache are in their steady state.
  for (let index = 0; index < Math.min(20_000, logs.length); index++) decode(logs[index]!);
  const started = process.hrtime.bigint();
  let decoded = 0;
  for (const log of logs) if (decode(log) !== null) decoded++;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = logs.length / seconds;
  console.log(
    `${label.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} logs/s  (${decoded} decoded, ${seconds.toFixed(2)} s)`,
  );
  return rate;
}

function viemDecode(log: { topics: Hex[]; data: Hex }): unknown {
  return decodeEventLog({ abi, topics: log.topics as [Hex, ...Hex[]], data: log.data });
}

const vigilDecode = createLogDecoder(abi);
const transfers = Array.from({ length: logCount }, (_, index) => transferLog(index));
const mixed = Array.from({ length: logCount }, (_, index) => mixedLog(index));

console.log(`Decoding ${logCount.toLocaleString('en-US')} logs per set (node ${process.version})`);
const vigilTransfers = measure('Vigil createLogDecoder — Transfer', transfers, vigilDecode);
const viemTransfers = measure('viem decodeEventLog — Transfer', transfers, viemDecode);
const unique = Array.from({ length: logCount }, (_, index) => uniqueTransferLog(index));
measure('Vigil — Transfer, all addresses distinct', unique, vigilDecode);
measure('viem — Transfer, all addresses distinct', unique, viemDecode);
const vigilMixed = measure('Vigil createLogDecoder — mixed', mixed, vigilDecode);
const viemMixed = measure('viem decodeEventLog — mixed', mixed, viemDecode);
console.log(
  `Speed-up: Transfer ×${(vigilTransfers / viemTransfers).toFixed(1)}, mixed ×${(vigilMixed / viemMixed).toFixed(1)}`,
);
