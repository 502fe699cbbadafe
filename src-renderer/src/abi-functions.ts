// A watched contract's functions that change state, by signature: what the compose form offers
// to call and what an automation policy may allow.
import type { WatchedContract } from '@contract';

export interface AbiParam {
  name?: string;
  type: string;
  components?: AbiParam[];
}

export interface AbiFunctionItem {
  type: 'function';
  name: string;
  inputs: AbiParam[];
  stateMutability?: string;
}

/** `(address,uint256)[]` for a tuple array: the canonical type a signature names. */
export function typeText(param: AbiParam): string {
  if (param.type.startsWith('tuple')) {
    return `(${(param.components ?? []).map(typeText).join(',')})${param.type.slice(5)}`;
  }
  return param.type;
}

/** Functions that change state (the only ones worth sending), by signature. */
export function writableFunctions(
  contract: WatchedContract | undefined,
): { signature: string; fn: AbiFunctionItem }[] {
  if (!contract) return [];
  const functions = (contract.abi as AbiFunctionItem[]).filter(
    (item) =>
      item?.type === 'function' &&
      item.stateMutability !== 'view' &&
      item.stateMutability !== 'pure',
  );
  return functions.map((fn) => ({
    signature: `${fn.name}(${fn.inputs.map(typeText).join(',')})`,
    fn,
  }));
}
