// OpenZeppelin Defender as Code `serverless.yml` files (plugin v2 `resources:`, and v1
// `resources: Resources:` with sentinels) as a Vigil workspace: BLOCK monitors become watched
// contracts and event rules (their conditions translated, see defender-expression.ts),
// notifications the rules' channels, relayer minimum balances balance rules, relayer policies
// automation policies (disabled) for the signer that replaces the relayer, private networks
// chains. Serverless variables are resolved first (see serverless-variables.ts).
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { parseDocument } from 'yaml';
import { toEventSignature, toFunctionSignature, type AbiEvent, type AbiFunction } from 'viem';
import type { z } from 'zod';
import type { AlertChannelInput, AlertRuleInput, WorkspacePolicy } from '../../../ipc/contract.ts';
import { parseAbiInput } from '../../abi/index.ts';
import { VigilError } from '../../errors/index.ts';
import { ruleSlug } from '../../rule-syntax/index.ts';
import {
  emptyWorkspace,
  importError,
  type ImportContext,
  type ImportFile,
  type ImportPlan,
  type ImportProblem,
} from '../import-plan.ts';
import { readSourceDocument, type SourceDocument, type SourcePath } from '../source-document.ts';
import { translateDefenderExpression, type ExtraFields } from './defender-expression.ts';
import {
  DefenderBlockMonitor,
  DefenderCategory,
  DefenderContract,
  DefenderForkedNetwork,
  DefenderNotification,
  DefenderPolicy,
  DefenderPrivateNetwork,
  DefenderRelayer,
  resourceKinds,
  type DefenderNotification as Notification,
} from './defender-files.ts';
import { defenderChainIds } from './defender-networks.ts';
import { resolveVariables } from './serverless-variables.ts';

type RuleInput = z.output<typeof AlertRuleInput>;
type Channel = z.output<typeof AlertChannelInput>;

/** One serverless.yml, its variables resolved, and where its resources are. */
interface Stack {
  doc: SourceDocument;
  value: Record<string, unknown>;
  /** ['resources'] (v2) or ['resources', 'Resources'] (v1). */
  base: SourcePath;
  layout: 'v1' | 'v2';
}

/** What the import collects across resources, to link monitors to channels and networks. */
interface Links {
  stack: Stack;
  plan: ImportPlan;
  problems: ImportProblem[];
  context: ImportContext;
  /** Network name → chain id, for public networks and carried private networks. */
  chainIds: Map<string, number>;
  /** Private and forked networks not carried over: their name → why. */
  droppedNetworks: Map<string, string>;
  /** Public networks already noted as needing a chain in Vigil. */
  notedNetworks: Set<string>;
  /** Resolved notification objects → their channel (undefined: not carried over). */
  channels: Map<object, Channel | undefined>;
  /** Resolved category objects → their notifications. */
  categories: Map<object, unknown[]>;
  /** Resolved policy objects → their resource name. */
  policies: Map<object, string>;
  /** Contract resources by `chainId:address`: their ABIs for monitors that give none. */
  contractAbis: Map<string, unknown>;
}

// Transaction fields a Defender transaction condition may name that Vigil's conditions read too.
const transactionFields: ExtraFields = {
  from: { vigilField: 'tx.from', type: 'address' },
  to: { vigilField: 'tx.to', type: 'address' },
  value: { vigilField: 'tx.value', type: 'uint256' },
};
const maxCooldown = 30 * 86_400;

export function importDefender(files: readonly ImportFile[], context: ImportContext): ImportPlan {
  const problems: ImportProblem[] = [];
  const plan: ImportPlan = {
    format: 'defender',
    workspace: emptyWorkspace(),
    notCarried: [],
    secrets: [],
  };
  const used = new Set<string>();
  const stacks: Stack[] = [];
  for (const file of files) {
    if (!/^serverless\.ya?ml$/i.test(basename(file.path))) continue;
    const doc = readSourceDocument(file, 'yaml', problems);
    if (!doc) continue;
    const raw = parseDocument(file.text, { intAsBigInt: true }).toJS() as unknown;
    const value = resolveVariables({ doc, raw, files, env: context.env, problems, used });
    if (value === undefined) continue;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({
        file: doc.file,
        line: 1,
        message: 'must be a mapping (service, provider, resources …)',
      });
      continue;
    }
    const stack = readLayout(doc, value as Record<string, unknown>, plan, problems);
    if (stack) stacks.push(stack);
  }
  for (const file of files)
    if (!/^serverless\.ya?ml$/i.test(basename(file.path)) && !used.has(file.path))
      plan.notCarried.push({
        file: file.path,
        line: 1,
        reason: 'not a serverless.yml, and no serverless.yml refers to it with ${file(…)}',
      });
  if (problems.length > 0) throw importError(problems);
  for (const stack of stacks) importStack(stack, plan, problems, context);
  if (problems.length > 0) throw importError(problems);
  return plan;
}

