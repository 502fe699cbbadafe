// Importing a Defender as Code serverless.yml into a real Vigil watching a real anvil, through the
// contract as the UI uses it. The v2 fixture (with its config.yml and ABI files) is copied into an
// operator-chosen folder with its private network pointed at anvil and its addresses at contracts
// deployed there. The preview changes nothing; malformed files are refused and change nothing;
// applying gives rules that fire for exactly the events the Defender conditions select, decided
// here by a small evaluator of Defender's condition semantics that shares no code with the
// importer; importing again changes nothing.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeEventLog,
  type Abi,
  type AbiEvent,
  type Address,
  type TransactionReceipt,
} from 'viem';
import { parse } from 'yaml';
import {
  afterSentinelFired,
  contractIdOf,
  firingsOf,
  STANDING,
  waitForFirings,
  watchContracts,
} from '../../helpers/alerts.ts';
import { saveEventRule } from '../../helpers/event-rule.ts';
import type { AnvilInstance } from '../../helpers/anvil.ts';
import {
  anvilAccount,
  approveTokens,
  deployContract,
  emitHidden,
  emitKinds,
  emitMany,
  mintTokens,
  sampleKinds,
  transferTokens,
} from '../../helpers/contracts.ts';
import { fundedKey } from '../../helpers/funded-key.ts';
import {
  configurationOf,
  FIXTURE_KEEPER,
  FIXTURE_TOKEN,
  startImportStack,
  type ImportStack,
} from '../../helpers/import-stack.ts';
import type { VigilUnderTest } from '../../helpers/vigil-in-process.ts';
import type { RequestOutput } from '../../../src-main/ipc/contract.ts';

type Preview = RequestOutput<'workspace.importFrom'>;

const fixture = 'test/fixtures/imports/defender/v2';
// config.yml's treasury is anvil's second account.
const treasury = anvilAccount(1).address;
const hot = anvilAccount(2).address;

let anvil: AnvilInstance;
let vigil: VigilUnderTest;
let token: Address;
let emitter: Address;
let sentinelEmitter: Address;
let stack: ImportStack;
let folder: string;
/** The keychain signer that replaces the Defender relayer, funded below its minimum balance. */
let relayerSigner: Address;

