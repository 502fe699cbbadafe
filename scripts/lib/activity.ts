// Believable DemoToken/DemoVault traffic from several anvil accounts: transfers, approvals,
// spending of allowances, vault deposits and withdrawals at random intervals, and now and then a
// very large transfer or deposit (large deposits trigger the vault's LargeMovement event).
// Used by `npm run demo`; the benchmark can start it too, with its own pace.
import { formatUnits, parseUnits, type Address, type Hash } from 'viem';
import { chainClients, contractAbis } from './contracts.ts';

export type DemoActionKind =
  | 'transfer'
  | 'approve'
  | 'transferFrom'
  | 'deposit'
  | 'withdraw'
  | 'largeTransfer'
  | 'largeDeposit'
  | 'mint';

export interface DemoAction {
  kind: DemoActionKind;
  from: Address;
  /** Recipient, spender or vault, whichever the action is about. */
  to: Address;
  /** Token units; for a withdrawal, the shares burned (one share per token unit unless the vault gained). */
  amount: bigint;
  transactionHash: Hash;
}

export interface StartDemoActivityOptions {
  rpcUrl: string;
  token: Address;
  vault: Address;
  /** The vault's LargeMovement threshold, in token units; large actions go above it. */
  largeMovementThreshold: bigint;
  /** anvil accounts that act; each runs its own loop, one transaction at a time. */
  actorAccountIndexes: number[];
  /** anvil account that owns the token and tops up actors that run low. */
  ownerAccountIndex?: number;
  /** Average pause between one actor's actions, in ms (drawn from an exponential distribution). */
  meanPauseMs?: number;
  /** Share of actions that are large (0..1). */
  largeActionShare?: number;
  /** Random numbers in [0, 1); Math.random unless a test wants repeatable traffic. */
  random?: () => number;
  onAction?: (action: DemoAction) => void;
  /** A failed action is reported and the actor carries on. */
  onError?: (error: Error, actorAccountIndex: number) => void;
}

export interface DemoActivity {
  /** Counts of mined actions by kind since start. */
  readonly counts: Readonly<Record<DemoActionKind, number>>;
  /** Stops the loops and waits (at most a few seconds) for transactions in flight. */
  stop(): Promise<void>;
}

const tokenUnit = 10n ** 18n;
const tokenDecimals = 18;

/** Mints `amountEach` tokens to every actor; all mints go out at once and are awaited together. */
export async function fundDemoAccounts(options: {
  rpcUrl: string;
  token: Address;
  actorAccountIndexes: number[];
  amountEach: bigint;
  ownerAccountIndex?: number;
}): Promise<void> {
  const owner = chainClients(options.rpcUrl, options.ownerAccountIndex ?? 0);
  const hashes: Hash[] = [];
  for (const index of options.actorAccountIndexes) {
    hashes.push(
      await owner.wallet.writeContract({
        address: options.token,
        abi: contractAbis.DemoToken,
        functionName: 'mint',
        args: [chainClients(options.rpcUrl, index).account.address, options.amountEach],
        chain: null,
      }),
    );
  }
  await Promise.all(hashes.map((hash) => owner.reader.waitForTransactionReceipt({ hash })));
}

