// Importing an OpenZeppelin Monitor folder into a real Vigil watching a real anvil, through the
// contract as the UI and `npm run import` use it. The fixture folder (written from OZ Monitor's
// documented formats) is copied into an operator-chosen folder with its network pointed at anvil
// and its addresses at contracts deployed there. The preview changes nothing; paths outside the
// chosen folder (outside, "..", a symlink out) and malformed files are refused and change
// nothing; applying it gives rules that fire for exactly the events the original OZ expressions
// select, decided here by a small evaluator of OZ Monitor's own semantics (case-insensitive text
// with ==, !=, contains, starts_with and ends_with, arguments by name or position) that shares no
// code with the importer, over events whose text differs from the literals only in case;
// importing again changes nothing.
import { readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEventLog, type Abi, type Address, type TransactionReceipt } from 'viem';
import {
  afterSentinelFired,
  contractIdOf,
  firingsOf,
  waitForFirings,
} from '../../helpers/alerts.ts';
import { saveEventRule } from '../../helpers/event-rule.ts';
import type { AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks, rawRpc, sendFailingCall } from '../../helpers/chain-control.ts';
import {
  anvilAccount,
  approveTokens,
  emitHidden,
  emitKinds,
  emitMany,
  mintTokens,
  sampleKinds,
  transferTokens,
} from '../../helpers/contracts.ts';
import { configurationOf, startImportStack, type ImportStack } from '../../helpers/import-stack.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { writeImportFolder } from '../../helpers/oz-monitor-folder.ts';
import type { VigilUnderTest } from '../../helpers/vigil-in-process.ts';
import type { RequestOutput } from '../../../src-main/ipc/contract.ts';

type Preview = RequestOutput<'workspace.importFrom'>;

const treasury = anvilAccount(1).address;
const hot = anvilAccount(2).address;

let anvil: AnvilInstance;
let vigil: VigilUnderTest;
let token: Address;
let emitter: Address;
let stack: ImportStack;
let outside: { path: string; remove(): void };
let folder: string;

beforeAll(async () => {
  const started = await startImportStack({
    rootPrefix: 'vigil-import-root-',
    deploy: true,
    env: { OPS_WEBHOOK_SECRET: 'ops-webhook-secret-0123456789' },
  });
  ({ anvil, vigil, token, emitter } = started);
  stack = started;
  outside = makeTempDir('vigil-import-outside-');
  folder = join(stack.root, 'oz-monitor-config');
  writeImportFolder(folder, { anvil, token, keeper: emitter });
});

afterAll(async () => {
  await stack?.stop();
  outside?.remove();
});

function configuration() {
  return configurationOf(vigil, ['chains', 'contracts', 'rules', 'imports']);
}

// ---- An independent reading of OZ Monitor's expression semantics ----------------------------

type Value = bigint | string | boolean;

