// What kind of proxy sits at an address, read from the chain: the standard storage slots
// (EIP-1967 implementation, beacon and admin; EIP-1822's PROXIABLE), Safe's singleton in slot 0,
// and an EIP-2535 diamond's facets from its loupe. Most production contracts are proxies whose
// own ABI shows nothing useful; knowing what they delegate to is how their events get decoded.
import { decodeFunctionResult, getAddress, parseAbi, type Hex } from 'viem';
import { VigilError } from '../errors/index.ts';
import type { CodeReader } from './creation-block.ts';

export type ProxyKind =
  'eip1967' | 'uups' | 'transparent' | 'beacon' | 'eip1822' | 'safe' | 'diamond';

export interface ProxyInfo {
  kind: ProxyKind;
  /** What the proxy delegates to now: one implementation, or every facet of a diamond. */
  implementations: string[];
  /** The beacon a beacon proxy asks for its implementation. */
  beacon?: string;
  /** The EIP-1967 admin (a transparent proxy's ProxyAdmin). */
  admin?: string;
  /** The head block this was read at. */
  checkedAt: number;
  /** A diamond's function selectors per facet, as its loupe lists them (not stored). */
  selectors?: Record<string, string[]>;
}

/** keccak256('eip1967.proxy.implementation') - 1, and the same for beacon and admin. */
export const eip1967Slots = {
  implementation: '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc',
  beacon: '0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50',
  admin: '0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103',
} as const;
/** keccak256('PROXIABLE'): where EIP-1822 proxies keep their logic contract. */
export const eip1822Slot = '0xc5f16f0fcc639fa48a6947836d9850f504798523bf8c9a3a87d5876cf622bcf7';

const probes = parseAbi([
  'function implementation() view returns (address)',
  'function proxiableUUID() view returns (bytes32)',
  'function masterCopy() view returns (address)',
  'function facets() view returns ((address facetAddress, bytes4[] functionSelectors)[])',
]);
const selectors = {
  implementation: '0x5c60da1b',
  proxiableUUID: '0x52d1902d',
  masterCopy: '0xa619486e',
  facets: '0x7a0ed627',
} as const;

export interface DetectProxyParameters {
  chainId: number;
  address: string;
  head: number;
  /** Which input the errors name. */
  field?: string;
}

function slotAddress(word: string | null | undefined): string | undefined {
  if (!word || !/^0x[0-9a-fA-F]*$/.test(word)) return undefined;
  const hex = word.slice(2).padStart(64, '0');
  if (!/^0{24}/.test(hex)) return undefined;
  const address = `0x${hex.slice(24)}`;
  return /^0x0{40}$/.test(address) ? undefined : getAddress(address);
}

/**
 * The proxy at `address`, or null when it is not one Vigil recognises. Throws NO_CODE when the
 * address, or what the proxy points at, has no code: watching that would decode nothing.
 */
