// Defender BLOCK monitors (v2 `monitors`, v1 `sentinels`) as watched contracts and event rules:
// each event condition translated (see defender-expression.ts), the transaction condition added
// to each, confirm-level as confirmations, notify-config.timeout as the cooldown.
import { toEventSignature, type AbiEvent } from 'viem';
import type { ExtraFields } from '../shared/argument-comparison.ts';
import { translateDefenderExpression } from './defender-expression.ts';
import type { DefenderBlockMonitor } from './defender-files.ts';
import {
  addressProblem,
  chainIdOf,
  isObject,
  lineAt,
  note,
  readAbi,
  ruleId,
  type Channel,
  type Links,
  type RuleInput,
} from './defender-links.ts';
import type { SourcePath } from '../source-document.ts';
import { addPlanContract } from '../shared/plan-contracts.ts';
import { bothConditions, ruleChannels } from '../shared/event-rules.ts';
import { isAddress, shortAddress, truncate } from '../shared/text.ts';

// Transaction fields a Defender transaction condition may name that Vigil's conditions read too.
const transactionFields: ExtraFields = {
  from: { vigilField: 'tx.from', type: 'address' },
  to: { vigilField: 'tx.to', type: 'address' },
  value: { vigilField: 'tx.value', type: 'uint256' },
};
const maxCooldown = 30 * 86_400;

export function importMonitor(
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
    addPlanContract(links.plan, { chainId, address: entry.address, name: monitor.name, abi });
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
      const combined = bothConditions(eventCondition, transactionCondition);
      const overloaded = abiEvents.filter((candidate) => candidate.name === event.name).length > 1;
      const sameEvent =
        events.filter((other) => other.signature.replace(/\s+/g, '') === signature).length > 1;
      const rule: RuleInput = {
        // Stable across imports, so importing again finds the rule and adds nothing.
        id: ruleId(name, `${chainId}:${entry.address.toLowerCase()}:${signature}:${index}`),
        name: truncate(
          `${monitor.name}: ${event.name}${sameEvent ? ` #${index + 1}` : ''}${addresses.length > 1 ? ` (${shortAddress(entry.address)})` : ''}`,
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
        channels: ruleChannels(channels),
      };
      links.plan.workspace.rules.push(rule);
    });
  }
}

/** The channels a monitor notifies: its own, or (with none) those of its category. */
export function monitorChannels(
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
    if (channel) channels.push(channel);
  });
  return channels;
}
