// The demo and test contracts' artifacts, anvil's well-known dev accounts, and deployment.
// Shared by scripts/demo.ts, the benchmark and test/helpers/contracts.ts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createPublicClient,
  createWalletClient,
  getAddress,
  http,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
  type Account,
  type Transport,
  type Chain,
} from 'viem';
import { mnemonicToAccount, nonceManager, type HDAccount } from 'viem/accounts';
import { contractAbis, type ContractName } from '../../resources/contracts/abis.ts';

export { contractAbis, type ContractName };

export const contractsDir = fileURLToPath(new URL('../../resources/contracts/', import.meta.url));

export interface ContractArtifact<Name extends ContractName = ContractName> {
  contractName: Name;
  abi: (typeof contractAbis)[Name];
  bytecode: Hex;
}

/** Reads resources/contracts/<name>.json; its ABI is typed from the generated abis.ts. */
export function loadArtifact<Name extends ContractName>(name: Name): ContractArtifact<Name> {
  const file = `${contractsDir}${name}.json`;
  const artifact = JSON.parse(readFileSync(file, 'utf8')) as {
    contractName: string;
    bytecode: Hex;
  };
  if (artifact.contractName !== name || !/^0x[0-9a-f]+$/i.test(artifact.bytecode)) {
    throw new Error(
      `${file} is not the artifact of ${name}; run node --import tsx scripts/compile-contracts.ts`,
    );
  }
  return { contractName: name, abi: contractAbis[name], bytecode: artifact.bytecode };
}

/** anvil's default mnemonic: its accounts are funded with 10 000 ETH each and never hold anything real. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
/** anvil creates this many accounts from the mnemonic by default. */
export const ANVIL_ACCOUNT_COUNT = 10;

const accountsByIndex = new Map<number, HDAccount>();

/**
 * anvil's dev account number `index` (0 is 0xf39F…2266, key 0xac09…ff80). Each account keeps one
 * shared nonce manager, so several transactions from it can be in flight at once.
 */
export function anvilAccount(index = 0): HDAccount {
  let account = accountsByIndex.get(index);
  if (!account) {
    account = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index, nonceManager });
    accountsByIndex.set(index, account);
  }
  return account;
}

export interface ChainClients {
  reader: PublicClient<Transport, Chain | undefined>;
  wallet: WalletClient<Transport, Chain | undefined, Account>;
  account: HDAccount;
}

/**
 * A reader and a wallet for one anvil account. No chain is set, so viem asks the node for its
 * chain id and the helpers work with anvil started under any `--chain-id`.
 */
export function chainClients(rpcUrl: string, accountIndex = 0): ChainClients {
  const account = anvilAccount(accountIndex);
  // viem polls HTTP every 4 s by default; anvil answers at once, and tests wait on receipts.
  const transport = http(rpcUrl);
  return {
    reader: createPublicClient({ transport, pollingInterval: 100 }),
    wallet: createWalletClient({ account, transport, pollingInterval: 100 }),
    account,
  };
}

export interface DeployContractOptions {
  /** Which anvil account deploys (and so owns) the contract; 0 unless told. */
  accountIndex?: number;
}

/** Deploys an artifact and waits for it to be mined; returns the new contract's address. */
export async function deployContract(
  rpcUrl: string,
  name: ContractName,
  constructorArgs: readonly unknown[] = [],
  options: DeployContractOptions = {},
): Promise<Address> {
  const { reader, wallet } = chainClients(rpcUrl, options.accountIndex ?? 0);
  const artifact = loadArtifact(name);
  const hash = await wallet.deployContract({
    abi: artifact.abi as readonly unknown[] as never,
    bytecode: artifact.bytecode,
    args: constructorArgs as never,
    chain: null,
  });
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new Error(`Deploying ${name} failed in transaction ${hash} (status ${receipt.status}).`);
  }
  return getAddress(receipt.contractAddress);
}