function readLayout(
  doc: SourceDocument,
  value: Record<string, unknown>,
  plan: ImportPlan,
  problems: ImportProblem[],
): Stack | undefined {
  const functions = value.functions;
  if (functions !== null && typeof functions === 'object')
    for (const name of Object.keys(functions))
      plan.notCarried.push({
        file: doc.file,
        line: doc.keyLineOf(['functions'], name),
        reason: `autotask "${name}": Defender ran its code; Vigil does not run code (use a rule's proposal or a schedule)`,
      });
  const resources = value.resources;
  if (resources === undefined || resources === null) {
    problems.push({
      file: doc.file,
      line: 1,
      message: 'resources: is required (the monitors, relayers … to import)',
    });
    return undefined;
  }
  if (typeof resources !== 'object' || Array.isArray(resources)) {
    problems.push({
      file: doc.file,
      line: doc.lineOf(['resources']),
      message: 'resources: must be a mapping of resource kinds',
    });
    return undefined;
  }
  const v1 = 'Resources' in resources;
  const base: SourcePath = v1 ? ['resources', 'Resources'] : ['resources'];
  const section = v1 ? (resources as Record<string, unknown>).Resources : resources;
  if (v1 && Object.keys(resources).length > 1)
    for (const key of Object.keys(resources).filter((key) => key !== 'Resources'))
      problems.push({
        file: doc.file,
        line: doc.keyLineOf(['resources'], key),
        message: `resources.${key}: with the v1 layout every resource is under resources.Resources`,
      });
  if (section === null || typeof section !== 'object' || Array.isArray(section)) {
    problems.push({
      file: doc.file,
      line: doc.lineOf(base),
      message: `${base.join('.')}: must be a mapping of resource kinds`,
    });
    return undefined;
  }
  const layout = v1 ? 'v1' : 'v2';
  const known: readonly string[] = resourceKinds[layout];
  for (const [kind, entries] of Object.entries(section)) {
    if (!known.includes(kind)) {
      problems.push({
        file: doc.file,
        line: doc.keyLineOf(base, kind),
        message: `${[...base, kind].join('.')}: "${kind}" is not a Defender as Code resource kind (${known.join(', ')})`,
      });
      continue;
    }
    if (entries !== null && (typeof entries !== 'object' || Array.isArray(entries)))
      problems.push({
        file: doc.file,
        line: doc.lineOf([...base, kind]),
        message: `${[...base, kind].join('.')}: must be a mapping of resource names to ${kind}`,
      });
  }
  return { doc, value, base, layout };
}

