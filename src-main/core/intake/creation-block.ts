// The block a contract was created in, found from the chain itself so the operator need not guess
// a start block: code appears at an address once and (short of selfdestruct) stays, so a binary
// search over eth_getCode at past blocks finds the first block that has it in about log2(head)
// calls. It needs a node that answers for old state (an archive node, or anvil).
import { VigilError } from '../errors/index.ts';

/** The one RPC call this needs; an RpcPool is one. */
export interface CodeReader {
  request<T>(method: string, params?: unknown[]): Promise<T>;
}

export interface FindCreationBlockParameters {
  chainId: number;
  address: string;
  /** The block to search up to; the chain's head when absent. */
  head?: number;
  /** Which input the errors name. */
  field?: string;
}

const hexBlock = (block: number): string => `0x${block.toString(16)}`;

async function hasCodeAt(
  rpc: CodeReader,
  parameters: FindCreationBlockParameters,
  block: number,
): Promise<boolean> {
  try {
    const code = await rpc.request<string>('eth_getCode', [parameters.address, hexBlock(block)]);
    return typeof code === 'string' && code !== '0x' && code !== '0x0' && code !== '';
  } catch (error) {
    throw new VigilError(
      'NOT_AVAILABLE',
      `Could not read the code of ${parameters.address} at block ${block} on chain ${parameters.chainId} to find its creation block (${(error as Error).message}). The RPC may keep no old state (not an archive node); give the start block yourself.`,
      { field: parameters.field ?? 'startBlock', cause: error },
    );
  }
}

/** Throws NO_CODE when nothing is deployed at the address at the head. */
export async function requireCode(
  rpc: CodeReader,
  parameters: FindCreationBlockParameters & { head: number },
): Promise<void> {
  if (!(await hasCodeAt(rpc, parameters, parameters.head)))
    throw new VigilError(
      'NO_CODE',
      `No contract is deployed at ${parameters.address} on chain ${parameters.chainId} (no code at block ${parameters.head}). Check the address and the chain.`,
      { field: parameters.field ?? 'address', details: { address: parameters.address } },
    );
}

/** The first block at which the address has code. */
export async function findCreationBlock(
  rpc: CodeReader,
  parameters: FindCreationBlockParameters,
): Promise<number> {
  const head = parameters.head ?? Number.parseInt(await rpc.request<string>('eth_blockNumber'), 16);
  await requireCode(rpc, { ...parameters, head });
  // Invariant: no code at low - 1 (or low is 0), code at high.
  let low = 0;
  let high = head;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (await hasCodeAt(rpc, parameters, middle)) high = middle;
    else low = middle + 1;
  }
  return high;
}
