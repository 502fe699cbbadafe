// The deployed contracts a Foundry or Hardhat project folder records, read from the files those
// tools write: Foundry's `out/` artifacts and `broadcast/<script>/<chainId>/run-latest.json`,
// Hardhat's `artifacts/`, hardhat-deploy's `deployments/<network>/*.json` and Ignition's
// `ignition/deployments/chain-<id>/deployed_addresses.json`. Only files are read here; the chain
// is asked elsewhere (start blocks, code). A symbolic link that leads out of the folder is not
// followed: the folder is what the operator chose to show Vigil, not what it links to.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { getAddress, isAddress } from 'viem';
import { VigilError } from '../errors/index.ts';
import { isWithin, realPathOf } from './project-roots.ts';

export interface ProjectDeployment {
  name: string;
  chainId: number;
  address: string;
  abi: unknown[];
  /** The deployment transaction, when the tool recorded it: its block is the start block. */
  transactionHash?: string;
  /** Which file said so, relative to the project folder. */
  file: string;
}

export interface ProjectFiles {
  /** Which layouts were found ("foundry", "hardhat", "hardhat-deploy", "ignition"). */
  layouts: string[];
  deployments: ProjectDeployment[];
  /** Deployments found whose ABI is not among the artifacts; listed so the operator knows. */
  skipped: { name: string; chainId: number; address: string; file: string; reason: string }[];
}

/** Reads files and folders of one project, never through a link that leads out of it. */
interface ProjectReader {
  readJson(path: string): unknown;
  isDirectory(path: string): boolean;
  readText(path: string): string | undefined;
}

function projectReader(root: string): ProjectReader {
  const realRoot = realPathOf(root) ?? root;
  const inside = (path: string): string | undefined => {
    const real = realPathOf(path);
    return real !== undefined && isWithin(realRoot, real) ? real : undefined;
  };
  const readText = (path: string): string | undefined => {
    const real = inside(path);
    if (real === undefined) return undefined;
    try {
      return readFileSync(real, 'utf8');
    } catch {
      return undefined;
    }
  };
  return {
    readText,
    readJson(path) {
      const text = readText(path);
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    },
    isDirectory(path) {
      const real = inside(path);
      return real !== undefined && statSync(real).isDirectory();
    },
  };
}

/** Every *.json under `dir`, recursively, skipping build-info (compiler inputs, not ABIs). */
function jsonFiles(reader: ProjectReader, dir: string): string[] {
  if (!reader.isDirectory(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'build-info') files.push(...jsonFiles(reader, path));
    } else if (entry.name.endsWith('.json') && !entry.name.endsWith('.dbg.json')) files.push(path);
  }
  return files;
}

/** Contract name → ABI from Foundry's out/ and Hardhat's artifacts/. */
function readArtifacts(
  reader: ProjectReader,
  root: string,
  layouts: string[],
): Map<string, unknown[]> {
  const abis = new Map<string, unknown[]>();
  for (const [dir, layout] of [
    ['out', 'foundry'],
    ['artifacts', 'hardhat'],
  ] as const) {
    const files = jsonFiles(reader, join(root, dir));
    let found = false;
    for (const file of files) {
      const artifact = reader.readJson(file) as
        { abi?: unknown; contractName?: unknown } | undefined;
      if (!artifact || !Array.isArray(artifact.abi)) continue;
      const name =
        typeof artifact.contractName === 'string' ? artifact.contractName : basename(file, '.json');
      if (!abis.has(name)) abis.set(name, artifact.abi);
      found = true;
    }
    if (found) layouts.push(layout);
  }
  return abis;
}