function importStack(
  stack: Stack,
  plan: ImportPlan,
  problems: ImportProblem[],
  context: ImportContext,
): void {
  const links: Links = {
    stack,
    plan,
    problems,
    context,
    chainIds: new Map(Object.entries(defenderChainIds)),
    droppedNetworks: new Map(),
    notedNetworks: new Set(),
    channels: new Map(),
    categories: new Map(),
    policies: new Map(),
    contractAbis: new Map(),
  };
  const kindAbout = { sentinels: 'sentinel', monitors: 'monitor' } as const;
  for (const [, name, , path] of entriesOf(links, 'private-networks')) {
    const network = checkShape(stack, path, DefenderPrivateNetwork, problems);
    if (network) importPrivateNetwork(name, network, path, links);
  }
  for (const [, name, , path] of entriesOf(links, 'forked-networks')) {
    const network = checkShape(stack, path, DefenderForkedNetwork, problems);
    if (!network) continue;
    const reason = `the fork's chain id is not in the file (a fork may keep the chain id of ${network['forked-network'] ?? network['supported-network'] ?? 'the network it forks'}, which is Vigil's for the real chain)`;
    links.droppedNetworks.set(network.name, reason);
    note(links, path, `forked network "${name}": ${reason}; not carried over`);
  }
  for (const [, name, value, path] of entriesOf(links, 'notifications')) {
    const notification = checkShape(stack, path, DefenderNotification, problems);
    if (notification && isObject(value))
      links.channels.set(value, importNotification(name, notification, path, links));
  }
  for (const [, , value, path] of entriesOf(links, 'categories')) {
    const category = checkShape(stack, path, DefenderCategory, problems);
    if (category && isObject(value))
      links.categories.set(value, category['notification-ids'] ?? []);
  }
  for (const [, name, value, path] of entriesOf(links, 'policies'))
    if (checkShape(stack, path, DefenderPolicy, problems) && isObject(value))
      links.policies.set(value, name);
  for (const [, name, , path] of entriesOf(links, 'contracts')) {
    const contract = checkShape(stack, path, DefenderContract, problems);
    if (contract) importContract(name, contract, path, links);
  }
  for (const monitorKind of ['monitors', 'sentinels'] as const)
    for (const [, name, value, path] of entriesOf(links, monitorKind)) {
      const about = `${kindAbout[monitorKind]} "${name}"`;
      const type = isObject(value) ? (value as { type?: unknown }).type : undefined;
      if (type === 'FORTA') {
        note(
          links,
          path,
          `${about}: Forta monitors read Forta's alerts, which Vigil does not receive; not carried over`,
        );
        continue;
      }
      const monitor = checkShape(stack, path, DefenderBlockMonitor, problems);
      if (monitor) importMonitor(about, name, monitor, path, links);
    }
  for (const [, name, , path] of entriesOf(links, 'relayers')) {
    const relayer = checkShape(stack, path, DefenderRelayer, problems);
    if (relayer) importRelayer(name, relayer, path, links);
  }
  for (const [kind, name, , path] of [
    ...entriesOf(links, 'actions'),
    ...entriesOf(links, 'relayer-groups'),
    ...entriesOf(links, 'block-explorer-api-keys'),
  ])
    note(
      links,
      path,
      kind === 'actions'
        ? `action "${name}": Defender ran its code; Vigil does not run code (use a rule's proposal or a schedule)`
        : kind === 'relayer-groups'
          ? `relayer group "${name}": Vigil sends from one keychain signer per transaction; groups are not carried over`
          : `block explorer API key "${name}": set Vigil's explorer key in its settings instead`,
    );
  const secrets = valueAt(stack.value, [...stack.base, 'secrets']);
  if (isObject(secrets))
    note(
      links,
      [...stack.base, 'secrets'],
      'action secrets are for Defender actions, which Vigil does not run; not carried over',
    );
}

/** The named resources of one kind, with a reference to a Defender id noted and skipped. */
function entriesOf(links: Links, kind: string): [string, string, unknown, SourcePath][] {
  const { stack } = links;
  const entries = valueAt(stack.value, [...stack.base, kind]);
  if (!isObject(entries) || Array.isArray(entries)) return [];
  return Object.entries(entries).flatMap(
    ([name, value]): [string, string, unknown, SourcePath][] => {
      const path = [...stack.base, kind, name];
      if (typeof value === 'string' && kind !== 'actions') {
        note(
          links,
          path,
          `${kind} "${name}" names an existing Defender resource by its id (${value}); its settings are in Defender, not in these files, so it is not carried over`,
        );
        return [];
      }
      return [[kind, name, value, path]];
    },
  );
}