export async function detectProxy(
  rpc: CodeReader,
  parameters: DetectProxyParameters,
): Promise<ProxyInfo | null> {
  const block = `0x${parameters.head.toString(16)}`;
  const storage = (slot: string) =>
    rpc.request<string>('eth_getStorageAt', [parameters.address, slot, block]);
  // A call that reverts or answers nothing is simply "not this kind"; a node error is not.
  const call = async (to: string, data: string): Promise<Hex | undefined> => {
    try {
      const answer = await rpc.request<Hex>('eth_call', [{ to, data }, block]);
      return answer && answer !== '0x' ? answer : undefined;
    } catch {
      return undefined;
    }
  };
  const code = async (address: string) => {
    const answer = await rpc.request<string>('eth_getCode', [address, block]);
    return typeof answer === 'string' && answer !== '0x' && answer !== '';
  };
  const pointsAtCode = async (target: string, what: string): Promise<string> => {
    if (!(await code(target)))
      throw new VigilError(
        'NO_CODE',
        `${parameters.address} on chain ${parameters.chainId} is a proxy whose ${what} is ${target}, which has no code at block ${parameters.head}: nothing it would run can be decoded. Check the chain, or wait until the implementation is deployed.`,
        {
          field: parameters.field ?? 'address',
          details: { proxy: parameters.address, target, what },
        },
      );
    return target;
  };
  const decodeAddress = (functionName: 'implementation' | 'masterCopy', data: Hex | undefined) => {
    if (!data) return undefined;
    try {
      return slotAddress(
        `0x${(decodeFunctionResult({ abi: probes, functionName, data }) as string).slice(2).padStart(64, '0')}`,
      );
    } catch {
      return undefined;
    }
  };

  if (!(await code(parameters.address)))
    throw new VigilError(
      'NO_CODE',
      `No contract is deployed at ${parameters.address} on chain ${parameters.chainId} (no code at block ${parameters.head}). Check the address and the chain.`,
      { field: parameters.field ?? 'address', details: { address: parameters.address } },
    );
  const base = { checkedAt: parameters.head };

  const [implementationWord, beaconWord, adminWord] = await Promise.all([
    storage(eip1967Slots.implementation),
    storage(eip1967Slots.beacon),
    storage(eip1967Slots.admin),
  ]);
  const admin = slotAddress(adminWord);
  const implementation = slotAddress(implementationWord);
  if (implementation) {
    await pointsAtCode(implementation, 'EIP-1967 implementation slot');
    const uuid = await call(implementation, selectors.proxiableUUID);
    const kind: ProxyKind = admin
      ? 'transparent'
      : uuid?.toLowerCase() === eip1967Slots.implementation
        ? 'uups'
        : 'eip1967';
    return { kind, implementations: [implementation], ...(admin ? { admin } : {}), ...base };
  }
  const beacon = slotAddress(beaconWord);
  if (beacon) {
    await pointsAtCode(beacon, 'EIP-1967 beacon');
    const fromBeacon = decodeAddress(
      'implementation',
      await call(beacon, selectors.implementation),
    );
    if (!fromBeacon)
      throw new VigilError(
        'NO_CODE',
        `${parameters.address} on chain ${parameters.chainId} is a beacon proxy, but its beacon ${beacon} does not answer implementation().`,
        { field: parameters.field ?? 'address', details: { proxy: parameters.address, beacon } },
      );
    await pointsAtCode(fromBeacon, "beacon's implementation");
    return { kind: 'beacon', implementations: [fromBeacon], beacon, ...base };
  }
  const logic = slotAddress(await storage(eip1822Slot));
  if (logic) {
    await pointsAtCode(logic, 'EIP-1822 logic slot');
    return { kind: 'eip1822', implementations: [logic], ...base };
  }
  const facetsAnswer = await call(parameters.address, selectors.facets);
  if (facetsAnswer) {
    try {
      const facets = decodeFunctionResult({
        abi: probes,
        functionName: 'facets',
        data: facetsAnswer,
      });
      const addresses = [...new Set(facets.map((facet) => getAddress(facet.facetAddress)))];
      if (addresses.length > 0) {
        for (const facet of addresses) await pointsAtCode(facet, 'facet');
        const selectorsOf: Record<string, string[]> = {};
        for (const facet of facets)
          (selectorsOf[getAddress(facet.facetAddress)] ??= []).push(
            ...facet.functionSelectors.map((selector) => selector.toLowerCase()),
          );
        return { kind: 'diamond', implementations: addresses, selectors: selectorsOf, ...base };
      }
    } catch {
      // Not a loupe's answer: not a diamond.
    }
  }
  // Safe's proxy keeps its singleton in slot 0 and answers masterCopy() with it; slot 0 alone
  // holds an address in many contracts that are no proxy at all.
  const singleton = slotAddress(await storage('0x0'));
  if (singleton) {
    const answered = decodeAddress(
      'masterCopy',
      await call(parameters.address, selectors.masterCopy),
    );
    if (answered === singleton) {
      await pointsAtCode(singleton, 'Safe singleton (slot 0)');
      return { kind: 'safe', implementations: [singleton], ...base };
    }
  }
  return null;
}

/** Whether two checks of the same proxy disagree on what it delegates to. */
export function proxyChanged(before: ProxyInfo, after: ProxyInfo | null): boolean {
  if (!after) return true;
  const key = (info: ProxyInfo) =>
    JSON.stringify([info.kind, [...info.implementations].sort(), info.beacon ?? null]);
  return key(before) !== key(after);
}
