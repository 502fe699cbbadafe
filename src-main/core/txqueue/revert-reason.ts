// A revert's data in words an operator can act on: Error(string), Panic(uint256) with what the
// code means, or a custom error decoded from the target's ABI when Vigil watches the target.
import { decodeErrorResult, type Abi, type Hex } from 'viem';
import { wireArgs } from '../abi/index.ts';
import { causeChain } from '../chains/index.ts';

const panicReasons: Record<number, string> = {
  0x00: 'generic compiler panic',
  0x01: 'assertion failed',
  0x11: 'arithmetic overflow or underflow',
  0x12: 'division or modulo by zero',
  0x21: 'conversion to an enum out of range',
  0x22: 'badly encoded storage byte array',
  0x31: 'pop on an empty array',
  0x32: 'array index out of bounds',
  0x41: 'out of memory',
  0x51: 'call to an uninitialised function',
};

export function describeRevert(data: Hex | null | undefined, abi?: Abi): string {
  if (!data || data === '0x') return 'reverted without a reason';
  try {
    const decoded = decodeErrorResult({ abi: abi ?? [], data });
    if (decoded.errorName === 'Error') return `Error("${String(decoded.args?.[0] ?? '')}")`;
    if (decoded.errorName === 'Panic') {
      const code = Number(decoded.args?.[0] ?? 0);
      return `Panic(0x${code.toString(16).padStart(2, '0')}: ${panicReasons[code] ?? 'unknown panic code'})`;
    }
    const inputs = 'inputs' in decoded.abiItem ? decoded.abiItem.inputs : [];
    const args = wireArgs(inputs, (decoded.args ?? []) as readonly unknown[]);
    return `${decoded.errorName}(${Object.entries(args)
      .map(([name, value]) => `${name}: ${JSON.stringify(value)}`)
      .join(', ')})`;
  } catch {
    return `reverted with data ${data.length > 74 ? `${data.slice(0, 74)}…` : data} (not an error the target's ABI declares)`;
  }
}

/** The revert data a node sent with an execution error, wherever the transport put it. */
export function revertDataOf(error: unknown): Hex | undefined {
  const isHex = (value: unknown): value is Hex =>
    typeof value === 'string' && /^0x[0-9a-fA-F]*$/.test(value);
  for (const link of causeChain(error)) {
    const data = (link as { data?: unknown }).data;
    if (isHex(data)) return data;
    const nested = (data as { data?: unknown } | null | undefined)?.data;
    if (isHex(nested)) return nested;
  }
  return undefined;
}

/** The node's own words for an execution error ("execution reverted: …", "nonce too low"). */
export function nodeMessageOf(error: unknown): string {
  const details = (error as { details?: unknown }).details;
  if (typeof details === 'string') return details;
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
