// One ABI for a proxy's address: the proxy's own standard events (so its upgrades decode), the
// ABI the operator gave, and its implementations' or facets' ABIs, each event and function once.
import { formatAbiItem } from 'viem/utils';
import type { AbiEvent, AbiFunction } from 'viem';
import { parseAbi, toFunctionSelector } from 'viem';
import type { ProxyKind } from './detect-proxy.ts';

const eip1967Events = parseAbi([
  'event Upgraded(address indexed implementation)',
  'event BeaconUpgraded(address indexed beacon)',
  'event AdminChanged(address previousAdmin, address newAdmin)',
]);
const diamondEvents = parseAbi([
  'struct FacetCut { address facetAddress; uint8 action; bytes4[] functionSelectors; }',
  'event DiamondCut(FacetCut[] _diamondCut, address _init, bytes _calldata)',
]);
const safeEvents = parseAbi(['event ChangedMasterCopy(address singleton)']);

/** The events a proxy of this kind emits itself when it is upgraded or changes hands. */
export function proxyEvents(kind: ProxyKind): readonly AbiEvent[] {
  switch (kind) {
    case 'diamond':
      return diamondEvents as readonly AbiEvent[];
    case 'safe':
      return safeEvents as readonly AbiEvent[];
    default:
      return eip1967Events as readonly AbiEvent[];
  }
}

/** The events a proxy's upgrade shows as, for the built-in alert rule. */
export function upgradeEventNames(kind: ProxyKind): string[] {
  if (kind === 'diamond') return ['DiamondCut'];
  if (kind === 'safe') return ['ChangedMasterCopy'];
  return kind === 'beacon' ? ['BeaconUpgraded'] : ['Upgraded'];
}

function keyOf(item: Record<string, unknown>): string {
  if (item['type'] === 'event' || item['type'] === 'function' || item['type'] === 'error') {
    try {
      return `${String(item['type'])}:${formatAbiItem(item as never)}`;
    } catch {
      return JSON.stringify(item);
    }
  }
  // One constructor, fallback and receive: the first one given wins.
  return String(item['type']);
}

/** Every item of the given ABIs, in order, each signature once (the first one given wins). */
export function mergeAbis(...abis: readonly (readonly unknown[])[]): unknown[] {
  const seen = new Set<string>();
  const merged: unknown[] = [];
  for (const abi of abis)
    for (const item of abi) {
      const key = keyOf(item as Record<string, unknown>);
      if (seen.has(key)) continue;
      seen.add(key);
      merged.push(item);
    }
  return merged;
}

/**
 * The implementations an ABI covers. A diamond's facet is covered when the ABI has every function
 * the loupe routes to it (a facet's events cannot be told apart, its functions can); any other
 * proxy's implementation is taken as covered by the ABI the operator gave for it.
 */
export function implementationsCovered(
  implementations: readonly string[],
  abi: readonly unknown[],
  selectors?: Readonly<Record<string, readonly string[]>>,
): string[] {
  if (!selectors) return [...implementations];
  const known = new Set<string>();
  for (const item of abi as { type?: unknown }[])
    if (item.type === 'function')
      try {
        known.add(toFunctionSelector(item as AbiFunction).toLowerCase());
      } catch {
        // An entry viem cannot read is no function of this facet.
      }
  return implementations.filter((address) =>
    (selectors[address] ?? []).every((selector) => known.has(selector.toLowerCase())),
  );
}
