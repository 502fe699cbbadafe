// How a contract's amounts read, from the chain: ERC-20's decimals() and symbol(), each called
// once. Tokens differ in what they answer: no decimals() at all (not a token, or one that never
// said: integers are shown), a symbol as a string or as a bytes32 (early tokens such as MKR), or
// nonsense (a decimals above 77 cannot be a uint256's scale). Only the node being unreachable is
// an error: everything a contract answers, or fails to, is a fact about it.
import { decodeAbiParameters, hexToString, type Hex } from 'viem';
import type { TokenDisplayInfo } from '../../ipc/contract.ts';

/** The node's JSON-RPC, as the chain's RPC pool gives it. */
export type RpcRequest = <T>(method: string, params?: unknown[]) => Promise<T>;

const DECIMALS_SELECTOR = '0x313ce567';
const SYMBOL_SELECTOR = '0x95d89b41';
const MAX_SYMBOL_LENGTH = 32;

/**
 * A revert or an "execution" answer: the contract has no such function, or refused it. anvil
 * words a halt on an invalid opcode (a delegate call into nothing, a 0xfe) as "EVM error".
 */
export function isContractAnswer(error: unknown): boolean {
  const text = String((error as { message?: unknown })?.message ?? error);
  const code = (error as { code?: unknown })?.code;
  return code === 3 || code === -32000 || /revert|execution|invalid opcode|EVM error/i.test(text);
}

async function call(request: RpcRequest, to: string, data: string): Promise<Hex | null> {
  try {
    const answer = await request<Hex>('eth_call', [{ to, data }, 'latest']);
    return answer && answer !== '0x' ? answer : null;
  } catch (error) {
    if (isContractAnswer(error)) return null;
    throw error;
  }
}

export function decodeDecimals(answer: Hex | null): number | null {
  if (!answer || answer.length !== 66) return null;
  const value = BigInt(answer);
  return value <= 77n ? Number(value) : null;
}

/** A printable symbol from a string or a bytes32 answer; null for anything else. */
export function decodeSymbol(answer: Hex | null): string | null {
  if (!answer) return null;
  let text: string | null = null;
  if (answer.length === 66) {
    text = hexToString(answer).replace(/\0+$/, '');
  } else {
    try {
      [text] = decodeAbiParameters([{ type: 'string' }], answer) as [string];
    } catch {
      return null;
    }
  }
  text = text.trim();
  if (text === '' || text.length > MAX_SYMBOL_LENGTH || /\p{C}/u.test(text)) return null;
  return text;
}

export async function readTokenDisplay(
  request: RpcRequest,
  address: string,
): Promise<TokenDisplayInfo> {
  const [decimals, symbol] = await Promise.all([
    call(request, address, DECIMALS_SELECTOR).then(decodeDecimals),
    call(request, address, SYMBOL_SELECTOR).then(decodeSymbol),
  ]);
  return { decimals, symbol: decimals === null ? null : symbol, source: 'chain' };
}
