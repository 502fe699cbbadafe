// Kwala workflow YAML files as a Vigil workspace: an event trigger becomes a watched contract and
// an event rule (its filter translated, see kwala-filter.ts), `post` actions the rule's channels
// (Slack and Discord webhooks in their own formats, others as Vigil webhooks), `call` actions
// rule proposals that wait for approval; a RepeatEvery interval or cron pattern makes each call a
// schedule (imported disabled). What Kwala does that Vigil does not (running once, expiring,
// retrying, deploying, posting on a timer) is listed with its line.
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { AlertRuleInput, RuleProposeInput, ScheduleInput } from '../../../ipc/contract.ts';
import {
  emptyPlan,
  importError,
  type ImportContext,
  type ImportFile,
  type ImportPlan,
  type ImportProblem,
} from '../import-plan.ts';
import { readSourceDocument } from '../source-document.ts';
import { ruleChannels } from '../shared/event-rules.ts';
import { addPlanContract } from '../shared/plan-contracts.ts';
import { stableRuleId } from '../shared/stable-rule-id.ts';
import { shortAddress, truncate } from '../shared/text.ts';
import { callProposal, postChannel, type Channel } from './kwala-actions.ts';
import { isUnset } from './kwala-filter.ts';
import { describeTiming } from './kwala-schedule.ts';
import { readTrigger, type KwalaTrigger } from './kwala-trigger.ts';
import { describe, note, sectionAt, type KwalaSection } from './kwala-workflow.ts';

type EventRule = Extract<z.output<typeof AlertRuleInput>, { kind: 'event' }>;
type Schedule = z.output<typeof ScheduleInput>;

const workflowKeys = ['Name', 'Trigger', 'Actions', 'Execution'];
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

export function importKwala(files: readonly ImportFile[], context: ImportContext): ImportPlan {
  const problems: ImportProblem[] = [];
  const plan = emptyPlan('kwala');
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
    // The name is the rules' identity across imports; Kwala keeps workflow names unique too.
    const earlier = workflows.find((entry) => entry.name === name.value);
    if (earlier)
      problems.push({
        file: doc.file,
        line: workflow.lineOf('Name'),
        message: `Name: "${name.value}" is already the name of the workflow in ${earlier.file}`,
      });
    else if (triggerSection)
      workflows.push({ file: doc.file, workflow, trigger: triggerSection, name: name.value });
  }
  if (problems.length > 0) throw importError(problems);

  const triggers = workflows.map((entry) => readTrigger(entry.trigger, entry.name, plan, problems));
  if (problems.length > 0) throw importError(problems);
  // Contracts first: a call action may target any contract a workflow of the import watches.
  for (const { watched } of triggers)
    if (watched)
      addPlanContract(plan, {
        chainId: watched.chainId,
        address: watched.address,
        name: `Kwala ${shortAddress(watched.address)}`,
        abi: watched.abi,
      });
  workflows.forEach((entry, index) =>
    importWorkflow(entry.workflow, entry.name, triggers[index]!, context, plan, problems),
  );
  if (problems.length > 0) throw importError(problems);
  return plan;
}

function importWorkflow(
  workflow: KwalaSection,
  name: string,
  trigger: KwalaTrigger,
  context: ImportContext,
  plan: ImportPlan,
  problems: ImportProblem[],
): void {
  const { watched, repeat } = trigger;
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
        `${about}: the ${String(mode)} execution mode is not kept; Vigil notifies every channel and proposes each call independently`,
        plan,
      );
  }

  const actionsEntry = workflow.get('Actions')!;
  const channels: Channel[] = [];
  const calls: { propose: RuleProposeInput; actionName: string; section: KwalaSection }[] = [];
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
    if (watched === undefined && repeat === undefined) {
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
        if (!watched) {
          note(
            section,
            'Type',
            `${what}: a post on a timer is not carried over (Vigil's schedules propose transactions; they do not notify)`,
            plan,
          );
          return;
        }
        const channel = postChannel(section, what, context, plan);
        if (channel) channels.push(channel);
        return;
      }
      default: {
        const propose = callProposal(
          section,
          what,
          { chainId: watched?.chainId, event: watched?.event },
          context,
          plan,
        );
        if (propose) calls.push({ propose, actionName, section });
      }
    }
  });
  if (repeat) addSchedules(name, trigger, calls, plan);
  if (!watched) return;
  const contractId = `${watched.chainId}:${watched.address.toLowerCase()}`;
  const rule = (
    id: string,
    ruleName: string,
    channelsOfRule: Channel[],
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
    channels: ruleChannels(channelsOfRule),
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

/** One schedule per call of a workflow that repeats on time; each proposes what the call does. */
function addSchedules(
  name: string,
  { watched, repeat, section }: KwalaTrigger,
  calls: readonly { propose: RuleProposeInput; actionName: string; section: KwalaSection }[],
  plan: ImportPlan,
): void {
  const timing = repeat!;
  let added = 0;
  for (const call of calls) {
    const { execute, ...propose } = call.propose;
    if (JSON.stringify(call.propose).includes('{{event.')) {
      note(
        call.section,
        'TargetParams',
        `workflow "${name}", action "${call.actionName}": the call takes the event's values, so its repeats ${describeTiming(timing)} are not carried over (the rule proposes it on each event)`,
        plan,
      );
      continue;
    }
    plan.workspace.schedules.push({
      id: ruleId(name, `schedule:${call.actionName}`),
      name: truncate(`${name}: ${call.actionName}`, 200),
      ...timing,
      // Kwala reads its cron patterns in UTC.
      timezone: 'UTC',
      propose,
      ...(execute ? { execute } : {}),
      catchUpSeconds: 3600,
      // A file handed over does not start proposing until a person here enables it.
      enabled: false,
    } satisfies Schedule);
    added++;
  }
  if (added === 0 && !watched)
    note(
      section,
      'RepeatEvery',
      `workflow "${name}": repeating ${describeTiming(timing)} is not carried over: a Vigil schedule proposes a transaction, and the workflow has no call action Vigil carries over`,
      plan,
    );
}

/** Stable across imports, so importing the same workflow again finds the rule and adds nothing. */
function ruleId(workflowName: string, key: string): string {
  return stableRuleId(workflowName, `kwala\u0000${workflowName}\u0000${key}`);
}