function writeImportFolder(into: string): void {
  cpSync(fixture, into, { recursive: true });
  const config = join(into, 'config.yml');
  writeFileSync(
    config,
    readFileSync(config, 'utf8')
      .replaceAll(FIXTURE_TOKEN, token)
      .replaceAll(FIXTURE_KEEPER, emitter)
      .replace(/^chain-id: .*$/m, `chain-id: ${anvil.chainId}`)
      .replace(/^rpc-url: .*$/m, `rpc-url: ${anvil.rpcUrl}`)
      .replace(/https:\/\/discord\.com\S*/, 'http://127.0.0.1:9/hook'),
  );
  const serverless = join(into, 'serverless.yml');
  // Deliveries go nowhere: this test is about which events fire, not about the channels.
  writeFileSync(
    serverless,
    readFileSync(serverless, 'utf8').replace(
      /https:\/\/(hooks\.slack\.com|alerts\.ops\.example)[^'\s]*/g,
      'http://127.0.0.1:9/hook',
    ),
  );
}

beforeAll(async () => {
  const started = await startImportStack({ rootPrefix: 'vigil-defender-root-', deploy: true });
  ({ anvil, vigil, token, emitter } = started);
  stack = started;
  sentinelEmitter = await deployContract(anvil.rpcUrl, 'Emitter');
  folder = join(stack.root, 'defender');
  writeImportFolder(folder);
  // 0.1 ETH: below the relayer's 0.5 ETH minimum balance.
  const key = await fundedKey(anvil.rpcUrl, 10n ** 17n);
  relayerSigner = key.address;
  await vigil.call('signers.import', { privateKey: key.privateKey, label: 'treasury relayer' });
  // The operator has the chain already: a balance rule is checked against the chains Vigil has
  // before the import's own chains are added (see the report).
  await watchContracts(
    vigil.call,
    { name: 'anvil', chainId: anvil.chainId, rpcUrl: anvil.rpcUrl, confirmations: 0 },
    [{ address: sentinelEmitter, artifact: 'Emitter' }],
  );
});

afterAll(async () => {
  await stack?.stop();
});

function configuration(): Promise<Record<string, number>> {
  return configurationOf(vigil, ['chains', 'contracts', 'rules', 'policies', 'imports']);
}

// ---- An independent reading of Defender's condition semantics -------------------------------

type Value = bigint | string | boolean;

/**
 * Evaluates a Defender condition on decoded arguments: `and`/`or`/`not` in any case, `=` as
 * `==`, `$N` by position, arithmetic with `^` as power, addresses compared without regard to case.
 */
function defenderSelects(expression: string, args: Value[], names: string[]): boolean {
  const tokens = expression.match(
    /\$\d+|0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:e\d+)?|[A-Za-z_]\w*|==|!=|<=|>=|[=<>()+\-*/^%]/g,
  )!;
  let at = 0;
  const word = (w: string) => tokens[at]?.toLowerCase() === w && ++at > 0;
  const num = (text: string): bigint => {
    const [mantissa, exponent = '0'] = text.split('e');
    const [whole, fraction = ''] = mantissa!.split('.');
    return BigInt(whole + fraction) * 10n ** BigInt(Number(exponent) - fraction.length);
  };
  const or = (): Value => {
    let left = and();
    while (word('or')) {
      const right = and();
      left = (left as boolean) || (right as boolean);
    }
    return left;
  };
  const and = (): Value => {
    let left = not();
    while (word('and')) {
      const right = not();
      left = (left as boolean) && (right as boolean);
    }
    return left;
  };
  const not = (): Value => (word('not') ? !(not() as boolean) : compare());
  const compare = (): Value => {
    const left = sum();
    const op = tokens[at];
    if (!op || !['=', '==', '!=', '<', '<=', '>', '>='].includes(op)) return left;
    at++;
    const right = sum();
    const [a, b] =
      typeof left === 'string' ? [left.toLowerCase(), String(right).toLowerCase()] : [left, right];
    return {
      '=': a === b,
      '==': a === b,
      '!=': a !== b,
      '<': a < b,
      '<=': a <= b,
      '>': a > b,
      '>=': a >= b,
    }[op]!;
  };
  const sum = (): Value => {
    let left = product();
    while (tokens[at] === '+' || tokens[at] === '-') {
      const op = tokens[at++];
      const right = product() as bigint;
      left = op === '+' ? (left as bigint) + right : (left as bigint) - right;
    }
    return left;
  };
  const product = (): Value => {
    let left = power();
    while (['*', '/', '%'].includes(tokens[at]!)) {
      const op = tokens[at++];
      const right = power() as bigint;
      left =
        op === '*'
          ? (left as bigint) * right
          : op === '/'
            ? (left as bigint) / right
            : (left as bigint) % right;
    }
    return left;
  };
  const power = (): Value => {
    const base = atom();
    if (tokens[at] !== '^') return base;
    at++;
    return (base as bigint) ** (power() as bigint);
  };
  const atom = (): Value => {
    const token = tokens[at++]!;
    if (token === '(') {
      const inner = or();
      at++;
      return inner;
    }
    if (token === '-') return -(atom() as bigint);
    if (token.startsWith('$')) return args[Number(token.slice(1))]!;
    if (/^0x[0-9a-fA-F]{40}$/.test(token)) return token;
    if (/^[0-9]/.test(token)) return num(token);
    if (token === 'true' || token === 'false') return token === 'true';
    return args[names.indexOf(token)]!;
  };
  return or() as boolean;
}

interface MonitorFile {
  name: string;
  addresses?: string[];
  contracts?: string[];
  abi?: string;
  conditions?: {
    event?: { signature: string; expression?: string }[];
    transaction?: string;
  };
}

