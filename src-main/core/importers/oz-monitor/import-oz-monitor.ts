// OpenZeppelin Monitor's configuration folders (networks/, monitors/, triggers/) as a Vigil
// workspace: networks become chains, monitored addresses watched contracts, event conditions
// event rules (their expressions translated, see oz-expression.ts), Failure transaction conditions
// failed-call rules, triggers the rules' channels.
import { basename, dirname } from 'node:path';
import type { z } from 'zod';
import type { AlertChannelInput, AlertRuleInput } from '../../../ipc/contract.ts';
import { parseAbiInput } from '../../abi/index.ts';
import { VigilError } from '../../errors/index.ts';
import {
  emptyPlan,
  importError,
  type ImportContext,
  type ImportFile,
  type ImportPlan,
  type ImportProblem,
  type NotCarried,
} from '../import-plan.ts';
import { readSourceDocument, type SourceDocument, type SourcePath } from '../source-document.ts';
import { checkShape } from '../shared/check-shape.ts';
import { bothConditions, eventSignature, ruleChannels } from '../shared/event-rules.ts';
import { addPlanContract } from '../shared/plan-contracts.ts';
import { stableRuleId } from '../shared/stable-rule-id.ts';
import { isAddress, shortAddress, truncate } from '../shared/text.ts';
import { translateOzExpression, type OzParameter } from './oz-expression.ts';
import {
  OzMonitor,
  OzNetwork,
  OzTriggerFile,
  type OzSecretValue,
  type OzTrigger,
} from './oz-files.ts';

type RuleInput = z.output<typeof AlertRuleInput>;
type Channel = z.output<typeof AlertChannelInput>;

interface Located<T> {
  value: T;
  doc: SourceDocument;
  path: SourcePath;
}

interface AbiEvent {
  name: string;
  inputs: { name?: string; type: string; components?: unknown[] }[];
}

// Transaction fields an OZ transaction expression may name that Vigil's conditions read too.
const transactionFields = {
  from: { vigilField: 'tx.from', type: 'address' },
  to: { vigilField: 'tx.to', type: 'address' },
  value: { vigilField: 'tx.value', type: 'uint256' },
} as const;

export function importOzMonitor(files: readonly ImportFile[], context: ImportContext): ImportPlan {
  const problems: ImportProblem[] = [];
  const plan = emptyPlan('oz-monitor');
  const { notCarried } = plan;
  const networks: Located<OzNetwork>[] = [];
  const monitors: Located<OzMonitor>[] = [];
  const triggers = new Map<string, Located<OzTrigger>>();
  const refusedNames = new Set<string>();

  for (const file of files) {
    const folder = basename(dirname(file.path));
    if (!['networks', 'monitors', 'triggers'].includes(folder) || !file.path.endsWith('.json')) {
      notCarried.push({
        file: file.path,
        line: 1,
        reason:
          'not an OpenZeppelin Monitor network, monitor or trigger file (a .json file in networks/, monitors/ or triggers/)',
      });
      continue;
    }
    const doc = readSourceDocument(file, 'json', problems);
    if (!doc) continue;
    // A file refused for its shape still defines what it names, so references to it are not
    // reported as dangling too.
    if (folder === 'networks') {
      const value = checkShape(doc, doc.value, [], OzNetwork, problems);
      if (value) networks.push({ value, doc, path: [] });
      else definedNames(doc.value, 'slug').forEach((slug) => refusedNames.add(`network:${slug}`));
    } else if (folder === 'monitors') {
      const value = checkShape(doc, doc.value, [], OzMonitor, problems);
      if (value) monitors.push({ value, doc, path: [] });
    } else {
      const value = checkShape(doc, doc.value, [], OzTriggerFile, problems);
      if (!value) definedNames(doc.value).forEach((id) => refusedNames.add(`trigger:${id}`));
      for (const [id, trigger] of Object.entries(value ?? {})) {
        const earlier = triggers.get(id);
        if (earlier)
          problems.push({
            file: doc.file,
            line: doc.keyLineOf([], id),
            message: `trigger "${id}" is already defined in ${earlier.doc.file}:${earlier.doc.keyLineOf([], id)}`,
          });
        else triggers.set(id, { value: trigger, doc, path: [id] });
      }
    }
  }

  const networkBySlug = new Map<string, Located<OzNetwork>>();
  for (const network of networks) {
    const earlier = networkBySlug.get(network.value.slug);
    if (earlier)
      problems.push({
        file: network.doc.file,
        line: network.doc.lineOf(['slug']),
        message: `network slug "${network.value.slug}" is already used by ${earlier.doc.file}`,
      });
    else networkBySlug.set(network.value.slug, network);
  }
  // Dangling references make OZ Monitor refuse to start; they are refused here too.
  for (const monitor of monitors) {
    monitor.value.networks.forEach((slug, index) => {
      if (!networkBySlug.has(slug) && !refusedNames.has(`network:${slug}`))
        problems.push({
          file: monitor.doc.file,
          line: monitor.doc.lineOf(['networks', index]),
          message: `network "${slug}" is not defined in any networks/ file`,
        });
    });
    monitor.value.triggers.forEach((id, index) => {
      if (!triggers.has(id) && !refusedNames.has(`trigger:${id}`))
        problems.push({
          file: monitor.doc.file,
          line: monitor.doc.lineOf(['triggers', index]),
          message: `trigger "${id}" is not defined in any triggers/ file`,
        });
    });
    monitor.value.addresses.forEach((entry, index) => {
      if (!isAddress(entry.address))
        problems.push({
          file: monitor.doc.file,
          line: monitor.doc.lineOf(['addresses', index, 'address']),
          message: `"${entry.address}" is not a 20-byte 0x address`,
        });
    });
  }
  if (problems.length > 0) throw importError(problems);

  const chainIdBySlug = new Map<string, number>();
  for (const network of networkBySlug.values()) {
    const chain = importNetwork(network, context, plan);
    if (chain !== undefined) chainIdBySlug.set(network.value.slug, chain);
  }
  const channelsByTrigger = new Map<string, Channel | undefined>();
  for (const [id, trigger] of triggers)
    channelsByTrigger.set(id, importTrigger(id, trigger, context, plan));
  for (const monitor of monitors)
    importMonitor(monitor, { chainIdBySlug, networkBySlug, channelsByTrigger }, plan, problems);
  if (problems.length > 0) throw importError(problems);
  return plan;
}