function importPrivateNetwork(
  name: string,
  network: z.output<typeof DefenderPrivateNetwork>,
  path: SourcePath,
  links: Links,
): void {
  const configured = network.configuration['chain-id'] ?? network.configuration.chainId;
  const chainId =
    typeof configured === 'bigint' || typeof configured === 'number'
      ? Number(configured)
      : undefined;
  if (chainId === undefined || !Number.isSafeInteger(chainId) || chainId <= 0) {
    const reason = 'its configuration gives no chain id (Defender read it from the RPC URL)';
    links.droppedNetworks.set(network.name, reason);
    note(
      links,
      [...path, 'configuration'],
      `private network "${name}": ${reason}; add the chain in Vigil by hand`,
    );
    return;
  }
  links.chainIds.set(network.name, chainId);
  if (network['api-key'] !== undefined)
    note(
      links,
      [...path, 'api-key'],
      `private network "${name}": its block explorer API key is not carried over`,
    );
  links.plan.workspace.chains.push({
    name: network.name.slice(0, 80),
    chainId,
    rpcUrls: [network['rpc-url']],
    ...(network['block-explorer-url'] === undefined
      ? {}
      : { explorerUrl: network['block-explorer-url'] }),
  });
}

/** The chain id of a network a resource names; undefined (noted) when it is not carried over. */
function chainIdOf(
  network: string,
  about: string,
  path: SourcePath,
  links: Links,
): number | undefined {
  const dropped = links.droppedNetworks.get(network);
  if (dropped !== undefined) {
    note(
      links,
      [...path, 'network'],
      `${about}: network "${network}" is not carried over (${dropped}), so neither is this`,
    );
    return undefined;
  }
  const chainId = links.chainIds.get(network);
  if (chainId === undefined) {
    links.problems.push({
      file: links.stack.doc.file,
      line: lineAt(links.stack.doc, [...path, 'network']),
      message: `${about}: "${network}" is not a Defender network Vigil knows, nor a private network of this file`,
    });
    return undefined;
  }
  const isPublic = defenderChainIds[network] === chainId;
  if (isPublic && !links.notedNetworks.has(network)) {
    links.notedNetworks.add(network);
    note(
      links,
      [...path, 'network'],
      `network "${network}" (chain ${chainId}): Defender ran its own nodes, so the file gives no RPC URL; Vigil must have chain ${chainId} configured before the import is applied`,
    );
  }
  return chainId;
}

function importNotification(
  name: string,
  notification: Notification,
  path: SourcePath,
  links: Links,
): Channel | undefined {
  const about = `notification "${name}"`;
  if (notification.paused) {
    note(links, [...path, 'paused'], `${about} is paused; rules do not send to it`);
    return undefined;
  }
  const url = notification.config.url;
  switch (notification.type) {
    case 'slack':
    case 'discord':
    case 'webhook': {
      if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) {
        links.problems.push({
          file: links.stack.doc.file,
          line: lineAt(links.stack.doc, [...path, 'config', 'url']),
          message: `${about}: config.url must be an http(s):// URL`,
        });
        return undefined;
      }
      const format = notification.type === 'webhook' ? 'json' : notification.type;
      if (notification.type === 'webhook')
        note(
          links,
          path,
          `${about}: Vigil posts its own JSON body, signed with HMAC-SHA256 (a new secret, shown once when applied); the receiver must accept that body`,
        );
      return { type: 'webhook', url, format };
    }
    case 'email':
      note(links, path, `${about}: email is not a Vigil channel`);
      return undefined;
    case 'telegram':
      note(
        links,
        path,
        `${about}: Telegram is not a Vigil channel; alerts reach it only through a webhook relay you add by hand`,
      );
      return undefined;
    case 'datadog':
    case 'opsgenie':
    case 'pager-duty':
      note(
        links,
        path,
        `${about}: ${notification.type} is not a Vigil channel; point a Vigil webhook at its events API by hand`,
      );
      return undefined;
  }
}

function importContract(
  name: string,
  contract: DefenderContract,
  path: SourcePath,
  links: Links,
): void {
  const about = `contract "${name}"`;
  if (!isAddress(contract.address)) {
    addressProblem(links, [...path, 'address'], about, contract.address);
    return;
  }
  const chainId = chainIdOf(contract.network, about, path, links);
  if (chainId === undefined) return;
  if (contract.abi === undefined || contract.abi === null) {
    note(
      links,
      path,
      `${about}: no ABI in the file; Vigil decodes events by ABI, so it is not watched (add it with its ABI)`,
    );
    return;
  }
  const abi = readAbi(contract.abi, [...path, 'abi'], about, links);
  if (!abi) return;
  links.contractAbis.set(`${chainId}:${contract.address.toLowerCase()}`, abi);
  addContract(links.plan, { chainId, address: contract.address, name: contract.name, abi });
}

