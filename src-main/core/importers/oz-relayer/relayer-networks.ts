// OpenZeppelin Relayer's networks: given in config.json or in JSON files of a folder it names,
// each possibly inheriting from another of its type by `from` (the child's fields win, a list of
// RPC URLs is replaced, not merged). Only EVM networks become Vigil chains.
import { dirname, isAbsolute, join, normalize } from 'node:path';
import type { ImportFile, ImportProblem } from '../import-plan.ts';
import type { SourceDocument, SourcePath } from '../source-document.ts';
import { isObject, kindOf, readRelayerJson } from './relayer-json.ts';

/** One network entry as written, with where it is. */
export interface NetworkEntry {
  doc: SourceDocument;
  path: SourcePath;
  value: Record<string, unknown>;
  type: string;
  name: string;
}

/** An EVM network with its inheritance resolved. */
export interface EvmNetwork {
  name: string;
  chainId: number;
  rpcUrls: string[];
  confirmations: number | undefined;
}

// The EVM network fields OZ Relayer knows; it refuses any other (deny_unknown_fields).
const evmNetworkKeys = new Set([
  'type',
  'network',
  'from',
  'rpc_urls',
  'average_blocktime_ms',
  'is_testnet',
  'tags',
  'chain_id',
  'required_confirmations',
  'features',
  'symbol',
]);

/** The folders a relative path of config.json may be relative to: the relayer's working folder, then config's own. */
export function candidatePaths(configPath: string, written: string): string[] {
  if (isAbsolute(written)) return [normalize(written)];
  const configDir = dirname(configPath);
  return [normalize(join(dirname(configDir), written)), normalize(join(configDir, written))];
}

/** Every network entry: the `networks` list of config.json, or the files of the folder it names. */
export function readNetworkEntries(
  config: SourceDocument,
  files: readonly ImportFile[],
  problems: ImportProblem[],
): NetworkEntry[] {
  const root = config.value as Record<string, unknown>;
  // OZ Relayer reads ./config/networks when config.json names no networks.
  const networks = root.networks ?? './config/networks';
  const entries: NetworkEntry[] = [];
  const collect = (doc: SourceDocument, listPath: SourcePath, list: unknown): void => {
    if (!Array.isArray(list)) {
      problems.push({
        file: doc.file,
        line: doc.lineOf(listPath),
        message: `${listPath.join('.') || 'networks'}: must be a list of networks, not ${kindOf(list)}`,
      });
      return;
    }
    list.forEach((value, index) => {
      const path = [...listPath, index];
      if (!isObject(value) || typeof value.network !== 'string' || typeof value.type !== 'string') {
        problems.push({
          file: doc.file,
          line: doc.lineOf(path),
          message: `networks[${index}]: must be a network with "type" and "network" names as text`,
        });
        return;
      }
      entries.push({ doc, path, value, type: value.type, name: value.network });
    });
  };
  if (typeof networks === 'string') {
    const folders = candidatePaths(config.file, networks);
    const inFolder = files.filter(
      (file) =>
        file.path !== config.file &&
        /\.json$/i.test(file.path) &&
        folders.some((folder) => normalize(file.path).startsWith(`${folder}/`)),
    );
    if (inFolder.length === 0)
      problems.push({
        file: config.file,
        line: config.lineOf(['networks']),
        message: `networks: no network files under ${networks} among the files given (looked in ${folders.join(' and ')}); import the folder holding config.json and its networks folder`,
      });
    for (const file of inFolder) {
      const doc = readRelayerJson(file, problems);
      if (!doc) continue;
      if (!isObject(doc.value) || !('networks' in doc.value)) {
        problems.push({
          file: doc.file,
          line: 1,
          message: 'a network file must be a JSON object with a "networks" list',
        });
        continue;
      }
      collect(doc, ['networks'], doc.value.networks);
    }
  } else collect(config, ['networks'], networks);
  const seen = new Map<string, NetworkEntry>();
  for (const entry of entries) {
    const key = `${entry.type}:${entry.name}`;
    const earlier = seen.get(key);
    if (earlier)
      problems.push({
        file: entry.doc.file,
        line: entry.doc.lineOf([...entry.path, 'network']),
        message: `network "${entry.name}" (${entry.type}) is defined twice; also in ${earlier.doc.file}:${earlier.doc.lineOf([...earlier.path, 'network'])}`,
      });
    else seen.set(key, entry);
  }
  return entries;
}