/** A network file's slug, or a trigger file's ids: what a file names even when it is refused. */
function definedNames(value: unknown, key?: string): string[] {
  if (typeof value !== 'object' || value === null) return [];
  if (key === undefined) return Object.keys(value);
  const name = (value as Record<string, unknown>)[key];
  return typeof name === 'string' ? [name] : [];
}

/** A plain value, or one read from the environment; undefined with the reason recorded. */
function secretValue(
  secret: OzSecretValue,
  context: ImportContext,
  where: { file: string; line: number; what: string },
  notCarried: NotCarried[],
): string | undefined {
  if (secret.type === 'plain') return secret.value;
  if (secret.type === 'environment') {
    const value = context.env[secret.value];
    if (value !== undefined && value !== '') return value;
    notCarried.push({
      file: where.file,
      line: where.line,
      reason: `${where.what} comes from the environment variable ${secret.value}, which is not set where Vigil runs; set it before applying the import`,
    });
    return undefined;
  }
  notCarried.push({
    file: where.file,
    line: where.line,
    reason: `${where.what} is kept in HashiCorp Cloud Vault, which Vigil does not read; add it by hand`,
  });
  return undefined;
}

function importNetwork(
  network: Located<OzNetwork>,
  context: ImportContext,
  plan: ImportPlan,
): number | undefined {
  const { value, doc } = network;
  if (value.network_type !== 'EVM' || value.chain_id === undefined) {
    plan.notCarried.push({
      file: doc.file,
      line: doc.lineOf(['network_type']),
      reason: `${value.network_type} networks are not watched by Vigil (EVM chains only); its monitors are not carried over`,
    });
    return undefined;
  }
  const rpcUrls: string[] = [];
  value.rpc_urls.forEach((rpc, index) => {
    const line = doc.lineOf(['rpc_urls', index]);
    // Weight 0 is how OZ Monitor keeps a URL configured but unused.
    if (rpc.weight === 0) {
      plan.notCarried.push({
        file: doc.file,
        line: doc.lineOf(['rpc_urls', index, 'weight']),
        reason: 'an RPC URL with weight 0 (unused by OZ Monitor) is skipped',
      });
      return;
    }
    const url = secretValue(
      rpc.url,
      context,
      { file: doc.file, line, what: 'the RPC URL' },
      plan.notCarried,
    );
    if (url !== undefined && !rpcUrls.includes(url)) rpcUrls.push(url);
  });
  if (rpcUrls.length === 0) {
    plan.notCarried.push({
      file: doc.file,
      line: doc.lineOf(['rpc_urls']),
      reason: `no usable RPC URL for ${value.name}; the chain and its monitors are not carried over`,
    });
    return undefined;
  }
  plan.workspace.chains.push({
    name: truncate(value.name, 80),
    chainId: value.chain_id,
    rpcUrls,
    confirmations: value.confirmation_blocks,
  });
  return value.chain_id;
}