function evaluateOz(expression: string, args: { name: string; value: Value }[]): boolean {
  const tokens = expression.match(
    /\(|\)|'[^']*'|"[^"]*"|==|!=|>=|<=|>|<|&&|\|\||[A-Za-z0-9_\-.]+/g,
  )!;
  let at = 0;
  const literal = (text: string): Value => {
    if (/^['"]/.test(text)) return text.slice(1, -1);
    if (/^-?[0-9]+$/.test(text)) return BigInt(text);
    if (text === 'true' || text === 'false') return text === 'true';
    return text;
  };
  const field = (text: string): Value => {
    const arg = /^[0-9]+$/.test(text) ? args[Number(text)] : args.find((a) => a.name === text);
    if (!arg) throw new Error(`no argument ${text}`);
    return arg.value;
  };
  const compare = (left: Value, op: string, right: Value): boolean => {
    if (typeof left === 'bigint') {
      const r = BigInt(right as bigint);
      return {
        '==': left === r,
        '!=': left !== r,
        '>': left > r,
        '>=': left >= r,
        '<': left < r,
        '<=': left <= r,
      }[op]!;
    }
    // OZ Monitor: text and addresses compare without regard to case.
    const l = String(left).toLowerCase();
    const r = String(right).toLowerCase();
    if (op === 'contains') return l.includes(r);
    if (op === 'starts_with') return l.startsWith(r);
    if (op === 'ends_with') return l.endsWith(r);
    return op === '==' ? l === r : l !== r;
  };
  const or = (): boolean => {
    let value = and();
    while (/^(or|\|\|)$/i.test(tokens[at] ?? '')) {
      at++;
      const right = and();
      value = value || right;
    }
    return value;
  };
  const and = (): boolean => {
    let value = atom();
    while (/^(and|&&)$/i.test(tokens[at] ?? '')) {
      at++;
      const right = atom();
      value = value && right;
    }
    return value;
  };
  const atom = (): boolean => {
    if (tokens[at] === '(') {
      at++;
      const value = or();
      at++;
      return value;
    }
    const left = field(tokens[at++]!);
    const op = tokens[at++]!;
    return compare(left, op, literal(tokens[at++]!));
  };
  return or();
}

function argsOf(abi: Abi, log: TransactionReceipt['logs'][number]) {
  try {
    const decoded = decodeEventLog({ abi, data: log.data, topics: log.topics });
    const event = abi.find(
      (item) => item.type === 'event' && item.name === decoded.eventName,
    ) as unknown as {
      inputs: { name: string }[];
    };
    const values = decoded.args as unknown as Record<string, Value>;
    return {
      eventName: decoded.eventName,
      args: event.inputs.map((input) => ({ name: input.name, value: values[input.name]! })),
    };
  } catch {
    return undefined;
  }
}

describe('importing an OpenZeppelin Monitor folder', () => {
  let preview: Preview;

  it('previews what it would add and what it cannot carry over, changing nothing', async () => {
    const before = await configuration();
    preview = await vigil.call<Preview>('workspace.importFrom', { paths: [folder] });
    expect(preview.format).toBe('oz-monitor');
    expect(preview.adds.chains).toEqual([
      expect.objectContaining({
        chainId: anvil.chainId,
        name: 'Ethereum Mainnet',
        confirmations: 12,
      }),
    ]);
    expect(preview.adds.contracts.map((contract) => contract.address.toLowerCase()).sort()).toEqual(
      [token, emitter].map((address) => address.toLowerCase()).sort(),
    );
    expect(preview.adds.rules).toHaveLength(12);
    expect(preview.existing).toEqual({
      chains: [],
      contracts: [],
      rules: [],
      schedules: [],
      policies: [],
    });
    expect(preview.secrets).toEqual([
      expect.objectContaining({ env: 'OPS_WEBHOOK_SECRET', set: true }),
    ]);
    const reasons = preview.notCarried.map(
      (entry) => `${entry.file.slice(folder.length + 1)}:${entry.line} ${entry.reason}`,
    );
    // Text comparisons carry over (OZ Monitor's case-insensitive text as lower(…)).
    expect(reasons.filter((reason) => /expression on/.test(reason))).toEqual([]);
    expect(reasons).toContainEqual(expect.stringMatching(/^triggers\/people\.json:\d+ .*Telegram/));
    expect(reasons).toContainEqual(expect.stringMatching(/^networks\/stellar_mainnet\.json:\d+ /));
    expect(await configuration()).toEqual(before);
  });

  it('reads nothing outside the folders the operator chose', async () => {
    writeImportFolder(join(outside.path, 'config'), { anvil, token, keeper: emitter });
    const before = await configuration();
    const refusals = [
      await vigil.refused('workspace.importFrom', { paths: [join(outside.path, 'config')] }),
      await vigil.refused('workspace.importFrom', {
        paths: [`${stack.root}/../${outside.path.split('/').at(-1)}/config`],
      }),
      await vigil.refused('workspace.importFrom', { paths: ['oz-monitor-config'] }),
      await vigil.refused('workspace.importFrom', {
        paths: [join(outside.path, 'config/monitors/treasury_flows.json')],
      }),
    ];
    expect(
      refusals.map((error) => [error.code, (error.details as { reason: string }).reason]),
    ).toEqual([
      ['FOLDER_NOT_ALLOWED', 'not-chosen'],
      ['FOLDER_NOT_ALLOWED', 'dot-dot'],
      ['FOLDER_NOT_ALLOWED', 'relative'],
      ['FOLDER_NOT_ALLOWED', 'not-chosen'],
    ]);
    // Symlinks inside the chosen folder that lead out: a folder, and a file among the monitors.
    const linked = join(stack.root, 'linked');
    symlinkSync(join(outside.path, 'config'), linked);
    const withLinkedFile = join(stack.root, 'with-linked-file');
    writeImportFolder(withLinkedFile, { anvil, token, keeper: emitter });
    symlinkSync(
      join(outside.path, 'config/monitors/treasury_flows.json'),
      join(withLinkedFile, 'monitors/linked.json'),
    );
    try {
      for (const paths of [
        [linked],
        [withLinkedFile],
        [join(withLinkedFile, 'monitors/linked.json')],
      ]) {
        const error = await vigil.refused('workspace.importFrom', { paths, confirm: true });
        expect(error.code).toBe('FOLDER_NOT_ALLOWED');
        expect((error.details as { reason: string }).reason).toBe('symlink-escape');
      }
    } finally {
      rmSync(linked);
      rmSync(withLinkedFile, { recursive: true });
    }
    expect(await configuration()).toEqual(before);
  });

  it('refuses malformed files with file, line and reason, and changes nothing', async () => {
    const broken = join(stack.root, 'broken');
    writeImportFolder(broken, { anvil, token, keeper: emitter });
    const monitor = join(broken, 'monitors/treasury_flows.json');
    writeFileSync(
      monitor,
      readFileSync(monitor, 'utf8').replace('"treasury_discord"', '"treasury_discrod"'),
    );
    const network = join(broken, 'networks/ethereum_mainnet.json');
    writeFileSync(
      network,
      readFileSync(network, 'utf8').replace(
        '"store_blocks": false',
        '"store_blocks": false,\n  "storeBlocks": true',
      ),
    );
    const before = await configuration();
    try {
      const error = await vigil.refused('workspace.importFrom', { paths: [broken], confirm: true });
      expect(error.code).toBe('IMPORT_INVALID');
      const problems = (
        error.details as { problems: { file: string; line: number; message: string }[] }
      ).problems;
      const lineOf = (path: string, needle: string) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .findIndex((line) => line.includes(needle)) + 1;
      expect(problems).toEqual(
        [
          {
            file: monitor,
            line: lineOf(monitor, 'treasury_discrod'),
            message: 'trigger "treasury_discrod" is not defined in any triggers/ file',
          },
          {
            file: network,
            line: lineOf(network, 'storeBlocks'),
            message: 'unknown key "storeBlocks"',
          },
        ].sort((a, b) => a.file.localeCompare(b.file)),
      );
    } finally {
      rmSync(broken, { recursive: true });
    }
    expect(await configuration()).toEqual(before);
  });

  it('applies in one import, and its rules fire for exactly the events the OZ expressions select', async () => {
    const result = await vigil.call<Preview>('workspace.importFrom', {
      paths: [folder],
      confirm: true,
    });
    expect(result.applied).toMatchObject({
      chainsAdded: 1,
      contractsAdded: 2,
      rulesAdded: 12,
      rulesUnchanged: 0,
    });
    expect(await configuration()).toMatchObject({ chains: 1, contracts: 2, rules: 12, imports: 1 });
    // One import entry, then one entry per change.
    const audited = async (action: string) =>
      (await vigil.call<{ total: number }>('audit.list', { action })).total;
    expect([
      await audited('chain.added'),
      await audited('contract.added'),
      await audited('rule.created'),
    ]).toEqual([1, 2, 12]);

    const emitterId = contractIdOf(anvil.chainId, emitter);
    const sentinel = await saveEventRule(vigil.call, emitterId, {
      name: 'Sentinel',
      eventName: 'Hidden',
      condition: '',
    });

    // Rules added with their chain are armed by time (the head was unknown): events in blocks
    // stamped from the second after the last rule was armed on are theirs.
    const { rules } = await vigil.call<RequestOutput<'alerts.rules.list'>>('alerts.rules.list');
    const armedAt = Math.max(...rules.map((rule) => rule.armedAt ?? 0));
    await rawRpc(anvil.rpcUrl, 'evm_setNextBlockTimestamp', [Math.ceil(armedAt / 1000) + 1]);
    const receipts: TransactionReceipt[] = [];
    const e6 = 1_000_000n;
    receipts.push(await mintTokens(anvil.rpcUrl, token, treasury, 50_000n * e6 * 1000n));
    receipts.push(await mintTokens(anvil.rpcUrl, token, hot, 999_999n));
    receipts.push(await mintTokens(anvil.rpcUrl, token, treasury, 1_000_000n));
    receipts.push(
      await transferTokens(anvil.rpcUrl, token, hot, 20_000n * e6, { accountIndex: 1 }),
    );
    receipts.push(await transferTokens(anvil.rpcUrl, token, treasury, 5n, { accountIndex: 2 }));
    receipts.push(await approveTokens(anvil.rpcUrl, token, hot, 10n ** 30n, { accountIndex: 1 }));
    receipts.push(
      await approveTokens(anvil.rpcUrl, token, treasury, 10n ** 30n, { accountIndex: 2 }),
    );
    receipts.push(
      await approveTokens(anvil.rpcUrl, token, treasury, 10n ** 6n, { accountIndex: 2 }),
    );
    receipts.push(await emitMany(anvil.rpcUrl, emitter, 9n));
    receipts.push(await emitMany(anvil.rpcUrl, emitter, 2n, { accountIndex: 2 }));
    receipts.push(await emitKinds(anvil.rpcUrl, emitter));
    receipts.push(
      await emitKinds(anvil.rpcUrl, emitter, {
        ...sampleKinds,
        flag: false,
        signedValue: -100n,
        note: 'REBALANCE done',
      }),
    );
    receipts.push(await emitKinds(anvil.rpcUrl, emitter, { ...sampleKinds, signedValue: 7n }));
    // Notes that differ from the monitors' literals only in case ("Keeper notes" compares
    // 'Vault Rebalance ✓', starts_with 'VAULT', ends_with 'Done'): OZ Monitor selects them, so the
    // rules must too; and one note that neither selects.
    receipts.push(
      await emitKinds(anvil.rpcUrl, emitter, { ...sampleKinds, note: 'Vault REBALANCE ✓' }),
    );
    receipts.push(
      await emitKinds(anvil.rpcUrl, emitter, {
        ...sampleKinds,
        note: 'payout DONE',
        signedValue: -5n,
      }),
    );
    receipts.push(
      await emitKinds(anvil.rpcUrl, emitter, {
        ...sampleKinds,
        note: 'payout done',
        signedValue: 5n,
      }),
    );
    // "Failed vault calls" (a Failure transaction condition) watches the token: a failed call to
    // it fires; a failed call to the emitter, which that monitor does not name, does not (it comes
    // first: the rule reads blocks in order, so once the token's failure fired, it was read).
    await sendFailingCall(anvil.rpcUrl, emitter);
    const failedToToken = await sendFailingCall(anvil.rpcUrl, token);
    // The imported rules wait 12 confirmations (the network's confirmation_blocks).
    await mineBlocks(anvil.rpcUrl, 13);
    await afterSentinelFired(vigil.call, sentinel.id, () => emitHidden(anvil.rpcUrl, emitter, 1n));

    // What OZ Monitor would have matched, rule by rule, from the monitor files themselves.
    const expected = new Map<string, Set<string>>();
    for (const name of readdirSync(join(folder, 'monitors'))) {
      const monitor = JSON.parse(readFileSync(join(folder, 'monitors', name), 'utf8'));
      for (const entry of monitor.addresses) {
        for (const condition of monitor.match_conditions.events) {
          const eventName = condition.signature.split('(')[0];
          const rule = preview.adds.rules.find(
            (candidate) =>
              candidate.name.startsWith(`${monitor.name}: `) &&
              candidate.eventName === eventName &&
              candidate.contractId === contractIdOf(anvil.chainId, entry.address),
          );
          // Not carried over (listed in the preview): nothing to fire.
          if (!rule) continue;
          const matches = expected.get(rule.id) ?? new Set<string>();
          expected.set(rule.id, matches);
          if (!rule.enabled) continue;
          for (const receipt of receipts)
            for (const log of receipt.logs) {
              if (log.address.toLowerCase() !== entry.address.toLowerCase()) continue;
              const decoded = argsOf(entry.contract_spec, log);
              if (decoded === undefined || decoded.eventName !== eventName) continue;
              if (!condition.expression || evaluateOz(condition.expression, decoded.args))
                matches.add(`${log.transactionHash}:${log.logIndex}`);
            }
        }
      }
    }
    const eventRules = preview.adds.rules.filter((rule) => rule.kind === 'event');
    expect([...expected.keys()].sort()).toEqual(eventRules.map((rule) => rule.id).sort());
    // The fixtures select something for every enabled rule, and not everything.
    const allEvents = receipts.flatMap((receipt) => receipt.logs).length;
    for (const rule of eventRules)
      if (rule.enabled) expect(expected.get(rule.id)!.size, rule.name).toBeGreaterThan(0);
    // Confirmed firings come once the watcher has seen the events 12 deep; wait for each rule's
    // count, then check no rule fired on anything else, after every event was seen once more.
    for (const [ruleId, matches] of expected)
      if (matches.size > 0) await waitForFirings(vigil.call, ruleId, matches.size, ['fired']);
    await mineBlocks(anvil.rpcUrl, 2);
    await afterSentinelFired(vigil.call, sentinel.id, () => emitHidden(anvil.rpcUrl, emitter, 2n));
    for (const [ruleId, matches] of expected) {
      const fired = (await firingsOf(vigil.call, ruleId)).map(
        (firing) => `${firing.event!.transactionHash}:${firing.event!.logIndex}`,
      );
      expect(new Set(fired), preview.adds.rules.find((rule) => rule.id === ruleId)!.name).toEqual(
        matches,
      );
      expect(fired).toHaveLength(matches.size);
      expect(matches.size).toBeLessThan(allEvents);
    }
    const failedCalls = preview.adds.rules.filter((rule) => rule.kind === 'failed-call');
    expect(failedCalls.map((rule) => rule.name)).toEqual(['Failed vault calls: failed calls']);
    // The preview says what it watches: the monitor's addresses on its chain.
    expect(failedCalls[0]!.watches).toMatch(
      new RegExp(`^failed transactions to .*${token.slice(2)}.* on chain ${anvil.chainId}$`, 'i'),
    );
    const failures = await waitForFirings(vigil.call, failedCalls[0]!.id, 1, ['fired']);
    expect(failures.map((firing) => [firing.subject, firing.state])).toEqual([
      [`${anvil.chainId}:${failedToToken.toLowerCase()}`, 'fired'],
    ]);
  });

  it('changes nothing when the same folder is imported again', async () => {
    const before = await configuration();
    const again = await vigil.call<Preview>('workspace.importFrom', {
      paths: [folder],
      confirm: true,
    });
    expect(again.adds).toEqual({
      chains: [],
      contracts: [],
      rules: [],
      schedules: [],
      policies: [],
    });
    expect(again.existing.rules).toHaveLength(12);
    expect(again.applied).toMatchObject({
      chainsAdded: 0,
      chainsUnchanged: 1,
      contractsAdded: 0,
      contractsUnchanged: 2,
      rulesAdded: 0,
      rulesUnchanged: 12,
    });
    expect(await configuration()).toEqual({ ...before, imports: before.imports + 1 });
  });
});
