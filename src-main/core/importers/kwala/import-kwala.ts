// Kwala workflow YAML files as a Vigil workspace: an event trigger becomes a watched contract and
// an event rule (its filter translated, see kwala-filter.ts), `post` actions the rule's channels
// (Slack and Discord webhooks in their own formats, others as Vigil webhooks), `call` actions
// rule proposals that wait for approval. What Kwala does that Vigil does not (running once,
// expiring, retrying, deploying, schedules) is listed with its line.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { parseDocument } from 'yaml';
import { encodeFunctionData, parseAbiItem, type AbiFunction } from 'viem';
import type { AlertChannelInput, AlertRuleInput, RuleProposeInput } from '../../../ipc/contract.ts';
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
import { readSourceDocument } from '../source-document.ts';
import { isUnset, translateKwalaFilter, type KwalaParameter } from './kwala-filter.ts';
import { describe, sectionAt, type KwalaSection } from './kwala-workflow.ts';

type EventRule = Extract<z.output<typeof AlertRuleInput>, { kind: 'event' }>;
type Channel = z.output<typeof AlertChannelInput>;

interface AbiEvent {
  type: 'event';
  name: string;
  inputs: { name?: string; type: string; components?: unknown[] }[];
}

const workflowKeys = ['Name', 'Trigger', 'Actions', 'Execution'];
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
const actionKeys = [
  'Name',
  'Type',
  'APIEndpoint',
  'APIPayload',
  'TargetContract',
  'TargetFunction',
  'TargetParams',
  'ChainID',
  'EncodedABI',
  'Bytecode',
  'InitializationArgs',
  'Metadata',
  'RetriesUntilSuccess',
];
// The action kinds Kwala runs; anything else is an error in the file, as Kwala refuses it too.
const actionTypes = new Set(['post', 'call', 'deploy']);

/** A workflow's trigger, checked: what the rule watches, or undefined when nothing on chain is. */
interface Watched {
  chainId: number;
  address: string;
  abi: unknown[];
  event: AbiEvent;
  eventName: string;
  condition: string;
}

export function importKwala(files: readonly ImportFile[], context: ImportContext): ImportPlan {
  const problems: ImportProblem[] = [];
  const plan: ImportPlan = {
    format: 'kwala',
    workspace: emptyWorkspace(),
    notCarried: [],
    secrets: [],
  };
  const workflows: { file: string; workflow: KwalaSection; trigger: KwalaSection; name: string }[] =
    [];
  for (const file of files) {
    if (!/\.ya?ml$/i.test(file.path)) {
      plan.notCarried.push({
        file: file.path,
        line: 1,
        reason: 'not a Kwala workflow (a .yaml or .yml file)',
      });
      continue;
    }
    const read = readSourceDocument(file, 'yaml', problems);
    if (!read) continue;
    // Every scalar as written: Kwala's files leave addresses unquoted, which YAML's core schema
    // reads as (inexact) hexadecimal numbers; chain ids and amounts are read from text too.
    const doc = { ...read, value: parseDocument(file.text, { schema: 'failsafe' }).toJS() };
    const workflow = sectionAt(doc, [], doc.value, 'the workflow', problems);
    if (!workflow) continue;
    const name = workflow.get('Name');
    if (typeof name?.value !== 'string' || isUnset(name.value)) {
      problems.push({
        file: doc.file,
        line: workflow.lineOf('Name'),
        message: `Name: ${name === undefined ? 'is required' : `must be text, not ${describe(name.value)}`}`,
      });
      continue;
    }
    const trigger = workflow.get('Trigger');
    if (!trigger) {
      problems.push({ file: doc.file, line: 1, message: 'Trigger: is required' });
      continue;
    }
    const triggerSection = sectionAt(doc, trigger.path, trigger.value, 'Trigger', problems);
    const actions = workflow.get('Actions');
    if (!Array.isArray(actions?.value))
      problems.push({
        file: doc.file,
        line: workflow.lineOf('Actions'),
        message: `Actions: ${actions === undefined ? 'is required' : `must be a list of actions, not ${describe(actions.value)}`}`,
      });
    if (triggerSection)
      workflows.push({ file: doc.file, workflow, trigger: triggerSection, name: name.value });
  }
  if (problems.length > 0) throw importError(problems);

  const watchedByWorkflow = workflows.map((entry) =>
    readTrigger(entry.trigger, entry.name, plan, problems),
  );
  if (problems.length > 0) throw importError(problems);
  // Contracts first: a call action may target any contract a workflow of the import watches.
  for (const watched of watchedByWorkflow) if (watched) addContract(plan, watched);
  workflows.forEach((entry, index) =>
    importWorkflow(entry.workflow, entry.name, watchedByWorkflow[index], context, plan, problems),
  );
  if (problems.length > 0) throw importError(problems);
  return plan;
}