describe('importing a Defender as Code serverless.yml', () => {
  let preview: Preview;

  it('previews what it would add and what it cannot carry over, changing nothing', async () => {
    const before = await configuration();
    preview = await vigil.call<Preview>('workspace.importFrom', {
      paths: [folder],
      proposeFrom: relayerSigner,
    });
    expect(preview.format).toBe('defender');
    // The private network is the chain Vigil has already.
    expect(preview.adds.chains).toEqual([]);
    expect(preview.adds.contracts.map((contract) => contract.address.toLowerCase()).sort()).toEqual(
      [token, emitter].map((address) => address.toLowerCase()).sort(),
    );
    expect(preview.adds.rules.map((rule) => rule.name).sort()).toEqual([
      'Keeper pings: Ping',
      'Keeper pings: Signed',
      'Large DUSD transfers: Transfer',
      'Treasury hot wallet: balance below minimum',
      'Treasury outflows: Approval',
      'Treasury outflows: Transfer',
    ]);
    expect(preview.existing).toEqual({
      chains: [{ chainId: anvil.chainId, name: 'anvil' }],
      contracts: [],
      rules: [],
      schedules: [],
      policies: [],
    });
    // Its relayer policy arrives as an automation policy, disabled until a person enables it.
    expect(preview.adds.policies).toHaveLength(1);
    const reasons = preview.notCarried.map(
      (entry) => `${entry.file.slice(folder.length + 1)}:${entry.line} ${entry.reason}`,
    );
    const text = readFileSync(join(folder, 'serverless.yml'), 'utf8').split('\n');
    const lineOf = (needle: string) => text.findIndex((line) => line.includes(needle)) + 1;
    expect(reasons).toContain(
      `serverless.yml:${lineOf('ops-telegram:')} notification "ops-telegram": Telegram is not a Vigil channel; alerts reach it only through a webhook relay you add by hand`,
    );
    expect(reasons).toContainEqual(
      expect.stringMatching(
        new RegExp(`^serverless\\.yml:${lineOf('value * 2 > 1')} .*arithmetic on arguments`),
      ),
    );
    expect(await configuration()).toEqual(before);
  });

  it('refuses malformed files with file, line and reason, and changes nothing', async () => {
    const before = await configuration();
    const cases: [string, string, string, RegExp][] = [
      [
        '${self:custom.token}',
        '${self:custom.tokn}',
        '${self:custom.tokn}',
        /\$\{self:custom\.tokn\} does not resolve/,
      ],
      ['timeout: 300', 'timeout: [300]', 'timeout: [300]', /notify-config\.timeout: /],
      [
        '  policies:\n',
        '  autotasks:\n    x: {}\n  policies:\n',
        'autotasks:',
        /"autotasks" is not a Defender as Code resource kind/,
      ],
    ];
    for (const [index, [from, to, needle, message]] of cases.entries()) {
      const broken = join(stack.root, `broken-${index}`);
      writeImportFolder(broken);
      const file = join(broken, 'serverless.yml');
      const text = readFileSync(file, 'utf8').replace(from, to);
      writeFileSync(file, text);
      try {
        const error = await vigil.refused('workspace.importFrom', {
          paths: [broken],
          proposeFrom: relayerSigner,
          confirm: true,
        });
        expect(error.code).toBe('IMPORT_INVALID');
        const problems = (
          error.details as { problems: { file: string; line: number; message: string }[] }
        ).problems;
        expect(problems[0]).toEqual({
          file,
          line: text.split('\n').findIndex((line) => line.includes(needle)) + 1,
          message: expect.stringMatching(message),
        });
      } finally {
        rmSync(broken, { recursive: true });
      }
    }
    expect(await configuration()).toEqual(before);
  });

  it('applies, and its rules fire for exactly the events the Defender conditions select', async () => {
    const before = await configuration();
    const result = await vigil.call<Preview>('workspace.importFrom', {
      paths: [folder],
      proposeFrom: relayerSigner,
      confirm: true,
    });
    expect(result.applied).toMatchObject({
      chainsAdded: 0,
      chainsUnchanged: 1,
      contractsAdded: 2,
      rulesAdded: 6,
      policiesAdded: 1,
    });
    expect(await configuration()).toEqual({
      chains: before.chains!,
      contracts: before.contracts! + 2,
      rules: before.rules! + 6,
      policies: before.policies! + 1,
      imports: before.imports! + 1,
    });
    const [policy] = (
      await vigil.call<{ policies: { enabled: boolean; maxFeePerGas: string }[] }>(
        'automation.policies.list',
      )
    ).policies;
    expect(policy).toMatchObject({ enabled: false, maxFeePerGas: '200000000000' });

    const sentinel = await saveEventRule(vigil.call, contractIdOf(anvil.chainId, sentinelEmitter), {
      name: 'Sentinel',
      eventName: 'Hidden',
      condition: '',
    });

    const receipts: TransactionReceipt[] = [];
    receipts.push(await mintTokens(anvil.rpcUrl, token, treasury, 10n ** 14n));
    receipts.push(await mintTokens(anvil.rpcUrl, token, hot, 10n ** 14n));
    receipts.push(
      await transferTokens(anvil.rpcUrl, token, hot, 2n * 10n ** 9n, { accountIndex: 1 }),
    );
    receipts.push(await transferTokens(anvil.rpcUrl, token, hot, 5n, { accountIndex: 1 }));
    receipts.push(
      await transferTokens(anvil.rpcUrl, token, treasury, 10n ** 10n, { accountIndex: 1 }),
    );
    receipts.push(
      await transferTokens(anvil.rpcUrl, token, treasury, 6n * 10n ** 13n, { accountIndex: 2 }),
    );
    receipts.push(await approveTokens(anvil.rpcUrl, token, hot, 10n ** 30n, { accountIndex: 1 }));
    receipts.push(await approveTokens(anvil.rpcUrl, token, hot, 10n, { accountIndex: 1 }));
    receipts.push(await approveTokens(anvil.rpcUrl, token, hot, 0n, { accountIndex: 1 }));
    receipts.push(
      await approveTokens(anvil.rpcUrl, token, treasury, 10n ** 30n, { accountIndex: 2 }),
    );
    receipts.push(await emitMany(anvil.rpcUrl, emitter, 9n));
    receipts.push(await emitKinds(anvil.rpcUrl, emitter));
    receipts.push(
      await emitKinds(anvil.rpcUrl, emitter, { ...sampleKinds, signedValue: -(10n ** 18n) }),
    );
    await afterSentinelFired(vigil.call, sentinel.id, () =>
      emitHidden(anvil.rpcUrl, sentinelEmitter, 1n),
    );

    // What Defender would have alerted on, monitor by monitor, from the files themselves; the
    // file's variables are the few this test knows the values of.
    const variables: Record<string, string> = { '${self:custom.treasury}': treasury };
    const raw = readFileSync(join(folder, 'serverless.yml'), 'utf8').replace(
      /\$\{self:custom\.treasury\}/g,
      (match) => variables[match]!,
    );
    const monitors = (parse(raw) as { resources: { monitors: Record<string, MonitorFile> } })
      .resources.monitors;
    const abis: Record<string, Abi> = {
      [token.toLowerCase()]: JSON.parse(readFileSync(join(folder, 'abis/erc20.json'), 'utf8')),
      [emitter.toLowerCase()]: JSON.parse(readFileSync(join(folder, 'abis/emitter.json'), 'utf8')),
    };
    const addressesOf: Record<string, string> = {
      'Large DUSD transfers': token,
      'Treasury outflows': token,
      'Keeper pings': emitter,
    };
    const expected = new Map<string, Set<string>>();
    for (const monitor of Object.values(monitors)) {
      const address = addressesOf[monitor.name];
      if (!address) continue;
      const abi = abis[address.toLowerCase()]!;
      for (const condition of monitor.conditions?.event ?? []) {
        const eventName = condition.signature.split('(')[0]!;
        const rule = preview.adds.rules.find(
          (candidate) => candidate.name === `${monitor.name}: ${eventName}`,
        );
        // Not carried over (listed in the preview): nothing to fire.
        if (!rule) continue;
        const matches = new Set<string>();
        expected.set(rule.id, matches);
        for (const receipt of receipts)
          for (const log of receipt.logs) {
            if (log.address.toLowerCase() !== address.toLowerCase()) continue;
            let decoded: { eventName: string; args: Record<string, Value> };
            try {
              decoded = decodeEventLog({ abi, data: log.data, topics: log.topics }) as never;
            } catch {
              continue;
            }
            if (decoded.eventName !== eventName) continue;
            const event = abi.find(
              (item): item is AbiEvent => item.type === 'event' && item.name === eventName,
            )!;
            const inputs = event.inputs.map((input) => ({ name: input.name ?? '' }));
            const names = inputs.map((input) => input.name);
            const args = names.map((name) => decoded.args[name]!);
            // Every transaction this test sends carries no value: `value == 0` holds for all.
            const transactionHolds = monitor.conditions?.transaction
              ? defenderSelects(monitor.conditions.transaction, [0n], ['value'])
              : true;
            if (
              transactionHolds &&
              (!condition.expression || defenderSelects(condition.expression, args, names))
            )
              matches.add(`${log.transactionHash}:${log.logIndex}`);
          }
      }
    }
    const eventRules = preview.adds.rules.filter((rule) => rule.kind === 'event');
    expect([...expected.keys()].sort()).toEqual(eventRules.map((rule) => rule.id).sort());
    const allEvents = receipts.flatMap((receipt) => receipt.logs).length;
    for (const [ruleId, matches] of expected) {
      const name = eventRules.find((rule) => rule.id === ruleId)!.name;
      // The events select something for every rule, and not everything.
      expect(matches.size, name).toBeGreaterThan(0);
      // A match inside the cooldown (Defender's notify timeout) is recorded as suppressed.
      await waitForFirings(vigil.call, ruleId, matches.size, [...STANDING, 'suppressed']);
    }
    await afterSentinelFired(vigil.call, sentinel.id, () =>
      emitHidden(anvil.rpcUrl, sentinelEmitter, 2n),
    );
    for (const [ruleId, matches] of expected) {
      const name = eventRules.find((rule) => rule.id === ruleId)!.name;
      const fired = (await firingsOf(vigil.call, ruleId)).map(
        (firing) => `${firing.event!.transactionHash}:${firing.event!.logIndex}`,
      );
      expect(new Set(fired), name).toEqual(matches);
      expect(fired, name).toHaveLength(matches.size);
      expect(matches.size, name).toBeLessThan(allEvents);
    }
    // Defender's 300 s notify timeout: the first large transfer notifies, the rest are held back.
    const largeTransfers = eventRules.find(
      (rule) => rule.name === 'Large DUSD transfers: Transfer',
    )!;
    const states = (await firingsOf(vigil.call, largeTransfers.id)).map((firing) => firing.state);
    expect(states.filter((state) => state !== 'suppressed')).toHaveLength(1);
    expect(states.length).toBeGreaterThan(1);
    // The relayer's replacement holds 0.1 ETH, under the 0.5 ETH minimum.
    const balanceRule = preview.adds.rules.find((rule) => rule.kind === 'balance')!;
    await waitForFirings(vigil.call, balanceRule.id, 1, STANDING);
  });

  it('changes nothing when the same files are imported again', async () => {
    const before = await configuration();
    const again = await vigil.call<Preview>('workspace.importFrom', {
      paths: [folder],
      proposeFrom: relayerSigner,
      confirm: true,
    });
    expect(again.adds).toEqual({
      chains: [],
      contracts: [],
      rules: [],
      schedules: [],
      policies: [],
    });
    expect(again.existing.policies).toHaveLength(1);
    expect(again.existing.rules).toHaveLength(6);
    expect(again.applied).toMatchObject({
      chainsAdded: 0,
      contractsAdded: 0,
      contractsUnchanged: 2,
      rulesAdded: 0,
      rulesUnchanged: 6,
      policiesAdded: 0,
      policiesChanged: 0,
      policiesUnchanged: 1,
    });
    expect(await configuration()).toEqual({ ...before, imports: before.imports! + 1 });
  });
});
