// A Kwala workflow's trigger read into what Vigil watches: the contract (its ABI decoded, base64
// or JSON text), the event, and the filter as a condition; and a RepeatEvery interval or cron
// pattern as a schedule's timing. Kwala settings with no Vigil meaning (expiry, start time, oracle
// prices, one-shot runs) are listed at their line.
import { VigilError } from '../../errors/index.ts';
import { parseAbiInput } from '../../abi/index.ts';
import type { ImportPlan, ImportProblem } from '../import-plan.ts';
import { eventSignature } from '../shared/event-rules.ts';
import { isAddress } from '../shared/text.ts';
import { isUnset, translateKwalaFilter, type KwalaParameter } from './kwala-filter.ts';
import { describeTiming, readRepeatTiming, type RepeatTiming } from './kwala-schedule.ts';
import { describe, note, type KwalaSection } from './kwala-workflow.ts';

export interface AbiEvent {
  type: 'event';
  name: string;
  inputs: { name?: string; type: string; components?: unknown[] }[];
}

const triggerKeys = [
  'TriggerSourceContract',
  'TriggerChainID',
  'TriggerEventName',
  'TriggerEventFilter',
  'TriggerSourceContractABI',
  'TriggerPrice',
  'RecurringSourceContract',
  'RecurringChainID',
  'RecurringEventName',
  'RecurringEventFilter',
  'RecurringSourceContractABI',
  'RecurringPrice',
  'RepeatEvery',
  'ExecuteAfter',
  'ExpiresIn',
  'Meta',
  'ActionStatusNotificationPOSTURL',
  'ActionStatusNotificationAPIKey',
];
/** A workflow's trigger, checked: what the rule watches, or undefined when nothing on chain is. */
export interface Watched {
  chainId: number;
  address: string;
  abi: unknown[];
  event: AbiEvent;
  eventName: string;
  condition: string;
}

/** What a workflow runs on: an event Vigil watches, a time schedule, both, or neither. */
export interface KwalaTrigger {
  section: KwalaSection;
  watched: Watched | undefined;
  repeat: RepeatTiming | undefined;
}

export function readTrigger(
  trigger: KwalaSection,
  workflowName: string,
  plan: ImportPlan,
  problems: ImportProblem[],
): KwalaTrigger {
  const repeat = readRepeat(trigger, workflowName, plan);
  return {
    section: trigger,
    watched: readWatched(trigger, workflowName, repeat, plan, problems),
    repeat,
  };
}

/** RepeatEvery as a schedule's timing; undefined for `event`, unset, or a form Vigil cannot keep. */
function readRepeat(
  trigger: KwalaSection,
  workflowName: string,
  plan: ImportPlan,
): RepeatTiming | undefined {
  const repeat = trigger.get('RepeatEvery')?.value;
  if (isUnset(repeat) || String(repeat).trim().toLowerCase() === 'event') return undefined;
  const read = readRepeatTiming(String(repeat));
  if (read.ok) return read.timing;
  note(
    trigger,
    'RepeatEvery',
    `workflow "${workflowName}": repeating it is not carried over: ${read.reason}`,
    plan,
  );
  return undefined;
}