/** The EVM network named, its `from` chain followed; undefined (with the problems) if it cannot be. */
export function resolveEvmNetwork(
  name: string,
  entries: readonly NetworkEntry[],
  problems: ImportProblem[],
): EvmNetwork | undefined {
  const chain: NetworkEntry[] = [];
  let current = entries.find((entry) => entry.type === 'evm' && entry.name === name);
  if (!current) return undefined;
  while (current) {
    if (chain.includes(current)) {
      problems.push({
        file: current.doc.file,
        line: current.doc.lineOf([...current.path, 'from']),
        message: `from: network "${current.name}" inherits from itself through ${chain.map((entry) => entry.name).join(' → ')}`,
      });
      return undefined;
    }
    chain.push(current);
    const from: unknown = current.value.from;
    if (from === undefined || from === null) break;
    const child: NetworkEntry = current;
    if (typeof from !== 'string') {
      problems.push(at(child, 'from', `must be a network name, not ${kindOf(from)}`));
      return undefined;
    }
    current = entries.find((entry) => entry.type === 'evm' && entry.name === from);
    if (!current) {
      problems.push(
        at(
          child,
          'from',
          `no evm network named "${from}" to inherit from (known: ${
            entries
              .filter((entry) => entry.type === 'evm')
              .map((entry) => entry.name)
              .join(', ') || 'none'
          })`,
        ),
      );
      return undefined;
    }
  }
  let ok = true;
  // Only the network's own fields: its parents are checked when they are resolved themselves.
  const entry = chain[0]!;
  for (const key of Object.keys(entry.value))
    if (!evmNetworkKeys.has(key)) {
      problems.push({
        file: entry.doc.file,
        line: entry.doc.keyLineOf(entry.path, key),
        message: `${key}: not a field of an OpenZeppelin Relayer EVM network (it refuses unknown fields)`,
      });
      ok = false;
    }
  // The nearest definition of a field wins, as OZ Relayer merges a child over its parent.
  const field = (key: string): { entry: NetworkEntry; value: unknown } | undefined => {
    const entry = chain.find((item) => item.value[key] !== undefined && item.value[key] !== null);
    return entry ? { entry, value: entry.value[key] } : undefined;
  };
  const chainId = field('chain_id');
  const rpc = field('rpc_urls');
  const confirmations = field('required_confirmations');
  const integer = (found: typeof chainId, key: string): number | undefined => {
    if (!found) return undefined;
    const value = typeof found.value === 'bigint' ? Number(found.value) : found.value;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    problems.push(at(found.entry, key, `must be a whole number, not ${kindOf(found.value)}`));
    ok = false;
    return undefined;
  };
  const chainIdValue = integer(chainId, 'chain_id');
  if (!chainId) {
    problems.push(at(chain[0]!, 'network', `network "${name}" has no chain_id, nor inherits one`));
    ok = false;
  }
  const confirmationsValue = integer(confirmations, 'required_confirmations');
  const rpcUrls: string[] = [];
  if (!rpc || !Array.isArray(rpc.value) || rpc.value.length === 0) {
    problems.push(
      rpc
        ? at(rpc.entry, 'rpc_urls', `must be a list of RPC URLs, not ${kindOf(rpc.value)}`)
        : at(chain[0]!, 'network', `network "${name}" has no rpc_urls, nor inherits any`),
    );
    ok = false;
  } else
    rpc.value.forEach((item: unknown, index) => {
      // Newer versions also write { "url": …, "weight": … }; weight 0 means never used.
      const url = isObject(item) ? item.url : item;
      if (isObject(item) && (item.weight === 0 || item.weight === 0n)) return;
      if (typeof url === 'string') rpcUrls.push(url);
      else {
        problems.push({
          file: rpc.entry.doc.file,
          line: rpc.entry.doc.lineOf([...rpc.entry.path, 'rpc_urls', index]),
          message: `rpc_urls[${index}]: must be a URL, not ${kindOf(item)}`,
        });
        ok = false;
      }
    });
  if (!ok || chainIdValue === undefined) return undefined;
  return { name, chainId: chainIdValue, rpcUrls, confirmations: confirmationsValue };
}

function at(entry: NetworkEntry, key: string, message: string): ImportProblem {
  return {
    file: entry.doc.file,
    line: entry.doc.lineOf([...entry.path, key]),
    message: `network "${entry.name}", ${key}: ${message}`,
  };
}