function importTrigger(
  id: string,
  trigger: Located<OzTrigger>,
  context: ImportContext,
  plan: ImportPlan,
): Channel | undefined {
  const { value, doc } = trigger;
  const line = doc.keyLineOf([], id);
  const config = value.config;
  const refuse = (reason: string): undefined => {
    plan.notCarried.push({ file: doc.file, line, reason: `trigger "${id}": ${reason}` });
    return undefined;
  };
  const urlOf = (key: string): string | undefined => {
    const raw = config[key];
    const secret = OzSecretValueLike(raw);
    if (!secret) return refuse(`config.${key} must be a {type, value} URL`);
    return secretValue(
      secret,
      context,
      { file: doc.file, line: doc.lineOf([id, 'config', key]), what: `trigger "${id}"'s URL` },
      plan.notCarried,
    );
  };
  if (config.message !== undefined)
    plan.notCarried.push({
      file: doc.file,
      line: doc.lineOf([id, 'config', 'message']),
      reason: `trigger "${id}": the message template is not carried over; Vigil sends its own alert text (rule, event and its values)`,
    });
  switch (value.trigger_type) {
    case 'slack':
    case 'discord': {
      const url = urlOf(`${value.trigger_type}_url`);
      return url === undefined ? undefined : { type: 'webhook', url, format: value.trigger_type };
    }
    case 'webhook': {
      const url = urlOf('url');
      if (url === undefined) return undefined;
      const channel: Channel = { type: 'webhook', url, format: 'json' };
      if (config.method !== undefined && config.method !== 'POST')
        plan.notCarried.push({
          file: doc.file,
          line: doc.lineOf([id, 'config', 'method']),
          reason: `trigger "${id}": Vigil's webhooks are POSTs, not ${String(config.method)}`,
        });
      if (config.headers !== undefined && Object.keys(config.headers as object).length > 0)
        plan.notCarried.push({
          file: doc.file,
          line: doc.lineOf([id, 'config', 'headers']),
          reason: `trigger "${id}": custom headers are not sent by Vigil's webhooks`,
        });
      const secret = OzSecretValueLike(config.secret);
      const secretLine = doc.lineOf([id, 'config', 'secret']);
      if (secret?.type === 'environment') {
        // Read where Vigil runs when the import is applied, then kept in the keychain.
        channel.secretEnv = secret.value;
        plan.secrets.push({
          env: secret.value,
          purpose: `webhook secret of trigger "${id}"`,
          file: doc.file,
          line: secretLine,
        });
      } else if (secret?.type === 'plain' && secret.value.length >= 16)
        channel.secret = secret.value;
      else if (secret !== undefined)
        plan.notCarried.push({
          file: doc.file,
          line: secretLine,
          reason: `trigger "${id}": the webhook secret ${secret.type === 'plain' ? 'is shorter than the 16 characters Vigil requires' : 'is in HashiCorp Cloud Vault'}; Vigil generates a new one, shown once when the import is applied`,
        });
      plan.notCarried.push({
        file: doc.file,
        line,
        reason: `trigger "${id}": Vigil signs webhook bodies its own way (HMAC-SHA256 in its own header), not with OZ Monitor's X-Signature and X-Timestamp; the receiver must check Vigil's signature`,
      });
      return channel;
    }
    case 'telegram':
      return refuse(
        'Telegram is not a Vigil channel; alerts reach it only through a webhook relay you add by hand',
      );
    case 'email':
      return refuse('email is not a Vigil channel');
    case 'script':
      return refuse(
        `notification scripts (${String(config.script_path ?? 'script')}) are not run by Vigil`,
      );
  }
}

function OzSecretValueLike(raw: unknown): OzSecretValue | undefined {
  if (typeof raw === 'string') return { type: 'plain', value: raw };
  const value = raw as { type?: unknown; value?: unknown } | undefined;
  if (
    typeof value?.value === 'string' &&
    (value.type === 'plain' ||
      value.type === 'environment' ||
      value.type === 'hashicorp_cloud_vault')
  )
    return { type: value.type, value: value.value };
  return undefined;
}

interface MonitorLinks {
  chainIdBySlug: Map<string, number>;
  networkBySlug: Map<string, Located<OzNetwork>>;
  channelsByTrigger: Map<string, Channel | undefined>;
}