function importMonitor(
  about: string,
  name: string,
  monitor: DefenderBlockMonitor,
  path: SourcePath,
  links: Links,
): void {
  const chainId = chainIdOf(monitor.network, about, path, links);
  const notify = monitor['notify-config'];
  for (const key of [
    'action-condition',
    'action-trigger',
    'autotask-condition',
    'autotask-trigger',
  ] as const)
    if (monitor[key] !== undefined && monitor[key] !== null)
      note(
        links,
        [...path, key],
        `${about}: ${key} runs Defender code, which Vigil does not run; the rule fires without it`,
      );
  if (notify?.message)
    note(
      links,
      [...path, 'notify-config', 'message'],
      `${about}: the message template is not carried over; Vigil sends its own alert text`,
    );
  const threshold = monitor['alert-threshold'];
  if (threshold && threshold.amount > 1n)
    note(
      links,
      [...path, 'alert-threshold', 'amount'],
      `${about}: Vigil has no "${threshold.amount} matches within ${threshold['window-seconds']} s" threshold; its rules fire on every match`,
    );
  let confirmations: number | undefined;
  const level = monitor['confirm-level'];
  if (typeof level === 'bigint') confirmations = Number(level);
  else if (level !== undefined)
    note(
      links,
      [...path, 'confirm-level'],
      `${about}: Vigil counts confirmations in blocks, and "${level}" is not a block count; the rules fire at 0 confirmations until you set one`,
    );
  let cooldownSeconds = Number(notify?.timeout ?? 0n);
  if (cooldownSeconds > maxCooldown) {
    note(
      links,
      [...path, 'notify-config', 'timeout'],
      `${about}: the ${cooldownSeconds} s timeout is longer than Vigil's 30-day cooldown limit; 30 days is used`,
    );
    cooldownSeconds = maxCooldown;
  }
  const channels = monitorChannels(about, notify, path, links);
  const conditions = monitor.conditions ?? {};
  (conditions.function ?? []).forEach((fn, index) =>
    note(
      links,
      [...path, 'conditions', 'function', index],
      `${about}: the function condition ${fn.signature} is not carried over: Vigil's rules watch events, not calls; watch an event the function emits`,
    ),
  );
  let events = conditions.event ?? [];
  let transactionCondition = '';
  if (conditions.transaction) {
    const translated = translateDefenderExpression(conditions.transaction, [], transactionFields);
    if (!translated.ok) {
      if (events.length > 0)
        note(
          links,
          [...path, 'conditions', 'transaction'],
          `${about}: the transaction condition cannot be carried over (${translated.reason}), so neither can its event conditions`,
        );
      events = [];
    } else transactionCondition = translated.condition;
  }
  if (events.length === 0 && (conditions.event ?? []).length === 0)
    note(
      links,
      [...path, 'conditions'],
      `${about}: without event conditions Defender alerts on transactions; Vigil's rules watch events, so nothing is carried over`,
    );
  if (chainId === undefined) return;
  if (events.length > 0)
    note(
      links,
      [...path, 'conditions', 'event'],
      `${about}: Defender alerts once per matching transaction, Vigil once per matching event (a transaction with several fires several times)`,
    );

  const addresses: { address: string; path: SourcePath; abi: unknown }[] = [];
  (monitor.addresses ?? []).forEach((address, index) =>
    addresses.push({ address, path: [...path, 'addresses', index], abi: monitor.abi }),
  );
  (monitor.contracts ?? []).forEach((contract, index) => {
    const entry = contract as { address?: unknown; abi?: unknown };
    if (typeof entry.address === 'string')
      addresses.push({
        address: entry.address,
        path: [...path, 'contracts', index],
        abi: monitor.abi ?? entry.abi,
      });
    else
      note(
        links,
        [...path, 'contracts', index],
        `${about}: refers to a contract by its Defender id, which is not in these files`,
      );
  });
  for (const entry of addresses) {
    if (!isAddress(entry.address)) {
      addressProblem(links, entry.path, about, entry.address);
      continue;
    }
    const rawAbi = entry.abi ?? links.contractAbis.get(`${chainId}:${entry.address.toLowerCase()}`);
    if (rawAbi === undefined || rawAbi === null) {
      note(
        links,
        entry.path,
        `${about}: ${entry.address} has no ABI in the file; Vigil decodes events by ABI, so it is not carried over`,
      );
      continue;
    }
    const abi = readAbi(
      rawAbi,
      monitor.abi === undefined ? entry.path : [...path, 'abi'],
      about,
      links,
    );
    if (!abi) continue;
    if (events.length === 0) continue;
    addContract(links.plan, { chainId, address: entry.address, name: monitor.name, abi });
    const abiEvents = abi.filter(
      (item): item is AbiEvent => (item as { type?: string }).type === 'event',
    );
    events.forEach((condition, index) => {
      const conditionPath: SourcePath = [...path, 'conditions', 'event', index];
      const signature = condition.signature.replace(/\s+/g, '');
      const event = abiEvents.find((candidate) => toEventSignature(candidate) === signature);
      if (!event) {
        note(
          links,
          [...conditionPath, 'signature'],
          `${about}: ${condition.signature} is not an event of ${entry.address}'s ABI; Defender never matches it either`,
        );
        return;
      }
      let eventCondition = '';
      if (condition.expression) {
        const translated = translateDefenderExpression(
          condition.expression,
          event.inputs.map((input) => ({ name: input.name ?? '', type: input.type })),
        );
        if (!translated.ok) {
          note(
            links,
            [...conditionPath, 'expression'],
            `${about}: the condition on ${event.name} is not carried over: ${translated.reason}`,
          );
          return;
        }
        eventCondition = translated.condition;
      }
      const combined = [eventCondition, transactionCondition]
        .filter((part) => part !== '')
        .map((part, _, all) => (all.length > 1 && / or /.test(part) ? `(${part})` : part))
        .join(' and ');
      const overloaded = abiEvents.filter((candidate) => candidate.name === event.name).length > 1;
      const sameEvent =
        events.filter((other) => other.signature.replace(/\s+/g, '') === signature).length > 1;
      const rule: RuleInput = {
        // Stable across imports, so importing again finds the rule and adds nothing.
        id: ruleId(name, `${chainId}:${entry.address.toLowerCase()}:${signature}:${index}`),
        name: truncate(
          `${monitor.name}: ${event.name}${sameEvent ? ` #${index + 1}` : ''}${addresses.length > 1 ? ` (${entry.address.slice(0, 6)}…${entry.address.slice(-4)})` : ''}`,
          120,
        ),
        kind: 'event',
        contractId: `${chainId}:${entry.address.toLowerCase()}`,
        eventName: overloaded ? signature : event.name,
        condition: combined,
        confirmations: confirmations ?? 0,
        enabled: monitor.paused !== true,
        severity: 'warning',
        cooldownSeconds,
        channels: channels.length > 0 ? channels : [{ type: 'in-app' }],
      };
      links.plan.workspace.rules.push(rule);
    });
  }
}

