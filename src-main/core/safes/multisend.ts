// Batches of calls a Safe runs in one transaction, through MultiSendCallOnly: the Safe
// DELEGATECALLs `multiSend(bytes)`, whose argument packs each call as operation (1 byte), to
// (20), value (32), data length (32) and the data. The CallOnly variant refuses any inner
// DELEGATECALL, so every call Vigil packs or accepts here is operation 0.
import {
  concat,
  decodeFunctionData,
  encodeFunctionData,
  getAddress,
  hexToBigInt,
  numberToHex,
  parseAbi,
  size,
  slice,
  type Address,
  type Hex,
} from 'viem';
import { VigilError } from '../errors/index.ts';

/** Safe 1.4.1's MultiSendCallOnly, at the same address on every chain it was deployed to. */
export const MULTISEND_CALL_ONLY_141: Address = '0x9641d764fc13c8B624c04430C7356C1C7C8102e2';

export const MULTISEND_ABI = parseAbi(['function multiSend(bytes transactions) payable']);

export interface MultiSendCall {
  to: Address;
  value: bigint;
  data: Hex;
}

/** The bytes of one call's header: operation, to, value, data length. */
const HEADER_BYTES = 1 + 20 + 32 + 32;

export function encodeMultiSend(calls: readonly MultiSendCall[]): Hex {
  if (calls.length === 0)
    throw new VigilError('INVALID_INPUT', 'A batch needs at least one call.', { field: 'calls' });
  const packed = calls.map((call) =>
    concat([
      '0x00',
      getAddress(call.to),
      numberToHex(call.value, { size: 32 }),
      numberToHex(size(call.data), { size: 32 }),
      call.data,
    ]),
  );
  return encodeFunctionData({
    abi: MULTISEND_ABI,
    functionName: 'multiSend',
    args: [concat(packed)],
  });
}

function malformed(reason: string, details: Record<string, unknown> = {}): VigilError {
  return new VigilError('INVALID_INPUT', `Not a MultiSendCallOnly batch: ${reason}.`, {
    field: 'data',
    details,
  });
}

/** The calls of a `multiSend(bytes)` calldata, refusing anything MultiSendCallOnly would not run. */
export function decodeMultiSend(data: Hex): MultiSendCall[] {
  let packed: Hex;
  try {
    const decoded = decodeFunctionData({ abi: MULTISEND_ABI, data });
    packed = decoded.args[0];
  } catch (error) {
    throw malformed('the data is not a multiSend(bytes) call', { cause: String(error) });
  }
  const total = size(packed);
  if (total === 0) throw malformed('the batch holds no calls');
  const calls: MultiSendCall[] = [];
  let offset = 0;
  while (offset < total) {
    const index = calls.length;
    if (total - offset < HEADER_BYTES)
      throw malformed(`call ${index} is cut short (${total - offset} bytes left of its header)`, {
        index,
        offset,
      });
    const operation = Number(hexToBigInt(slice(packed, offset, offset + 1)));
    if (operation !== 0)
      throw malformed(
        `call ${index} has operation ${operation}; MultiSendCallOnly runs only calls (0)`,
        { index, offset },
      );
    const to = getAddress(slice(packed, offset + 1, offset + 21));
    const value = hexToBigInt(slice(packed, offset + 21, offset + 53));
    const length = hexToBigInt(slice(packed, offset + 53, offset + HEADER_BYTES));
    const dataStart = offset + HEADER_BYTES;
    if (length > BigInt(total - dataStart))
      throw malformed(
        `call ${index} says its data is ${length} bytes but only ${total - dataStart} follow`,
        { index, offset },
      );
    const end = dataStart + Number(length);
    calls.push({ to, value, data: length === 0n ? '0x' : slice(packed, dataStart, end) });
    offset = end;
  }
  return calls;
}