function importMonitor(
  monitor: Located<OzMonitor>,
  links: MonitorLinks,
  plan: ImportPlan,
  problems: ImportProblem[],
): void {
  const { value, doc } = monitor;
  const note = (path: SourcePath, reason: string): void => {
    plan.notCarried.push({
      file: doc.file,
      line: doc.lineOf(path),
      reason: `monitor "${value.name}": ${reason}`,
    });
  };
  value.match_conditions.functions.forEach((fn, index) =>
    note(
      ['match_conditions', 'functions', index],
      `the function condition ${fn.signature} is not carried over: Vigil's rules watch events, not calls; watch an event the function emits`,
    ),
  );
  (value.trigger_conditions ?? []).forEach((_, index) =>
    note(
      ['trigger_conditions', index],
      'the filter script is not run by Vigil: its rules fire on every event the expression selects',
    ),
  );
  const channels = ruleChannels(
    value.triggers
      .map((id) => links.channelsByTrigger.get(id))
      .filter((channel): channel is Channel => channel !== undefined),
  );

  // What the transaction conditions add to each event rule: OZ Monitor matches only when one of
  // them holds as well. Failed transactions emit no events, so Failure alone selects none.
  const transactions = value.match_conditions.transactions;
  let transactionCondition = '';
  const eventConditions = value.match_conditions.events;
  if (transactions.length > 0 && eventConditions.length > 0) {
    if (transactions.every((condition) => condition.status === 'Failure')) {
      note(
        ['match_conditions', 'transactions'],
        'only failed transactions are selected, and they emit no events: the event conditions never match, and are not carried over',
      );
      eventConditions.length = 0;
    } else if (
      !transactions.some((condition) => condition.status !== 'Failure' && !condition.expression)
    ) {
      const parts: string[] = [];
      for (const [index, condition] of transactions.entries()) {
        if (condition.status === 'Failure') continue;
        const translated = translateOzExpression(condition.expression!, [], transactionFields);
        if (!translated.ok) {
          note(
            ['match_conditions', 'transactions', index, 'expression'],
            `the transaction expression cannot be carried over (${translated.reason}), so neither can its event conditions`,
          );
          eventConditions.length = 0;
          break;
        }
        parts.push(translated.condition);
      }
      transactionCondition =
        parts.length === 1 ? parts[0]! : parts.map((part) => `(${part})`).join(' or ');
    }
  }
  const failedCalls = failedCallsOf(value, note);
  transactions.forEach((condition, index) => {
    if (condition.status === 'Failure') return;
    if (eventConditions.length === 0 && value.match_conditions.events.length === 0)
      note(
        ['match_conditions', 'transactions', index],
        "transaction conditions without event conditions are not carried over: Vigil's rules watch events",
      );
  });

  for (const [networkIndex, slug] of value.networks.entries()) {
    const chainId = links.chainIdBySlug.get(slug);
    if (chainId === undefined) {
      note(
        ['networks', networkIndex],
        `network "${slug}" is not carried over, so neither is what the monitor watches there`,
      );
      continue;
    }
    const confirmations = links.networkBySlug.get(slug)!.value.confirmation_blocks;
    if (failedCalls)
      plan.workspace.rules.push({
        // Stable across imports, so importing again finds the rule and adds nothing.
        id: ruleId(value.name, `${chainId}:failed-call`),
        name: truncate(
          `${value.name}: failed calls${value.networks.length > 1 ? ` on ${slug}` : ''}`,
          120,
        ),
        kind: 'failed-call',
        chainId,
        addresses: value.addresses.map((entry) => entry.address),
        confirmations,
        enabled: !value.paused,
        severity: 'warning',
        cooldownSeconds: 0,
        channels,
      });
    for (const [addressIndex, entry] of value.addresses.entries()) {
      const abiPath: SourcePath = [
        'addresses',
        addressIndex,
        entry.contract_spec === undefined ? 'abi' : 'contract_spec',
      ];
      const rawAbi = entry.contract_spec ?? entry.abi;
      if (rawAbi === undefined) {
        // The failed-call rule watches the address without an ABI.
        if (failedCalls) continue;
        note(
          ['addresses', addressIndex],
          `${entry.address} has no contract_spec (ABI); Vigil decodes events by ABI, so it is not carried over`,
        );
        continue;
      }
      let abi: unknown[];
      try {
        abi = parseAbiInput(rawAbi, 'contract_spec') as unknown[];
      } catch (error) {
        if (!(error instanceof VigilError)) throw error;
        problems.push({
          file: doc.file,
          line: doc.lineOf(abiPath),
          message: `${entry.address}: ${error.message}`,
        });
        continue;
      }
      addPlanContract(plan, { chainId, address: entry.address, name: value.name, abi });
      const events = abi.filter(
        (item): item is AbiEvent => (item as { type?: string }).type === 'event',
      );
      for (const [eventIndex, condition] of eventConditions.entries()) {
        const conditionPath: SourcePath = ['match_conditions', 'events', eventIndex];
        const signature = condition.signature.replace(/\s+/g, '');
        const event = events.find((candidate) => eventSignature(candidate) === signature);
        if (!event) {
          note(
            [...conditionPath, 'signature'],
            `${condition.signature} is not an event of ${entry.address}'s ABI; OZ Monitor never matches it either`,
          );
          continue;
        }
        let eventCondition = '';
        if (condition.expression) {
          const parameters: OzParameter[] = event.inputs.map((input) => ({
            name: input.name ?? '',
            type: input.type,
          }));
          const translated = translateOzExpression(condition.expression, parameters);
          if (!translated.ok) {
            note(
              [...conditionPath, 'expression'],
              `the expression on ${event.name} is not carried over: ${translated.reason}`,
            );
            continue;
          }
          eventCondition = translated.condition;
        }
        const condition_ = bothConditions(eventCondition, transactionCondition);
        const overloaded = events.filter((candidate) => candidate.name === event.name).length > 1;
        const name = truncate(
          `${value.name}: ${event.name}${value.addresses.length > 1 || value.networks.length > 1 ? ` (${shortAddress(entry.address)} on ${slug})` : ''}`,
          120,
        );
        // Stable across imports, so importing again finds the rule and adds nothing.
        const id = ruleId(value.name, `${chainId}:${entry.address.toLowerCase()}:${signature}`);
        // OZ Monitor matches an event when any of the monitor's conditions on it holds: a second
        // condition on the same event joins the first rule with "or".
        const earlier = plan.workspace.rules.find((candidate) => candidate.id === id);
        if (earlier?.kind === 'event') {
          earlier.condition = eitherCondition(earlier.condition, condition_);
          continue;
        }
        const rule: RuleInput = {
          id,
          name,
          kind: 'event',
          contractId: `${chainId}:${entry.address.toLowerCase()}`,
          eventName: overloaded ? signature : event.name,
          condition: condition_,
          confirmations,
          enabled: !value.paused,
          severity: 'warning',
          cooldownSeconds: 0,
          channels,
        };
        plan.workspace.rules.push(rule);
      }
    }
  }
}