function note(
  section: KwalaSection,
  key: string | undefined,
  reason: string,
  plan: ImportPlan,
): void {
  plan.notCarried.push({ file: section.doc.file, line: section.lineOf(key), reason });
}

function readTrigger(
  trigger: KwalaSection,
  workflowName: string,
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
      `${about}: Kwala starts it at ${JSON.stringify(executeAfter)}; Vigil's rules are active from the import on`,
      plan,
    );
  const expiresIn = set('ExpiresIn');
  if (expiresIn !== undefined)
    note(
      trigger,
      'ExpiresIn',
      `${about}: Vigil's rules do not expire; disable the rule by hand when Kwala's would have (${String(expiresIn)})`,
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
  if (repeat === undefined && triggerAddress !== undefined)
    note(
      trigger,
      'RepeatEvery',
      `${about}: Kwala runs it once, on the first matching event; Vigil's rule fires on every matching event (disable it after the first firing if that matters)`,
      plan,
    );
  else if (repeat !== undefined && String(repeat).toLowerCase() !== 'event')
    // Intervals and cron patterns are schedules, which the workspace on this branch lacks.
    note(
      trigger,
      'RepeatEvery',
      `${about}: repeating every ${JSON.stringify(repeat)} is a schedule; schedules: merge pending`,
      plan,
    );

  const recurring = set('RecurringSourceContract');
  if (
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

  if (triggerAddress === undefined) {
    note(
      trigger,
      undefined,
      `${about}: no TriggerSourceContract, so no on-chain event to watch; its actions are not carried over`,
      plan,
    );
    return undefined;
  }
  if (typeof triggerAddress !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(triggerAddress))
    return problem(
      'TriggerSourceContract',
      `must be a 20-byte 0x address, not ${describe(triggerAddress)}`,
    );
  const chainValue = set('TriggerChainID');
  const chainId =
    typeof chainValue === 'string' && /^[0-9]+$/.test(chainValue) ? Number(chainValue) : chainValue;
  if (typeof chainId !== 'number' || !Number.isSafeInteger(chainId) || chainId <= 0)
    return problem(
      'TriggerChainID',
      `must be a chain id (a positive whole number), not ${describe(chainValue)}`,
    );
  const eventName = set('TriggerEventName');
  if (typeof eventName !== 'string')
    return problem('TriggerEventName', `must name the event, not ${describe(eventName)}`);
  const rawAbi = set('TriggerSourceContractABI');
  if (rawAbi === undefined) {
    note(
      trigger,
      'TriggerSourceContractABI',
      `${about}: no ABI is given for ${triggerAddress}; Vigil decodes events by ABI, so the workflow is not carried over (add the contract by hand)`,
      plan,
    );
    return undefined;
  }
  let abi: unknown[];
  try {
    abi = parseAbiInput(decodeAbiText(rawAbi), 'TriggerSourceContractABI') as unknown[];
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    return problem(
      'TriggerSourceContractABI',
      error.message.replace(/^TriggerSourceContractABI: /, ''),
    );
  }
  const events = abi.filter(
    (item): item is AbiEvent => (item as { type?: string }).type === 'event',
  );
  const wanted = eventName.replace(/\s+/g, '');
  const event = events.find((candidate) =>
    wanted.includes('(') ? signatureOf(candidate) === wanted : candidate.name === wanted,
  );
  if (!event)
    return problem(
      'TriggerEventName',
      `${eventName} is not an event of the ABI given (${events.map((candidate) => candidate.name).join(', ') || 'none'})`,
    );
  const parameters: KwalaParameter[] = event.inputs.map((input) => ({
    name: input.name ?? '',
    type: input.type,
  }));
  const filter = translateKwalaFilter(trigger.get('TriggerEventFilter')?.value, parameters);
  if (!filter.ok) {
    note(
      trigger,
      'TriggerEventFilter',
      `${about}: the filter is not carried over (${filter.reason}), so neither is the workflow: a rule without it would fire on events Kwala skips`,
      plan,
    );
    return undefined;
  }
  const overloaded = events.filter((candidate) => candidate.name === event.name).length > 1;
  return {
    chainId,
    address: triggerAddress,
    abi,
    event,
    eventName: overloaded ? signatureOf(event) : event.name,
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

function importWorkflow(
  workflow: KwalaSection,
  name: string,
  watched: Watched | undefined,
  context: ImportContext,
  plan: ImportPlan,
  problems: ImportProblem[],
): void {
  const about = `workflow "${name}"`;
  for (const key of workflow.unknownKeys(workflowKeys))
    plan.notCarried.push({
      file: workflow.doc.file,
      line: workflow.keyLineOf(key),
      reason: `${about}: ${key} is not a Kwala section Vigil's importer knows`,
    });
  const execution = workflow.get('Execution');
  if (execution && !isUnset(execution.value)) {
    const section = sectionAt(workflow.doc, execution.path, execution.value, 'Execution', problems);
    const mode = section?.get('Mode')?.value;
    if (section && !isUnset(mode))
      note(
        section,
        'Mode',
        `${about}: the ${String(mode)} execution mode is not kept; Vigil notifies every channel and proposes each call independently when the rule fires`,
        plan,
      );
  }

  const actionsEntry = workflow.get('Actions')!;
  const channels: Channel[] = [];
  const calls: { propose: RuleProposeInput; actionName: string }[] = [];
  (actionsEntry.value as unknown[]).forEach((raw, index) => {
    const section = sectionAt(
      workflow.doc,
      [...actionsEntry.path, index],
      raw,
      `Actions[${index}]`,
      problems,
    );
    if (!section) return;
    const actionName = String(section.get('Name')?.value ?? `#${index + 1}`);
    const type = section.get('Type')?.value;
    if (typeof type !== 'string' || !actionTypes.has(type.toLowerCase())) {
      problems.push({
        file: workflow.doc.file,
        line: section.lineOf('Type'),
        message: `Actions[${index}].Type: ${type === undefined ? 'is required' : `${JSON.stringify(type)} is not a Kwala action type (post, call or deploy)`}`,
      });
      return;
    }
    const what = `${about}, action "${actionName}"`;
    for (const key of section.unknownKeys(actionKeys))
      plan.notCarried.push({
        file: workflow.doc.file,
        line: section.keyLineOf(key),
        reason: `${what}: ${key} is not a Kwala action setting Vigil's importer knows`,
      });
    const retries = section.get('RetriesUntilSuccess')?.value;
    if (!isUnset(retries) && Number(retries) > 0)
      note(
        section,
        'RetriesUntilSuccess',
        `${what}: Vigil does not retry it ${String(retries)} times as Kwala would (webhook deliveries are retried Vigil's own way; a failed proposal is shown in the queue)`,
        plan,
      );
    if (watched === undefined) {
      note(
        section,
        'Type',
        `${what}: its workflow watches no on-chain event Vigil carries over, so the action is not carried over`,
        plan,
      );
      return;
    }
    switch (type.toLowerCase()) {
      case 'deploy':
        note(section, 'Type', `${what}: Vigil does not deploy contracts`, plan);
        return;
      case 'post': {
        const channel = postChannel(section, what, context, plan);
        if (channel && !channels.some((known) => JSON.stringify(known) === JSON.stringify(channel)))
          channels.push(channel);
        return;
      }
      default: {
        const propose = callProposal(section, what, watched, context, plan);
        if (propose) calls.push({ propose, actionName });
      }
    }
  });
  if (!watched) return;
  const contractId = `${watched.chainId}:${watched.address.toLowerCase()}`;
  const rule = (
    id: string,
    ruleName: string,
    ruleChannels: Channel[],
    propose?: RuleProposeInput,
  ): EventRule => ({
    id,
    name: truncate(ruleName, 120),
    kind: 'event',
    contractId,
    eventName: watched.eventName,
    condition: watched.condition,
    confirmations: 0,
    enabled: true,
    severity: 'warning',
    cooldownSeconds: 0,
    channels: ruleChannels.length > 0 ? ruleChannels.slice(0, 10) : [{ type: 'in-app' }],
    ...(propose ? { propose } : {}),
  });
  // One rule per call (a rule proposes one transaction); the first also carries the channels.
  const key = `${contractId}:${watched.eventName}`;
  if (calls.length === 0)
    plan.workspace.rules.push(rule(ruleId(name, key), `${name}: ${watched.event.name}`, channels));
  calls.forEach((call, index) =>
    plan.workspace.rules.push(
      rule(
        ruleId(name, index === 0 ? key : `${key}:${call.actionName}`),
        `${name}: ${call.actionName}`,
        index === 0 ? channels : [],
        call.propose,
      ),
    ),
  );
}

const envPlaceholder = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function postChannel(
  section: KwalaSection,
  what: string,
  context: ImportContext,
  plan: ImportPlan,
): Channel | undefined {
  const endpoint = section.get('APIEndpoint')?.value;
  if (typeof endpoint !== 'string' || isUnset(endpoint)) {
    note(
      section,
      'APIEndpoint',
      `${what}: a post action without an APIEndpoint URL is not carried over`,
      plan,
    );
    return undefined;
  }
  // Tokens kept out of the file as ${NAME} are read from the environment Vigil runs in.
  const missing: string[] = [];
  const url = endpoint.replace(envPlaceholder, (_, variable: string) => {
    plan.secrets.push({
      env: variable,
      purpose: `part of the URL of ${what}`,
      file: section.doc.file,
      line: section.lineOf('APIEndpoint'),
    });
    const value = context.env[variable];
    if (value === undefined || value === '') missing.push(variable);
    return value ?? '';
  });
  if (missing.length > 0) {
    note(
      section,
      'APIEndpoint',
      `${what}: the URL needs the environment variable(s) ${missing.join(', ')}, not set where Vigil runs; set them and import again`,
      plan,
    );
    return undefined;
  }
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    note(section, 'APIEndpoint', `${what}: ${JSON.stringify(endpoint)} is not a URL`, plan);
    return undefined;
  }
  if (!isUnset(section.get('APIPayload')?.value))
    note(
      section,
      'APIPayload',
      `${what}: the payload template is not sent; Vigil sends its own alert (rule, event and its values)`,
      plan,
    );
  if (host === 'api.telegram.org') {
    note(
      section,
      'APIEndpoint',
      `${what}: Telegram is not a Vigil channel; alerts reach it only through a webhook relay you add by hand`,
      plan,
    );
    return undefined;
  }
  if (host === 'hooks.slack.com') return { type: 'webhook', url, format: 'slack' };
  if (/(^|\.)discord(app)?\.com$/.test(host) && new URL(url).pathname.startsWith('/api/webhooks/'))
    return { type: 'webhook', url, format: 'discord' };
  note(
    section,
    'APIEndpoint',
    `${what}: Vigil signs webhook bodies (HMAC-SHA256 in its own header, with a secret shown once when the import is applied) and sends its own JSON body; the receiver must accept it`,
    plan,
  );
  return { type: 'webhook', url, format: 'json' };
}

function callProposal(
  section: KwalaSection,
  what: string,
  watched: Watched,
  context: ImportContext,
  plan: ImportPlan,
): RuleProposeInput | undefined {
  const refuse = (key: string | undefined, reason: string): undefined => {
    note(section, key, `${what}: ${reason}`, plan);
    return undefined;
  };
  const target = section.get('TargetContract')?.value;
  if (typeof target !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(target))
    return refuse(
      'TargetContract',
      `the call's TargetContract ${JSON.stringify(target)} is not a 20-byte 0x address`,
    );
  const chainValue = section.get('ChainID')?.value;
  const chainId = isUnset(chainValue) ? watched.chainId : Number(chainValue);
  if (!Number.isSafeInteger(chainId) || chainId <= 0)
    return refuse('ChainID', `ChainID ${JSON.stringify(chainValue)} is not a chain id`);
  const functionText = section.get('TargetFunction')?.value;
  if (typeof functionText !== 'string' || isUnset(functionText))
    return refuse('TargetFunction', 'the call names no TargetFunction');
  const rawParams = section.get('TargetParams')?.value;
  const params = isUnset(rawParams) ? [] : Array.isArray(rawParams) ? rawParams : [rawParams];
  const eventInputs = watched.event.inputs;
  let dynamic = false;
  const args: unknown[] = [];
  for (const param of params) {
    const reference = typeof param === 'string' ? /^\s*re\.event\((\d+)\)\s*$/.exec(param) : null;
    if (!reference) {
      if (typeof param === 'number' && !Number.isSafeInteger(param))
        return refuse('TargetParams', `the argument ${param} was read inexactly by YAML; quote it`);
      args.push(typeof param === 'number' ? String(param) : param);
      continue;
    }
    const input = eventInputs[Number(reference[1])];
    if (!input?.name)
      return refuse(
        'TargetParams',
        `${param.trim()} names no named argument of ${watched.event.name}`,
      );
    dynamic = true;
    args.push(`{{event.args.${input.name}}}`);
  }
  if (!isUnset(section.get('EncodedABI')?.value))
    note(
      section,
      'EncodedABI',
      `${what}: the pre-encoded call is not used; Vigil encodes TargetFunction with TargetParams`,
      plan,
    );

  const fragment = functionFragment(functionText);
  const name = fragment?.name ?? functionText.trim();
  const watchedTarget = plan.workspace.contracts.find(
    (contract) =>
      contract.chainId === chainId && contract.address.toLowerCase() === target.toLowerCase(),
  );
  const knowsFunction = watchedTarget?.abi?.some(
    (item) =>
      (item as { type?: string; name?: string }).type === 'function' &&
      (item as { name: string }).name === name,
  );
  const base: RuleProposeInput = { chainId, to: target };
  if (knowsFunction) base.function = { name, args };
  else if (fragment && !dynamic) {
    // A static call to a contract the import does not watch: encoded here, as Kwala would.
    try {
      base.data = encodeFunctionData({ abi: [fragment], functionName: fragment.name, args });
    } catch (error) {
      return refuse(
        'TargetParams',
        `the arguments do not fit ${functionText.trim()}: ${(error as Error).message.split('\n')[0]}`,
      );
    }
  } else
    return refuse(
      'TargetFunction',
      `${target} is not a contract this import watches with an ABI that has ${name}, so a call using the event's values cannot be encoded; watch it in Vigil first`,
    );
  if (context.proposeFrom === undefined)
    return refuse(
      'Type',
      'Kwala sends calls from its own wallet; Vigil needs a keychain signer for them: import again giving the signer (and a policy if the call should not wait for approval)',
    );
  base.from = context.proposeFrom;
  base.note = truncate(`Kwala ${what}`, 500);
  // Waits for approval by hand unless the operator named a policy: the file cannot grant one.
  if (context.proposePolicy !== undefined) base.execute = { policy: context.proposePolicy };
  return base;
}

function functionFragment(text: string): AbiFunction | undefined {
  const trimmed = text.trim();
  if (!trimmed.includes('(')) return undefined;
  try {
    const item = parseAbiItem(trimmed.startsWith('function ') ? trimmed : `function ${trimmed}`);
    return item.type === 'function' ? item : undefined;
  } catch {
    return undefined;
  }
}

function addContract(plan: ImportPlan, watched: Watched): void {
  const existing = plan.workspace.contracts.find(
    (contract) =>
      contract.chainId === watched.chainId &&
      contract.address.toLowerCase() === watched.address.toLowerCase(),
  );
  if (existing) {
    // Two workflows on one contract: its ABI is what both give.
    const known = new Set(existing.abi!.map((item) => JSON.stringify(item)));
    existing.abi!.push(...watched.abi.filter((item) => !known.has(JSON.stringify(item))));
    return;
  }
  plan.workspace.contracts.push({
    chainId: watched.chainId,
    address: watched.address,
    name: `Kwala ${shortAddress(watched.address)}`,
    abi: [...watched.abi],
  });
}

function signatureOf(event: AbiEvent): string {
  const typeOf = (input: { type: string; components?: unknown[] }): string =>
    input.type.startsWith('tuple')
      ? `(${((input.components ?? []) as { type: string }[]).map(typeOf).join(',')})${input.type.slice(5)}`
      : input.type;
  return `${event.name}(${event.inputs.map(typeOf).join(',')})`;
}

/** Stable across imports, so importing the same workflow again finds the rule and adds nothing. */
function ruleId(workflowName: string, key: string): string {
  const hash = createHash('sha256')
    .update(`kwala\u0000${workflowName}\u0000${key}`)
    .digest('hex')
    .slice(0, 8);
  const slug = ruleSlug(workflowName).slice(0, 40).replace(/-+$/, '');
  return `${slug || 'kwala'}-${hash}`;
}

function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