/** The channels a monitor notifies: its own, or (with none) those of its category. */
function monitorChannels(
  about: string,
  notify: DefenderBlockMonitor['notify-config'],
  path: SourcePath,
  links: Links,
): Channel[] {
  if (!notify) return [];
  let entries = notify.channels;
  let entriesPath: SourcePath = [...path, 'notify-config', 'channels'];
  if (entries.length === 0 && isObject(notify.category)) {
    entries = links.categories.get(notify.category) ?? [];
    entriesPath = [...path, 'notify-config', 'category'];
  }
  const channels: Channel[] = [];
  entries.forEach((entry, index) => {
    const at = entriesPath.at(-1) === 'channels' ? [...entriesPath, index] : entriesPath;
    if (!isObject(entry) || !links.channels.has(entry)) {
      if (typeof entry === 'string')
        note(
          links,
          at,
          `${about}: notifies a channel by its Defender id (${entry}), which is not in these files`,
        );
      else
        links.problems.push({
          file: links.stack.doc.file,
          line: lineAt(links.stack.doc, at),
          message: `${about}: a notify-config channel must be \${self:…notifications.NAME} or a Defender id`,
        });
      return;
    }
    const channel = links.channels.get(entry);
    if (channel && !channels.some((known) => JSON.stringify(known) === JSON.stringify(channel)))
      channels.push(channel);
  });
  return channels.slice(0, 10);
}

