// A workspace file's `source:` for a contract, resolved when the file is applied: the ABI and name
// fetched from Sourcify or Etherscan, or read from the project folder that deployed the contract
// (the reader contracts.discover uses). A failure names the file, line and column of the
// `source:` value, and the import saves nothing.
import { getAddress } from 'viem';
import { VigilError } from '../errors/index.ts';
import { readProjectFiles, type FetchVerifiedAbiReturnType } from '../intake/index.ts';
import type { WorkspaceContract } from '../workspace/index.ts';

export interface ResolvedWorkspaceContract extends Omit<WorkspaceContract, 'abi' | 'source'> {
  abi: unknown[];
}

export async function resolveWorkspaceContract(
  contract: WorkspaceContract,
  index: number,
  file: string,
  sources: {
    fetchVerified: (input: {
      chainId: number;
      address: string;
      source: 'sourcify' | 'etherscan';
    }) => Promise<FetchVerifiedAbiReturnType>;
    /** The folder as it may be read, or a refusal: an imported text names only chosen folders. */
    projectFolder: (path: string, field: string) => string;
  },
): Promise<ResolvedWorkspaceContract> {
  const { source, abi, ...rest } = contract;
  if (!source) return { ...rest, abi: abi! };
  const field = `contracts[${index}].source`;
  const fail = (code: VigilError['code'], message: string, details = {}): VigilError =>
    new VigilError(code, `${file}:${source.line}:${source.column}: ${field}: ${message}`, {
      field,
      details: { file, line: source.line, column: source.column, ...details },
    });
  const address = getAddress(contract.address.toLowerCase());
  if (source.kind !== 'project') {
    try {
      const found = await sources.fetchVerified({
        chainId: contract.chainId,
        address,
        source: source.kind,
      });
      return { ...rest, abi: found.abi, ...(rest.name || !found.name ? {} : { name: found.name }) };
    } catch (error) {
      if (!(error instanceof VigilError)) throw error;
      throw fail(error.code, error.message, error.details);
    }
  }
  let files;
  try {
    files = readProjectFiles(sources.projectFolder(source.path, field));
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    throw fail(error.code, error.message);
  }
  const deployment = files.deployments.find(
    (candidate) =>
      candidate.chainId === contract.chainId &&
      candidate.address.toLowerCase() === address.toLowerCase(),
  );
  if (!deployment) {
    const skipped = files.skipped.find(
      (candidate) =>
        candidate.chainId === contract.chainId &&
        candidate.address.toLowerCase() === address.toLowerCase(),
    );
    const found = files.deployments
      .slice(0, 5)
      .map((entry) => `${entry.name} ${entry.address} on chain ${entry.chainId}`);
    throw fail(
      'NOT_FOUND',
      skipped
        ? `${skipped.file} deploys ${address} on chain ${contract.chainId}, but ${skipped.reason}.`
        : `${source.path} records no deployment of ${address} on chain ${contract.chainId}${found.length ? ` (it has ${found.join(', ')}${files.deployments.length > found.length ? ', …' : ''})` : ''}.`,
    );
  }
  return { ...rest, abi: deployment.abi, ...(rest.name ? {} : { name: deployment.name }) };
}
