// A runner the rules were started again over (a rule saved, enabled, removed …) drops what an
// async fetch brings back after that: otherwise its balance reading, arriving late, opened a
// second episode beside its successor's (seen as two standing firings of one balance rule in
// the Defender import test on a loaded machine), or fired a rule just disabled.
import { describe, expect, it } from 'vitest';
import { balanceRuleKind } from '../../../src-main/core/alerts/balance-rule.ts';
import type {
  RunnableRule,
  RunnerDependencies,
} from '../../../src-main/core/alerts/rule-runner.ts';
import type { RuleDefinition } from '../../../src-main/core/alerts/rule-shapes.ts';

const address = '0x1111111111111111111111111111111111111111';

function balanceRule(): RunnableRule {
  return {
    id: 'low-balance',
    name: 'Low balance',
    kind: 'balance',
    severity: 'warning',
    channels: [],
    cooldownSeconds: 0,
    armedAt: 0,
    armedBlock: 0,
    definition: {
      kind: 'balance',
      chainId: 1,
      address,
      below: '1000',
      severity: 'warning',
      cooldownSeconds: 0,
      channels: [],
    } as unknown as RuleDefinition,
  };
}

/** A runner whose chain answers eth_getBalance when the test says, and a ledger that counts. */
function harness(replaced: () => boolean) {
  const fired: string[] = [];
  let answer: (hex: string) => void = () => undefined;
  const deps = {
    chains: {
      rpc: () => ({
        request: () =>
          new Promise<string>((resolve) => {
            answer = resolve;
          }),
      }),
    },
    ledger: {
      live: () => [],
      fire: (_rule: unknown, request: { subject: string }) => {
        fired.push(request.subject);
        return undefined;
      },
      resolve: () => undefined,
    },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    now: () => 60_000,
    changed: () => undefined,
    replaced,
  } as unknown as RunnerDependencies;
  const runner = balanceRuleKind.start(balanceRule(), deps);
  return { runner, fired, answer: (hex: string) => answer(hex) };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('a replaced rule runner', () => {
  it('fires on a low balance read while it runs', async () => {
    const { runner, fired, answer } = harness(() => false);
    runner.onTick!(60_000);
    answer('0x0');
    await settle();
    expect(fired).toHaveLength(1);
  });

  it('drops a balance reading that arrives after the rules were started again', async () => {
    let replaced = false;
    const { runner, fired, answer } = harness(() => replaced);
    runner.onTick!(60_000);
    replaced = true; // a rule was saved while eth_getBalance was on its way
    answer('0x0');
    await settle();
    expect(fired).toEqual([]);
  });
});