function importRelayer(
  name: string,
  relayer: DefenderRelayer,
  path: SourcePath,
  links: Links,
): void {
  const about = `relayer "${name}"`;
  const chainId = chainIdOf(relayer.network, about, path, links);
  if (relayer['api-keys']?.length)
    note(
      links,
      [...path, 'api-keys'],
      `${about}: relayer API keys are not carried over; Vigil sends from its keychain signer`,
    );
  if (chainId === undefined) return;
  const signer = links.context.proposeFrom;
  if (signer === undefined) {
    note(
      links,
      path,
      `${about}: its key stays in Defender; give the keychain signer that replaces it (proposeFrom) to carry over its minimum balance${relayer.policy ? ' and policy' : ''}`,
    );
    return;
  }
  if (relayer['min-balance'] > 0n)
    links.plan.workspace.rules.push({
      id: ruleId(name, `balance:${chainId}:${signer.toLowerCase()}`),
      name: truncate(`${relayer.name}: balance below minimum`, 120),
      kind: 'balance',
      chainId,
      address: signer,
      below: relayer['min-balance'].toString(),
      enabled: true,
      severity: 'warning',
      cooldownSeconds: 0,
      channels: [{ type: 'in-app' }],
    });
  if (relayer.policy === undefined || relayer.policy === null) return;
  const policyName = isObject(relayer.policy) ? links.policies.get(relayer.policy) : undefined;
  if (policyName === undefined) {
    note(
      links,
      [...path, 'policy'],
      `${about}: its policy is a Defender id, not a policy of these files`,
    );
    return;
  }
  importPolicy(about, relayer, policyName, chainId, signer, path, links);
}

function importPolicy(
  about: string,
  relayer: DefenderRelayer,
  policyName: string,
  chainId: number,
  signer: string,
  relayerPath: SourcePath,
  links: Links,
): void {
  const policy = DefenderPolicy.parse(relayer.policy);
  const path: SourcePath = [...links.stack.base, 'policies', policyName];
  const policyAbout = `policy "${policyName}" (of ${about})`;
  const targets: WorkspacePolicy['targets'] = [];
  (policy['whitelist-receivers'] ?? []).forEach((receiver, index) => {
    const abi = links.plan.workspace.contracts.find(
      (contract) =>
        contract.chainId === chainId && contract.address.toLowerCase() === receiver.toLowerCase(),
    )?.abi;
    const functions = (abi ?? [])
      .filter((item): item is AbiFunction => (item as { type?: string }).type === 'function')
      .filter((fn) => fn.stateMutability !== 'view' && fn.stateMutability !== 'pure');
    if (functions.length === 0) {
      note(
        links,
        [...path, 'whitelist-receivers', index],
        `${policyAbout}: ${receiver} is not a contract this import watches with state-changing functions; Vigil policies allow calls to watched contracts' functions only, so sends to it need approval by hand`,
      );
      return;
    }
    // By name, or by signature where the ABI overloads the name.
    const overloaded = (fn: AbiFunction): boolean =>
      functions.filter((candidate) => candidate.name === fn.name).length > 1;
    targets.push({
      address: receiver,
      functions: [
        ...new Set(functions.map((fn) => (overloaded(fn) ? toFunctionSignature(fn) : fn.name))),
      ].map((fn) => ({ function: fn })),
    });
  });
  if (policy['eip1559-pricing'] !== undefined)
    note(
      links,
      [...path, 'eip1559-pricing'],
      `${policyAbout}: Vigil chooses the fee type itself (EIP-1559 where the chain has it)`,
    );
  if (policy['private-transactions'])
    note(
      links,
      [...path, 'private-transactions'],
      `${policyAbout}: Vigil sends through the chain's RPC URLs; private (Flashbots) transactions are not carried over`,
    );
  if (targets.length === 0) {
    note(
      links,
      path,
      `${policyAbout}: no whitelisted receiver is a watched contract, and a Vigil policy needs at least one; not carried over`,
    );
    return;
  }
  const cap = policy['gas-price-cap'];
  note(
    links,
    [...relayerPath, 'policy'],
    `${policyAbout}: Defender policies have no per-transaction value, daily budget or hourly limit, which Vigil's require; imported (disabled) with 0 value per transaction, a daily budget of 0 and 1 per hour${cap === undefined ? ', and a max fee per gas of 0 (Defender had no gas price cap)' : ''}: set them before enabling it`,
  );
  links.plan.workspace.policies.push({
    id: ruleSlug(`defender-${policyName}-${chainId}`),
    name: truncate(`${relayer.name}: ${policyName}`, 200),
    chainId,
    signer,
    targets,
    maxValuePerTx: '0',
    maxFeePerGas: (cap ?? 0n).toString(),
    dailyBudget: '0',
    maxPerHour: 1,
  });
}