export function startDemoActivity(options: StartDemoActivityOptions): DemoActivity {
  const random = options.random ?? Math.random;
  const meanPauseMs = options.meanPauseMs ?? 4_000;
  const largeActionShare = options.largeActionShare ?? 0.03;
  const ownerIndex = options.ownerAccountIndex ?? 0;
  const actorAddresses = options.actorAccountIndexes.map(
    (index) => chainClients(options.rpcUrl, index).account.address,
  );
  const counts: Record<DemoActionKind, number> = {
    transfer: 0,
    approve: 0,
    transferFrom: 0,
    deposit: 0,
    withdraw: 0,
    largeTransfer: 0,
    largeDeposit: 0,
    mint: 0,
  };
  const stopController = new AbortController();

  const randomBetween = (low: number, high: number): number => low + random() * (high - low);
  /** A token amount with two decimals, so amounts look like what people type. */
  const randomTokens = (low: number, high: number): bigint =>
    parseUnits(randomBetween(low, high).toFixed(2), tokenDecimals);
  const pick = <Item>(items: Item[]): Item => items[Math.floor(random() * items.length)]!;

  async function runActor(actorIndex: number): Promise<void> {
    const actor = chainClients(options.rpcUrl, actorIndex);
    const me = actor.account.address;
    const others = actorAddresses.filter((address) => address !== me);

    const send = async (
      kind: DemoActionKind,
      to: Address,
      amount: bigint,
      request: {
        address: Address;
        abi: readonly unknown[];
        functionName: string;
        args: readonly unknown[];
      },
      sender = actor,
    ): Promise<void> => {
      const hash = await sender.wallet.writeContract({ ...request, chain: null } as never);
      const receipt = await sender.reader.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success')
        throw new Error(`${kind} from ${sender.account.address} reverted (${hash})`);
      counts[kind] += 1;
      options.onAction?.({ kind, from: sender.account.address, to, amount, transactionHash: hash });
    };
    const tokenCall = (functionName: string, args: readonly unknown[]) => ({
      address: options.token,
      abi: contractAbis.DemoToken,
      functionName,
      args,
    });
    const vaultCall = (functionName: string, args: readonly unknown[]) => ({
      address: options.vault,
      abi: contractAbis.DemoVault,
      functionName,
      args,
    });
    const readToken = (functionName: 'balanceOf' | 'allowance', args: readonly Address[]) =>
      actor.reader.readContract({
        address: options.token,
        abi: contractAbis.DemoToken,
        functionName,
        args,
      } as never) as Promise<bigint>;

    /**
     * Tops the actor up from the owner when a planned spend would overdraw it. The other actors'
     * loops may spend allowances this actor gave them at any moment (only this loop raises them),
     * so the balance must cover those too or the spend can be refused between read and block.
     */
    const ensureBalance = async (spend: bigint): Promise<void> => {
      const [balance, ...allowancesGiven] = await Promise.all([
        readToken('balanceOf', [me]),
        ...others.map((spender) => readToken('allowance', [me, spender])),
      ]);
      const needed = allowancesGiven.reduce((sum, allowance) => sum + allowance, spend);
      if (balance! >= needed) return;
      const topUp = needed - balance! + randomTokens(1_000, 5_000);
      await send(
        'mint',
        me,
        topUp,
        tokenCall('mint', [me, topUp]),
        chainClients(options.rpcUrl, ownerIndex),
      );
    };
    const ensureVaultAllowance = async (needed: bigint): Promise<void> => {
      const allowance = await readToken('allowance', [me, options.vault]);
      if (allowance >= needed) return;
      // Approve a round sum above what is needed, as wallets and people tend to.
      const approval = needed + randomTokens(0, 2_000);
      await send(
        'approve',
        options.vault,
        approval,
        tokenCall('approve', [options.vault, approval]),
      );
    };

    const actions: { weight: number; run: () => Promise<void> }[] = [
      {
        weight: 40,
        run: async () => {
          const amount = randomTokens(1, 400);
          await ensureBalance(amount);
          const to = pick(others);
          await send('transfer', to, amount, tokenCall('transfer', [to, amount]));
        },
      },
      {
        weight: 8,
        run: async () => {
          const spender = pick(others);
          const amount = randomTokens(50, 1_500);
          await send('approve', spender, amount, tokenCall('approve', [spender, amount]));
        },
      },
      {
        weight: 7,
        // Spend an allowance someone gave this actor, if any: pay part of it to a third account.
        run: async () => {
          const owner = pick(others);
          const allowance = await readToken('allowance', [owner, me]);
          const ownerBalance = await readToken('balanceOf', [owner]);
          const spendable = allowance < ownerBalance ? allowance : ownerBalance;
          if (spendable < tokenUnit) return;
          const amount = (spendable * BigInt(Math.floor(randomBetween(10, 90)))) / 100n;
          const to = pick([me, ...others.filter((address) => address !== owner)]);
          try {
            await send('transferFrom', to, amount, tokenCall('transferFrom', [owner, to, amount]));
          } catch (error) {
            // The owner's own loop runs at the same time and may spend the balance or allowance
            // between the read and the block (refused at estimation, or reverted when mined):
            // that race is the owner's business, not an error.
            if (/InsufficientBalance|InsufficientAllowance|reverted/.test((error as Error).message))
              return;
            throw error;
          }
        },
      },
      {
        weight: 25,
        run: async () => {
          const amount = randomTokens(10, 900);
          await ensureBalance(amount);
          await ensureVaultAllowance(amount);
          await send('deposit', options.vault, amount, vaultCall('deposit', [amount]));
        },
      },
      {
        weight: 20,
        run: async () => {
          const shares = (await actor.reader.readContract({
            address: options.vault,
            abi: contractAbis.DemoVault,
            functionName: 'sharesOf',
            args: [me],
          })) as bigint;
          if (shares === 0n) return;
          // Mostly partial withdrawals, sometimes everything.
          const portion = random() < 0.2 ? 100n : BigInt(Math.floor(randomBetween(5, 60)));
          const withdrawn = (shares * portion) / 100n;
          if (withdrawn === 0n) return;
          await send('withdraw', options.vault, withdrawn, vaultCall('withdraw', [withdrawn]));
        },
      },
    ];
    const largeActions: (() => Promise<void>)[] = [
      async () => {
        const amount = largeAmount();
        await ensureBalance(amount);
        const to = pick(others);
        await send('largeTransfer', to, amount, tokenCall('transfer', [to, amount]));
      },
      async () => {
        const amount = largeAmount();
        await ensureBalance(amount);
        await ensureVaultAllowance(amount);
        await send('largeDeposit', options.vault, amount, vaultCall('deposit', [amount]));
      },
    ];
    const totalWeight = actions.reduce((sum, action) => sum + action.weight, 0);
    const chooseAction = (): (() => Promise<void>) => {
      if (random() < largeActionShare) return pick(largeActions);
      let roll = random() * totalWeight;
      for (const action of actions) {
        roll -= action.weight;
        if (roll < 0) return action.run;
      }
      return actions[0]!.run;
    };

    while (!stopController.signal.aborted) {
      // Exponential pauses: mostly short, sometimes long, like people rather than a metronome.
      const pauseMs = Math.min(-Math.log(1 - random()) * meanPauseMs, meanPauseMs * 5);
      await sleep(pauseMs, stopController.signal);
      if (stopController.signal.aborted) break;
      try {
        await chooseAction()();
      } catch (error) {
        if (stopController.signal.aborted) break;
        options.onError?.(error instanceof Error ? error : new Error(String(error)), actorIndex);
      }
    }
  }

  /** Between 1.5 and 6 times the threshold. */
  function largeAmount(): bigint {
    return (options.largeMovementThreshold * BigInt(Math.floor(randomBetween(150, 600)))) / 100n;
  }

  const loops = options.actorAccountIndexes.map((index) => runActor(index));
  return {
    counts,
    async stop() {
      stopController.abort();
      // A transaction in flight finishes within a block or two; do not wait on a node that is gone.
      await Promise.race([Promise.allSettled(loops), sleep(3_000)]);
    },
  };
}

/** "1,234.56 DEMO"-style text for logs. */
export function formatTokens(amount: bigint, symbol = 'DEMO'): string {
  const [whole = '0', fraction = ''] = formatUnits(amount, tokenDecimals).split('.');
  const cents = fraction.padEnd(2, '0').slice(0, 2);
  return `${BigInt(whole).toLocaleString('en-US')}.${cents} ${symbol}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveSleep) => {
    if (signal?.aborted) return resolveSleep();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolveSleep();
    }
  });
}
