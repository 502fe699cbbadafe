// Which of an event's arguments are amounts of its contract's token, and how they read: the
// shared formatter (src-main/ipc/amounts.ts) with the contract's decimals and symbol. A contract
// without them (not a token, or not read yet) shows integers as before.
import { formatTokenAmount, formatTokenAmountExact, isAmountArgument } from '@amounts';
import type { EventRow, WatchedContract } from '@contract';

interface AbiEventItem {
  type: string;
  name?: string;
  inputs?: { name?: string; type: string }[];
}

export interface AmountText {
  /** "175.19 DEMO", rounded for reading. */
  text: string;
  /** Every digit with the symbol, for the hover. */
  exact: string;
}

/** The argument's type in the contract's ABI, by its event's or function's name. */
function argumentType(
  contract: WatchedContract,
  item: { type: 'event' | 'function'; name: string | null },
  name: string,
): string | undefined {
  for (const entry of contract.abi as AbiEventItem[]) {
    if (entry.type !== item.type || entry.name !== item.name) continue;
    const input = entry.inputs?.find((candidate) => candidate.name === name);
    if (input) return input.type;
  }
  return undefined;
}

/** How an event's argument reads when it is an amount of the contract's token; else null. */
export function amountText(
  contract: WatchedContract | undefined,
  row: EventRow,
  name: string,
  value: unknown,
): AmountText | null {
  return argumentAmount(contract, { type: 'event', name: row.eventName }, name, value);
}

/** The same for an argument of a call to one of the contract's functions. */
export function argumentAmount(
  contract: WatchedContract | undefined,
  item: { type: 'event' | 'function'; name: string | null },
  name: string,
  value: unknown,
): AmountText | null {
  const token = contract?.token;
  if (!contract || !token || token.decimals === null || typeof value !== 'string') return null;
  const type = argumentType(contract, item, name);
  if (!type || !isAmountArgument(name, type)) return null;
  const display = { decimals: token.decimals, symbol: token.symbol };
  return { text: formatTokenAmount(value, display), exact: formatTokenAmountExact(value, display) };
}