function readWatched(
  trigger: KwalaSection,
  workflowName: string,
  timing: RepeatTiming | undefined,
  plan: ImportPlan,
  problems: ImportProblem[],
): Watched | undefined {
  const problem = (key: string, message: string): undefined => {
    problems.push({
      file: trigger.doc.file,
      line: trigger.lineOf(key),
      message: `Trigger.${key}: ${message}`,
    });
    return undefined;
  };
  const about = `workflow "${workflowName}"`;
  for (const key of trigger.unknownKeys(triggerKeys))
    plan.notCarried.push({
      file: trigger.doc.file,
      line: trigger.keyLineOf(key),
      reason: `${about}: Trigger.${key} is not a Kwala setting Vigil's importer knows`,
    });
  const set = (key: string): unknown => {
    const value = trigger.get(key)?.value;
    return isUnset(value) ? undefined : value;
  };

  const executeAfter = set('ExecuteAfter');
  if (executeAfter !== undefined && String(executeAfter).toLowerCase() !== 'event')
    note(
      trigger,
      'ExecuteAfter',
      `${about}: Kwala starts it at ${JSON.stringify(executeAfter)}; ${timing === undefined ? "Vigil's rules are active from the import on" : "Vigil's schedule starts when a person enables it (it is imported disabled)"}`,
      plan,
    );
  const expiresIn = set('ExpiresIn');
  if (expiresIn !== undefined)
    note(
      trigger,
      'ExpiresIn',
      `${about}: Vigil's rules and schedules do not expire; disable them by hand when Kwala's would have (${String(expiresIn)})`,
      plan,
    );
  for (const key of ['TriggerPrice', 'RecurringPrice'])
    if (set(key) !== undefined)
      note(trigger, key, `${about}: oracle price triggers are not watched by Vigil`, plan);
  for (const key of ['ActionStatusNotificationPOSTURL', 'ActionStatusNotificationAPIKey'])
    if (set(key) !== undefined)
      note(
        trigger,
        key,
        `${about}: Kwala's action status notifications have no Vigil equivalent; Vigil's alerts and transaction timeline show each action`,
        plan,
      );
  if (set('Meta') !== undefined)
    note(trigger, 'Meta', `${about}: the workflow's Meta is not kept`, plan);

  const repeat = set('RepeatEvery');
  const triggerAddress = set('TriggerSourceContract');
  const recurring = set('RecurringSourceContract');
  // Started at once (or at a time) and repeated on an event: the recurring event is the one watched.
  const source =
    triggerAddress !== undefined ? 'Trigger' : recurring !== undefined ? 'Recurring' : undefined;
  if (repeat === undefined && source !== undefined)
    note(
      trigger,
      'RepeatEvery',
      `${about}: Kwala runs it once, on the first matching event; Vigil's rule fires on every matching event (disable it after the first firing if that matters)`,
      plan,
    );
  else if (timing !== undefined && source !== undefined)
    // Kwala starts on the event and then repeats on time; Vigil keeps both halves apart.
    note(
      trigger,
      'RepeatEvery',
      `${about}: Kwala runs it on the first matching event, then ${describeTiming(timing)}; Vigil's rule fires on every matching event, and its calls become a schedule (imported disabled: enable it when the repeats should start)`,
      plan,
    );

  if (
    source === 'Trigger' &&
    recurring !== undefined &&
    (String(recurring).toLowerCase() !== String(triggerAddress ?? '').toLowerCase() ||
      String(set('RecurringEventName') ?? '') !== String(set('TriggerEventName') ?? ''))
  )
    note(
      trigger,
      'RecurringSourceContract',
      `${about}: Kwala repeats on a second event (${String(set('RecurringEventName') ?? '?')} of ${String(recurring)}); Vigil's rule watches the trigger event only`,
      plan,
    );

  if (source === undefined) {
    // A time-only workflow is a schedule: its actions are read as the schedule's.
    if (timing === undefined)
      note(
        trigger,
        undefined,
        `${about}: no TriggerSourceContract or RecurringSourceContract, so no on-chain event to watch; its actions are not carried over`,
        plan,
      );
    return undefined;
  }
  const address = set(`${source}SourceContract`);
  if (typeof address !== 'string' || !isAddress(address))
    return problem(
      `${source}SourceContract`,
      `must be a 20-byte 0x address, not ${describe(address)}`,
    );
  const chainValue = set(`${source}ChainID`);
  const chainId =
    typeof chainValue === 'string' && /^[0-9]+$/.test(chainValue) ? Number(chainValue) : chainValue;
  if (typeof chainId !== 'number' || !Number.isSafeInteger(chainId) || chainId <= 0)
    return problem(
      `${source}ChainID`,
      `must be a chain id (a positive whole number), not ${describe(chainValue)}`,
    );
  const eventName = set(`${source}EventName`);
  if (typeof eventName !== 'string')
    return problem(`${source}EventName`, `must name the event, not ${describe(eventName)}`);
  const rawAbi = set(`${source}SourceContractABI`);
  if (rawAbi === undefined) {
    note(
      trigger,
      `${source}SourceContractABI`,
      `${about}: no ABI is given for ${address}; Vigil decodes events by ABI, so the workflow is not carried over (add the contract by hand)`,
      plan,
    );
    return undefined;
  }
  let abi: unknown[];
  try {
    abi = parseAbiInput(decodeAbiText(rawAbi), `${source}SourceContractABI`) as unknown[];
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    return problem(
      `${source}SourceContractABI`,
      error.message.replace(new RegExp(`^${source}SourceContractABI: `), ''),
    );
  }
  const events = abi.filter(
    (item): item is AbiEvent => (item as { type?: string }).type === 'event',
  );
  const wanted = eventName.replace(/\s+/g, '');
  const event = events.find((candidate) =>
    wanted.includes('(') ? eventSignature(candidate) === wanted : candidate.name === wanted,
  );
  if (!event)
    return problem(
      `${source}EventName`,
      `${eventName} is not an event of the ABI given (${events.map((candidate) => candidate.name).join(', ') || 'none'})`,
    );
  const parameters: KwalaParameter[] = event.inputs.map((input) => ({
    name: input.name ?? '',
    type: input.type,
  }));
  const filter = translateKwalaFilter(trigger.get(`${source}EventFilter`)?.value, parameters);
  if (!filter.ok) {
    note(
      trigger,
      `${source}EventFilter`,
      `${about}: the filter is not carried over (${filter.reason}), so neither is the workflow: a rule without it would fire on events Kwala skips`,
      plan,
    );
    return undefined;
  }
  const overloaded = events.filter((candidate) => candidate.name === event.name).length > 1;
  return {
    chainId,
    address: address,
    abi,
    event,
    eventName: overloaded ? eventSignature(event) : event.name,
    condition: filter.condition,
  };
}

/** ABIs come as JSON text, as base64 of JSON text (Kwala's editor writes them so), or as YAML. */
function decodeAbiText(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const text = raw.trim();
  if (text.startsWith('[') || text.startsWith('{')) return text;
  if (/^[A-Za-z0-9+/=\s_-]+$/.test(text)) {
    const decoded = Buffer.from(text, 'base64').toString('utf8').trim();
    if (decoded.startsWith('[') || decoded.startsWith('{')) return decoded;
  }
  return text;
}