/**
 * Whether the monitor's Failure transaction conditions become a failed-call rule (a transaction
 * to one of its addresses that failed); what of them does not carry over is noted.
 */
function failedCallsOf(
  monitor: OzMonitor,
  note: (path: SourcePath, reason: string) => void,
): boolean {
  const failures = monitor.match_conditions.transactions.flatMap((condition, index) =>
    condition.status === 'Failure' ? [{ condition, index }] : [],
  );
  if (failures.length === 0 || monitor.addresses.length === 0) return false;
  if (monitor.match_conditions.events.length > 0) {
    for (const { index } of failures)
      note(
        ['match_conditions', 'transactions', index],
        'failed transactions to the monitored addresses are not carried over here: the monitor also needs one of its events, and a failed transaction emits none (a failed-call rule would alert on failures this monitor never reports)',
      );
    return false;
  }
  // OZ Monitor matches when any transaction condition holds: one without an expression selects
  // every failed transaction, and those with one select fewer.
  if (failures.every(({ condition }) => condition.expression)) {
    for (const { condition, index } of failures)
      note(
        ['match_conditions', 'transactions', index, 'expression'],
        `failed transactions where ${condition.expression} are not carried over: failed-call rules have no condition, and one without it would alert on failures this monitor ignores`,
      );
    return false;
  }
  if (monitor.match_conditions.functions.length > 0)
    note(
      ['match_conditions', 'functions'],
      'the failed-call rule alerts on every failed transaction to the monitored addresses, not only calls of the listed functions',
    );
  return true;
}

/** a or b as one condition; the empty condition matches every event, and so does either with it. */
function eitherCondition(a: string, b: string): string {
  if (a === '' || b === '') return '';
  return `(${a}) or (${b})`;
}

function ruleId(monitorName: string, key: string): string {
  return stableRuleId(monitorName, `${monitorName}\u0000${key}`);
}