/** `root` is a folder the caller has checked may be read (see project-roots.ts). */
export function readProjectFiles(root: string): ProjectFiles {
  const reader = projectReader(root);
  const { readJson, isDirectory } = reader;
  if (!isDirectory(root))
    throw new VigilError('NOT_FOUND', `${root} is not a folder.`, { field: 'path' });
  const layouts: string[] = [];
  const abis = readArtifacts(reader, root, layouts);
  const deployments: ProjectDeployment[] = [];
  const skipped: ProjectFiles['skipped'] = [];
  const add = (entry: Omit<ProjectDeployment, 'abi'> & { abi?: unknown[] }) => {
    if (!isAddress(entry.address, { strict: false })) return;
    const address = getAddress(entry.address.toLowerCase());
    const abi = entry.abi ?? abis.get(entry.name);
    if (!abi) {
      skipped.push({
        name: entry.name,
        chainId: entry.chainId,
        address,
        file: entry.file,
        reason: `no ABI for ${entry.name} in out/ or artifacts/ (build the project first)`,
      });
      return;
    }
    deployments.push({ ...entry, address, abi });
  };

  // Foundry: broadcast/<script>/<chainId>/run-latest.json.
  const broadcast = join(root, 'broadcast');
  if (isDirectory(broadcast)) {
    for (const script of readdirSync(broadcast)) {
      if (!isDirectory(join(broadcast, script))) continue;
      for (const chainDir of readdirSync(join(broadcast, script))) {
        const file = join(broadcast, script, chainDir, 'run-latest.json');
        const run = readJson(file) as
          | {
              transactions?: {
                transactionType?: string;
                contractName?: string;
                contractAddress?: string;
                hash?: string;
              }[];
              chain?: number;
            }
          | undefined;
        const chainId = Number(chainDir);
        if (!run || !Array.isArray(run.transactions) || !Number.isSafeInteger(chainId)) continue;
        if (!layouts.includes('foundry-broadcast')) layouts.push('foundry-broadcast');
        for (const tx of run.transactions) {
          if (tx.transactionType !== 'CREATE' && tx.transactionType !== 'CREATE2') continue;
          if (!tx.contractName || !tx.contractAddress) continue;
          add({
            name: tx.contractName,
            chainId,
            address: tx.contractAddress,
            ...(tx.hash ? { transactionHash: tx.hash } : {}),
            file: relative(root, file),
          });
        }
      }
    }
  }

  // hardhat-deploy: deployments/<network>/.chainId and <Name>.json.
  const hardhatDeploy = join(root, 'deployments');
  if (isDirectory(hardhatDeploy)) {
    for (const network of readdirSync(hardhatDeploy)) {
      const dir = join(hardhatDeploy, network);
      const chainIdText = reader.readText(join(dir, '.chainId'));
      if (!isDirectory(dir) || chainIdText === undefined) continue;
      const chainId = Number(chainIdText.trim());
      if (!Number.isSafeInteger(chainId) || chainId <= 0) continue;
      if (!layouts.includes('hardhat-deploy')) layouts.push('hardhat-deploy');
      for (const entry of readdirSync(dir)) {
        if (!entry.endsWith('.json')) continue;
        const file = join(dir, entry);
        const deployment = readJson(file) as
          { address?: string; abi?: unknown; transactionHash?: string } | undefined;
        if (!deployment?.address) continue;
        add({
          name: basename(entry, '.json'),
          chainId,
          address: deployment.address,
          ...(Array.isArray(deployment.abi) ? { abi: deployment.abi } : {}),
          ...(deployment.transactionHash ? { transactionHash: deployment.transactionHash } : {}),
          file: relative(root, file),
        });
      }
    }
  }

  // Hardhat Ignition: ignition/deployments/chain-<id>/deployed_addresses.json ("Module#Name").
  const ignition = join(root, 'ignition', 'deployments');
  if (isDirectory(ignition)) {
    for (const chainDir of readdirSync(ignition)) {
      const match = /^chain-(\d+)$/.exec(chainDir);
      const file = join(ignition, chainDir, 'deployed_addresses.json');
      const addresses = readJson(file) as Record<string, unknown> | undefined;
      if (!match || !addresses) continue;
      if (!layouts.includes('ignition')) layouts.push('ignition');
      for (const [futureId, address] of Object.entries(addresses)) {
        if (typeof address !== 'string') continue;
        // Ignition keeps each future's artifact next to the addresses.
        const artifact = readJson(join(ignition, chainDir, 'artifacts', `${futureId}.json`)) as
          { abi?: unknown } | undefined;
        add({
          name: futureId.split('#').at(-1)!,
          chainId: Number(match[1]),
          address,
          ...(Array.isArray(artifact?.abi) ? { abi: artifact.abi } : {}),
          file: relative(root, file),
        });
      }
    }
  }

  if (layouts.length === 0)
    throw new VigilError(
      'NOT_FOUND',
      `No build artifacts or deployments under ${root}: expected Foundry's out/ and broadcast/, Hardhat's artifacts/, hardhat-deploy's deployments/ or Ignition's ignition/deployments/. Build and deploy the project first, or pick its root folder.`,
      { field: 'path' },
    );
  return { layouts, deployments, skipped };
}
