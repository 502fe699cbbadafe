// What every import integration test starts from: a real anvil (with the contracts the import
// fixtures' addresses are pointed at, when asked), the folder the operator chose to import from
// (Vigil's project root), and the real core in this process allowed to read it. One stop() ends
// them all and puts back the environment the test set for the engine.
import type { Address } from 'viem';
import type { EngineTuning } from '../../src-main/core/engine/index.ts';
import { startAnvil, type AnvilInstance } from './anvil.ts';
import { deployContract } from './contracts.ts';
import { makeTempDir } from './temp-dir.ts';
import { startVigilInProcess, type VigilUnderTest } from './vigil-in-process.ts';

/** The fixtures' token and keeper addresses, replaced by contracts deployed on the test's anvil. */
export const FIXTURE_TOKEN = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
export const FIXTURE_KEEPER = '0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419';

export interface ImportChain {
  anvil: AnvilInstance;
  /** The folder the operator chose; the test copies the files to import below it. */
  root: string;
  stop(): Promise<void>;
}

/** Contracts on anvil for the fixtures' addresses: a DemoToken and an Emitter (the keeper). */
export interface ImportTargets {
  token: Address;
  emitter: Address;
}

export interface ImportChainOptions<Deploy extends boolean> {
  /** The chosen folder's name prefix under the temp folder. */
  rootPrefix: string;
  deploy?: Deploy;
}

export interface ImportStackOptions<Deploy extends boolean> extends ImportChainOptions<Deploy> {
  /** Beyond the chosen folder as project root and webhooks to this machine allowed. */
  tuning?: EngineTuning;
  /** Set before the core starts: its engine worker reads the environment it starts with. */
  env?: Record<string, string>;
}

export type ImportStack = ImportChain & { vigil: VigilUnderTest };

type WithTargets<Deploy extends boolean> = Deploy extends true ? ImportTargets : unknown;

/** Anvil and the chosen folder, without Vigil (for `npm run import`, which starts its own). */
export async function startImportChain<Deploy extends boolean = false>(
  options: ImportChainOptions<Deploy>,
): Promise<ImportChain & WithTargets<Deploy>> {
  const anvil = await startAnvil();
  const chosen = makeTempDir(options.rootPrefix);
  const chain: ImportChain = {
    anvil,
    root: chosen.path,
    async stop() {
      await anvil.stop();
      chosen.remove();
    },
  };
  if (!options.deploy) return chain as ImportChain & WithTargets<Deploy>;
  const token = await deployContract(anvil.rpcUrl, 'DemoToken', ['Demo USD', 'DUSD']);
  const emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  return { ...chain, token, emitter } as ImportChain & WithTargets<Deploy>;
}

/** Anvil, the chosen folder and Vigil in this process with that folder as its project root. */
export async function startImportStack<Deploy extends boolean = false>(
  options: ImportStackOptions<Deploy>,
): Promise<ImportStack & WithTargets<Deploy>> {
  const chain = await startImportChain(options);
  const saved = Object.keys(options.env ?? {}).map((name) => [name, process.env[name]] as const);
  const restoreEnv = () => {
    for (const [name, value] of saved)
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  };
  Object.assign(process.env, options.env);
  let vigil: VigilUnderTest;
  try {
    vigil = await startVigilInProcess({
      tuning: { projectRoots: [chain.root], allowPrivateWebhooks: true, ...options.tuning },
    });
  } catch (error) {
    restoreEnv();
    await chain.stop();
    throw error;
  }
  return {
    ...chain,
    vigil,
    async stop() {
      await vigil.close();
      restoreEnv();
      await chain.stop();
    },
  };
}

type Count = 'chains' | 'contracts' | 'rules' | 'policies' | 'schedules' | 'imports';

/** How many of each the operator's Vigil has: what an import adds to, or must leave alone. */
export async function configurationOf<Key extends Count>(
  vigil: VigilUnderTest,
  keys: readonly Key[],
): Promise<Record<Key, number>> {
  const count: Record<Count, () => Promise<number>> = {
    chains: async () => (await vigil.call<unknown[]>('chains.list')).length,
    contracts: async () => (await vigil.call<unknown[]>('contracts.list')).length,
    rules: async () => (await vigil.call<{ rules: unknown[] }>('alerts.rules.list')).rules.length,
    policies: async () =>
      (await vigil.call<{ policies: unknown[] }>('automation.policies.list')).policies.length,
    schedules: async () =>
      (await vigil.call<{ schedules: unknown[] }>('automation.schedules.list')).schedules.length,
    imports: async () =>
      (await vigil.call<{ total: number }>('audit.list', { action: 'workspace.imported' })).total,
  };
  const counted: Partial<Record<Key, number>> = {};
  for (const key of keys) counted[key] = await count[key]();
  return counted as Record<Key, number>;
}
