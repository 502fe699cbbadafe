// Balance rules: a signer's native balance on a chain below a floor (a keeper or relayer about
// to run dry). One episode while it stays below; resolved when it is topped up. Readings come
// from the signer service as it refreshes balances, and from the chain when none came lately.
import { getAddress } from 'viem';
import { VigilError } from '../errors/index.ts';
import { createEpisodeTracker } from './episodes.ts';
import type { RuleDefinition } from './rule-shapes.ts';
import { requireChain, type RuleKind } from './rule-runner.ts';

type BalanceSettings = Extract<RuleDefinition, { kind: 'balance' }>;

/** How old a reading may be before the rule asks the chain itself. */
const STALE_AFTER_MS = 15_000;

export const balanceRuleKind: RuleKind<BalanceSettings> = {
  validate(settings, context, field) {
    requireChain(context, settings.chainId, field);
    if (!context.signerExists(settings.address))
      throw new VigilError(
        'NOT_FOUND',
        `${settings.address} is not one of Vigil's signers; import or generate it first.`,
        {
          field: field('address'),
        },
      );
    return {
      ...settings,
      address: getAddress(settings.address.toLowerCase()),
      below: BigInt(settings.below).toString(),
    };
  },
  chainOf: (settings) => settings.chainId,
  start(rule, deps) {
    const settings = rule.definition as BalanceSettings;
    const floor = BigInt(settings.below);
    const address = settings.address.toLowerCase();
    const tracker = createEpisodeTracker(rule, deps.ledger);
    let reading: { balance: bigint; at: number } | undefined;
    let asking = false;
    const judge = (now: number): void => {
      if (!reading) return;
      tracker.update(
        {
          active: reading.balance < floor,
          chainId: settings.chainId,
          summary: `${settings.address} has ${reading.balance} wei on chain ${settings.chainId}, below the floor of ${floor} wei`,
          measure: {
            balance: reading.balance.toString(),
            below: floor.toString(),
            readAt: reading.at,
          },
        },
        now,
      );
    };
    return {
      onBalance(chainId, reported, balance) {
        if (chainId !== settings.chainId || reported.toLowerCase() !== address) return;
        reading = { balance, at: deps.now() };
        judge(deps.now());
      },
      onTick(now) {
        if (reading && now - reading.at < STALE_AFTER_MS) return judge(now);
        if (asking) return;
        asking = true;
        deps.chains
          .rpc(settings.chainId)
          .request<string>('eth_getBalance', [settings.address, 'latest'])
          .then(
            (hex) => {
              if (deps.replaced()) return;
              reading = { balance: BigInt(hex), at: deps.now() };
              judge(deps.now());
              deps.changed();
            },
            (error: unknown) =>
              deps.log.warn(
                `Rule ${rule.id}: could not read ${settings.address}'s balance on chain ${settings.chainId}: ${(error as Error).message.split('\n')[0]}`,
              ),
          )
          .finally(() => {
            asking = false;
          });
      },
    };
  },
};
