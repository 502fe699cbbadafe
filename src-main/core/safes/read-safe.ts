// What a Safe is right now, read from the chain: version, owners, threshold, nonce, modules,
// guard and fallback handler. Only the node being unreachable is thrown as such; an address with
// no code, or a contract that does not answer as an initialised Safe, is a specific error
// because the operator asked to add it as a Safe.
import {
  decodeFunctionResult,
  encodeFunctionData,
  getAddress,
  keccak256,
  toHex,
  zeroAddress,
  type Address,
  type Hex,
} from 'viem';
import { VigilError } from '../errors/index.ts';
import { isContractAnswer, type RpcRequest } from '../tokens/index.ts';
import { SAFE_READ_ABI, SENTINEL_ADDRESS } from './safe-abi.ts';

export interface SafeState {
  address: Address;
  version: string;
  owners: Address[];
  threshold: number;
  nonce: bigint;
  modules: Address[];
  /** null when no guard is set. */
  guard: Address | null;
  /** null when no fallback handler is set. */
  fallbackHandler: Address | null;
}

// Where GuardManager and FallbackManager keep their one address (they are not public getters).
export const GUARD_STORAGE_SLOT = keccak256(toHex('guard_manager.guard.address'));
export const FALLBACK_HANDLER_STORAGE_SLOT = keccak256(toHex('fallback_manager.handler.address'));

const MODULE_PAGE_SIZE = 50n;
// A Safe's module list is a linked list the node walks for us; a cap keeps a hostile contract
// that never ends its list from keeping Vigil reading forever.
const MAX_MODULE_PAGES = 20;

type ReadFunction = (typeof SAFE_READ_ABI)[number]['name'];

function notASafe(address: string, reason: string, cause?: unknown): VigilError {
  return new VigilError(
    'NOT_A_SAFE',
    `${address} is not a Safe: ${reason}. Check the address and the chain.`,
    { field: 'address', details: { address }, ...(cause === undefined ? {} : { cause }) },
  );
}

function slotAddress(word: Hex): Address | null {
  const address = getAddress(`0x${word.slice(-40)}`);
  return address === zeroAddress ? null : address;
}

export async function readSafe(request: RpcRequest, addressInput: string): Promise<SafeState> {
  const address = getAddress(addressInput);

  async function read(functionName: ReadFunction, args: readonly unknown[] = []): Promise<unknown> {
    const data = encodeFunctionData({ abi: SAFE_READ_ABI, functionName, args } as never);
    let answer: Hex;
    try {
      answer = await request<Hex>('eth_call', [{ to: address, data }, 'latest']);
    } catch (error) {
      if (isContractAnswer(error)) throw notASafe(address, `${functionName}() reverted`, error);
      throw error;
    }
    try {
      return decodeFunctionResult({ abi: SAFE_READ_ABI, functionName, data: answer } as never);
    } catch (error) {
      throw notASafe(address, `its ${functionName}() answer is not a Safe's`, error);
    }
  }

  const code = await request<Hex>('eth_getCode', [address, 'latest']);
  if (!code || code === '0x') {
    throw new VigilError('NO_CODE', `Nothing is deployed at ${address} on this chain.`, {
      field: 'address',
      details: { address },
    });
  }
  const [owners, threshold, version, nonce] = await Promise.all([
    read('getOwners') as Promise<readonly Address[]>,
    read('getThreshold') as Promise<bigint>,
    read('VERSION') as Promise<string>,
    read('nonce') as Promise<bigint>,
  ]);
  // The singleton itself, or a proxy never set up, answers like a Safe but has no owners.
  if (owners.length === 0 || threshold === 0n) {
    throw notASafe(address, 'it has no owners (a Safe singleton, or a proxy never set up)');
  }
  const modules: Address[] = [];
  let start: Address = SENTINEL_ADDRESS;
  for (let page = 0; page < MAX_MODULE_PAGES; page += 1) {
    const [array, next] = (await read('getModulesPaginated', [start, MODULE_PAGE_SIZE])) as [
      readonly Address[],
      Address,
    ];
    modules.push(...array);
    if (next === SENTINEL_ADDRESS || next === zeroAddress || array.length === 0) break;
    start = next;
  }
  const [guardWord, handlerWord] = await Promise.all([
    request<Hex>('eth_getStorageAt', [address, GUARD_STORAGE_SLOT, 'latest']),
    request<Hex>('eth_getStorageAt', [address, FALLBACK_HANDLER_STORAGE_SLOT, 'latest']),
  ]);
  return {
    address,
    version,
    owners: [...owners],
    threshold: Number(threshold),
    nonce,
    modules,
    guard: slotAddress(guardWord),
    fallbackHandler: slotAddress(handlerWord),
  };
}
