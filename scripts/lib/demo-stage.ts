// What `npm run demo` sets up inside Vigil once it runs, so that every view has something real
// in it within a minute: a signer of Vigil's own (generated, then funded from anvil), one
// proposal waiting for approval by hand, a keeper that deposits on a schedule and then stops (a
// silence rule notices), and an early large deposit (the vault's LargeMovement rule fires).
//
// The signer is generated, not imported: importing a key needs a person's approval (a passkey),
// and a script must not be able to skip that. Generating needs none, and anvil funds it.
import { parseEther, type Address, type Hash } from 'viem';
import { chainClients, contractAbis } from './contracts.ts';

const tokenUnit = 10n ** 18n;

export interface DemoStageOptions {
  rpcUrl: string;
  chainId: number;
  token: Address;
  vault: Address;
  largeMovementThreshold: bigint;
  /** anvil account that owns the token (mints) and funds the signer. */
  ownerAccountIndex: number;
  /** anvil account that deposits every few seconds, then stops. */
  keeperAccountIndex: number;
  /** anvil account that makes one large deposit soon after start. */
  whaleAccountIndex: number;
  /** Speaks the contract with the session token only (no person behind it). */
  call: <T = unknown>(method: string, params?: unknown) => Promise<T>;
  log: (line: string) => void;
}

export interface DemoStage {
  /** Null when Vigil could not keep a key (no OS keychain answered). */
  signer: Address | null;
  proposalId: number | null;
  stop(): void;
}

/** The keeper deposits this often … */
export const keeperIntervalMs = 4_000;
/** … this many times, then stops: about half a minute of heartbeats. */
export const keeperBeats = 7;
/** The silence rule's window: the keeper is missed this long after its last deposit. */
export const keeperSilenceSeconds = 12;

/** The demo's alert rules, as the workspace file declares them. */
export function demoRules(chainId: number, vault: Address, keeper: Address): string[] {
  const vaultId = `${chainId}:${vault.toLowerCase()}`;
  return [
    'rules:',
    '  - name: Vault large movement',
    '    kind: event',
    `    contractId: '${vaultId}'`,
    '    eventName: LargeMovement',
    '    severity: critical',
    '    enabled: true',
    '  - name: Keeper stopped depositing',
    '    kind: silence',
    `    contractId: '${vaultId}'`,
    '    eventName: Deposit',
    `    condition: account == ${keeper}`,
    `    withinSeconds: ${keeperSilenceSeconds}`,
    '    severity: warning',
    '    enabled: true',
  ];
}

async function mined(rpcUrl: string, index: number, hash: Hash): Promise<void> {
  const receipt = await chainClients(rpcUrl, index).reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`demo transaction ${hash} reverted`);
}

async function mint(options: DemoStageOptions, to: Address, amount: bigint): Promise<void> {
  const owner = chainClients(options.rpcUrl, options.ownerAccountIndex);
  const hash = await owner.wallet.writeContract({
    address: options.token,
    abi: contractAbis.DemoToken,
    functionName: 'mint',
    args: [to, amount],
    chain: null,
  });
  await mined(options.rpcUrl, options.ownerAccountIndex, hash);
}

/** `index` approves the vault for `amount` and deposits it. */
async function deposit(options: DemoStageOptions, index: number, amount: bigint): Promise<void> {
  const actor = chainClients(options.rpcUrl, index);
  const approve = await actor.wallet.writeContract({
    address: options.token,
    abi: contractAbis.DemoToken,
    functionName: 'approve',
    args: [options.vault, amount],
    chain: null,
  });
  await mined(options.rpcUrl, index, approve);
  const hash = await actor.wallet.writeContract({
    address: options.vault,
    abi: contractAbis.DemoVault,
    functionName: 'deposit',
    args: [amount],
    chain: null,
  });
  await mined(options.rpcUrl, index, hash);
}

/** Generates and funds the signer and proposes one transaction from it. */
async function stageSigner(
  options: DemoStageOptions,
): Promise<{ signer: Address; proposalId: number }> {
  const { call, log } = options;
  const signer = (
    await call<{ address: Address }>('signers.generate', { label: 'Demo hot wallet' })
  ).address;
  const owner = chainClients(options.rpcUrl, options.ownerAccountIndex);
  const funding = await owner.wallet.sendTransaction({
    to: signer,
    value: parseEther('5'),
    chain: null,
  });
  await mined(options.rpcUrl, options.ownerAccountIndex, funding);
  await mint(options, signer, 2_000n * tokenUnit);
  log(`Generated the signer “Demo hot wallet” ${signer} and funded it with 5 ETH and 2,000 DEMO.`);

  const payee = chainClients(options.rpcUrl, 1).account.address;
  const proposal = await call<{ id: number }>('txs.propose', {
    chainId: options.chainId,
    from: signer,
    to: options.token,
    function: { name: 'transfer', args: [payee, (250n * tokenUnit).toString()] },
    note: 'Demo: pay 250 DEMO to account 1. Approve it with your passkey.',
  });
  log(`Proposed transaction #${proposal.id} (250 DEMO to ${payee}); it waits for your approval.`);
  return { signer, proposalId: proposal.id };
}

export async function stageDemo(options: DemoStageOptions): Promise<DemoStage> {
  const { log } = options;
  // Without a keychain there is no signer: the rest of the demo still shows everything else.
  const signed = await stageSigner(options).catch((error: unknown) => {
    log(`No demo signer (so no proposal to approve): ${(error as Error).message.split('\n')[0]}`);
    return null;
  });

  const keeper = options.keeperAccountIndex;
  await mint(options, chainClients(options.rpcUrl, keeper).account.address, 100n * tokenUnit);
  let stopped = false;
  let beats = 0;
  const keeperTimer = setInterval(() => {
    if (stopped) return;
    beats += 1;
    if (beats > keeperBeats) {
      clearInterval(keeperTimer);
      log(`The keeper stopped after ${keeperBeats} deposits; the silence rule will notice.`);
      return;
    }
    void deposit(options, keeper, tokenUnit).catch((error: unknown) =>
      log(`keeper: ${(error as Error).message.split('\n')[0]}`),
    );
  }, keeperIntervalMs);

  const whale = options.whaleAccountIndex;
  const large = options.largeMovementThreshold + 2_500n * tokenUnit;
  await mint(options, chainClients(options.rpcUrl, whale).account.address, large);
  const whaleTimer = setTimeout(() => {
    if (stopped) return;
    void deposit(options, whale, large)
      .then(() => log('A large deposit went into the vault; its alert rule fires.'))
      .catch((error: unknown) => log(`large deposit: ${(error as Error).message.split('\n')[0]}`));
  }, 5_000);

  return {
    signer: signed?.signer ?? null,
    proposalId: signed?.proposalId ?? null,
    stop() {
      stopped = true;
      clearInterval(keeperTimer);
      clearTimeout(whaleTimer);
    },
  };
}
