// Writes chains and contracts as a workspace file that parseWorkspace reads back to the same
// configuration. ABIs go inline: as human-readable signatures when that loses nothing, else as
// JSON entries, one flow mapping per line.
import { formatAbiItem } from 'abitype';
import { Document, isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseAbi, type Abi } from 'viem';
import type { Chain, Retention } from '../../ipc/contract.ts';

export interface SerializeWorkspaceInput {
  chains: Chain[];
  contracts: {
    name: string;
    chainId: number;
    address: string;
    startBlock: number;
    abi: readonly unknown[];
    retention?: Retention;
    /** Written only when set by hand (source absent: from a workspace file, so by hand too). */
    token?: { decimals: number | null; symbol: string | null; source?: 'chain' | 'operator' };
  }[];
  /** Alert rules as the alerts capability writes them (no secrets). */
  rules?: Record<string, unknown>[];
  /** Automation policies as written (their terms; never whether they are enabled). */
  policies?: Record<string, unknown>[];
  /** Schedules as the schedules capability writes them. */
  schedules?: Record<string, unknown>[];
}

const header =
  'Vigil workspace: chains, the contracts watched on them, alert rules, automation policies and schedules (both imported disabled). Import it with Vigil, or keep it in git.';

export function serializeWorkspace(workspace: SerializeWorkspaceInput): string {
  const document = new Document({
    version: 1,
    chains: workspace.chains.map((chain) => ({
      name: chain.name,
      chainId: chain.chainId,
      rpcUrls: chain.rpcUrls,
      confirmations: chain.confirmations,
      ...(chain.explorerUrl ? { explorerUrl: chain.explorerUrl } : {}),
    })),
    contracts: workspace.contracts.map((contract) => ({
      name: contract.name,
      chainId: contract.chainId,
      address: contract.address,
      startBlock: contract.startBlock,
      ...(contract.retention ? { retention: contract.retention } : {}),
      // Only the operator's setting: what the chain says is read again wherever the file goes.
      ...(contract.token && contract.token.source !== 'chain' && contract.token.decimals !== null
        ? { token: { decimals: contract.token.decimals, symbol: contract.token.symbol } }
        : {}),
      abi: abiForFile(contract.abi as Abi),
    })),
    ...(workspace.rules && workspace.rules.length > 0 ? { rules: workspace.rules } : {}),
    ...(workspace.policies && workspace.policies.length > 0
      ? { policies: workspace.policies }
      : {}),
    ...(workspace.schedules && workspace.schedules.length > 0
      ? { schedules: workspace.schedules }
      : {}),
  });
  document.commentBefore = ` ${header}`;

  const chains = document.get('chains') as YAMLSeq<YAMLMap>;
  for (const chain of chains.items) {
    const rpcUrls = chain.get('rpcUrls', true);
    if (isSeq(rpcUrls)) rpcUrls.flow = true;
  }
  const contracts = document.get('contracts') as YAMLSeq<YAMLMap>;
  for (const contract of contracts.items) {
    for (const key of ['retention', 'token']) {
      const value = contract.get(key, true);
      if (isMap(value)) value.flow = true;
    }
    const abi = contract.get('abi', true);
    // A JSON entry reads best on one line; a nested block layout of a big ABI runs to pages.
    if (isSeq(abi)) for (const entry of abi.items) if (isMap(entry)) entry.flow = true;
  }
  const rules = document.get('rules') as YAMLSeq<YAMLMap> | undefined;
  for (const rule of rules?.items ?? []) {
    const channels = rule.get('channels', true);
    if (isSeq(channels))
      for (const channel of channels.items) if (isMap(channel)) channel.flow = true;
  }
  // lineWidth 0: never fold long signatures or URLs across lines.
  return document.toString({ lineWidth: 0 });
}

/** Signatures when they describe the ABI exactly (minus compiler-only fields), else the JSON entries. */
function abiForFile(abi: Abi): string[] | readonly unknown[] {
  try {
    const signatures = abi.map((entry) => formatAbiItem(entry));
    if (sameAbi(parseAbi(signatures), abi)) return signatures;
  } catch {
    // Something signatures cannot say (anonymous events, reserved words as names): keep JSON.
  }
  return abi;
}

function sameAbi(reparsed: Abi, original: Abi): boolean {
  return (
    JSON.stringify(reparsed.map(canonicalEntry)) === JSON.stringify(original.map(canonicalEntry))
  );
}

/** Drops what does not change meaning (internalType, explicit defaults, key order). */
function canonicalEntry(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalEntry);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    const field = record[key];
    if (key === 'internalType') continue;
    if ((key === 'indexed' || key === 'anonymous') && field === false) continue;
    if (key === 'name' && field === '') continue;
    if (key === 'outputs' && Array.isArray(field) && field.length === 0) continue;
    result[key] = canonicalEntry(field);
  }
  return result;
}