function readAbi(
  raw: unknown,
  path: SourcePath,
  about: string,
  links: Links,
): unknown[] | undefined {
  try {
    return parseAbiInput(raw, 'abi') as unknown[];
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    links.problems.push({
      file: links.stack.doc.file,
      line: lineAt(links.stack.doc, path),
      message: `${about}: ${error.message}`,
    });
    return undefined;
  }
}

function addContract(
  plan: ImportPlan,
  contract: { chainId: number; address: string; name: string; abi: unknown[] },
): void {
  const existing = plan.workspace.contracts.find(
    (candidate) =>
      candidate.chainId === contract.chainId &&
      candidate.address.toLowerCase() === contract.address.toLowerCase(),
  );
  if (!existing) {
    plan.workspace.contracts.push({ ...contract, name: truncate(contract.name, 80) });
    return;
  }
  const known = new Set(existing.abi!.map((item) => JSON.stringify(item)));
  for (const item of contract.abi) if (!known.has(JSON.stringify(item))) existing.abi!.push(item);
}

/** Checks a resolved value against a schema, reporting each issue at its line. */
function checkShape<T>(
  stack: Stack,
  path: SourcePath,
  schema: z.ZodType<T>,
  problems: ImportProblem[],
): T | undefined {
  const result = schema.safeParse(valueAt(stack.value, path));
  if (result.success) return result.data;
  const { doc } = stack;
  for (const issue of result.error.issues) {
    const at = [...path, ...(issue.path as (string | number)[])];
    const where = at.join('.');
    if (issue.code === 'unrecognized_keys')
      for (const key of issue.keys)
        problems.push({
          file: doc.file,
          line: doc.keyLineOf(at, key),
          message: `${where}: unknown key "${key}"`,
        });
    else
      problems.push({
        file: doc.file,
        line: doc.lineOf(at),
        message: `${where}: ${valueAt(stack.value, at) === undefined ? 'is required' : issue.message}`,
      });
  }
  return undefined;
}

function valueAt(value: unknown, path: SourcePath): unknown {
  let node = value;
  for (const segment of path)
    node = (node as Record<string | number, unknown> | undefined)?.[segment];
  return node;
}

function note(links: Links, path: SourcePath, reason: string): void {
  links.plan.notCarried.push({
    file: links.stack.doc.file,
    line: lineAt(links.stack.doc, path),
    reason,
  });
}

function addressProblem(links: Links, path: SourcePath, about: string, address: string): void {
  links.problems.push({
    file: links.stack.doc.file,
    line: lineAt(links.stack.doc, path),
    message: `${about}: "${address}" is not a 20-byte 0x address`,
  });
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

function isAddress(text: string): boolean {
  return /^0x[0-9a-fA-F]{40}$/.test(text);
}

function ruleId(resourceName: string, key: string): string {
  const hash = createHash('sha256')
    .update(`defender\u0000${resourceName}\u0000${key}`)
    .digest('hex')
    .slice(0, 8);
  return `${ruleSlug(resourceName).slice(0, 40).replace(/-+$/, '')}-${hash}`;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** The line an operator would open: a mapping key's own line, or a list item's. */
function lineAt(doc: SourceDocument, path: SourcePath): number {
  const last = path.at(-1);
  return typeof last === 'string' ? doc.keyLineOf(path.slice(0, -1), last) : doc.lineOf(path);
}
