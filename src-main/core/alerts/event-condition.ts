// A condition in the context of one watched contract's event: find the event in the ABI, parse
// the text (or take the builder's tree), check it against the event's fields, and say what is
// wrong with positions. Used when a rule is saved, by the live check, and to compile rules.
import type { Abi, AbiEvent } from 'viem';
import { toEventSignature } from 'viem';
import type { ConditionNode, ConditionProblem } from '../../ipc/contract.ts';
import { closestMatch, VigilError } from '../errors/index.ts';
import { checkCondition, type ConditionCheckProblem } from './check-condition.ts';
import { eventFields, listConditionFields, type FieldType } from './condition-fields.ts';
import { formatCondition, normalizeCondition } from './format-condition.ts';
import { ConditionSyntaxError, parseCondition, positionOf } from '../rule-syntax/index.ts';

export interface ContractForCondition {
  id: string;
  name: string;
  abi: readonly unknown[];
}

export interface ResolvedEvent {
  event: AbiEvent;
  signature: string;
  fields: Map<string, FieldType>;
  /** "Transfer on DemoToken", for messages. */
  label: string;
}

/** The ABI event a rule names, by name or (when the name is overloaded) by full signature. */
export function resolveEvent(
  contract: ContractForCondition,
  eventName: string,
  field = 'eventName',
): ResolvedEvent {
  const events = (contract.abi as Abi).filter(
    (entry): entry is AbiEvent => entry.type === 'event' && entry.anonymous !== true,
  );
  const wanted = eventName.replace(/\s+/g, '');
  const matching = wanted.includes('(')
    ? events.filter((event) => toEventSignature(event).replace(/\s+/g, '') === wanted)
    : events.filter((event) => event.name === wanted);
  if (matching.length === 0) {
    const names = [...new Set(events.map((event) => event.name))];
    const suggestion = closestMatch(wanted.split('(')[0]!, names);
    throw new VigilError(
      'NOT_FOUND',
      `${contract.name} has no event ${eventName}${names.length ? `; its events are ${names.join(', ')}` : ' (its ABI has no events)'}${suggestion ? ` (did you mean ${suggestion}?)` : ''}.`,
      { field },
    );
  }
  const signatures = [...new Set(matching.map((event) => toEventSignature(event)))];
  if (signatures.length > 1) {
    throw new VigilError(
      'INVALID_INPUT',
      `${contract.name} has ${signatures.length} events called ${eventName}; name one by its signature: ${signatures.join(' or ')}.`,
      { field, details: { signatures } },
    );
  }
  const event = matching[0]!;
  return {
    event,
    signature: signatures[0]!,
    fields: eventFields(event),
    label: `${event.name} on ${contract.name}`,
  };
}

export interface ConditionReview {
  /** The normalized tree, or null when the text does not parse. */
  condition: ConditionNode | null;
  /** The canonical text, or null when the text does not parse. */
  text: string | null;
  problems: (ConditionProblem & { code: VigilError['code'] })[];
}

/** Every problem with a condition, given as text (with positions) or as a builder's tree. */
export function reviewCondition(
  resolved: ResolvedEvent,
  source: { text: string } | { condition: ConditionNode },
): ConditionReview {
  if ('condition' in source) {
    const condition = normalizeCondition(source.condition);
    const problems = checkCondition(source.condition, resolved.fields, resolved.label).map(
      (problem) => ({ code: problem.code, message: problem.message, path: problem.path }),
    );
    return { condition, text: formatCondition(condition), problems };
  }
  let parsed;
  try {
    parsed = parseCondition(source.text);
  } catch (error) {
    if (!(error instanceof ConditionSyntaxError)) throw error;
    return {
      condition: null,
      text: null,
      problems: [
        {
          code: 'CONDITION_SYNTAX',
          message: error.message,
          ...positionOf(source.text, error.offset),
        },
      ],
    };
  }
  const problems = checkCondition(parsed.condition, resolved.fields, resolved.label, parsed).map(
    (problem: ConditionCheckProblem) => ({
      code: problem.code,
      message: problem.message,
      path: problem.path,
      ...(problem.offset === undefined ? {} : positionOf(source.text, problem.offset)),
    }),
  );
  const condition = normalizeCondition(parsed.condition);
  return { condition, text: formatCondition(condition), problems };
}

/** The first problem of a review as the error a save answers with; `field` names the input. */
export function conditionError(review: ConditionReview, field: string, source: string): VigilError {
  const first = review.problems[0]!;
  const where =
    first.column === undefined
      ? ''
      : first.line !== undefined && first.line > 1
        ? ` (line ${first.line}, column ${first.column})`
        : ` (column ${first.column})`;
  return new VigilError(first.code, `${field}${where}: ${first.message}.`, {
    field,
    details: {
      condition: source,
      ...(first.line === undefined ? {} : { line: first.line }),
      ...(first.column === undefined ? {} : { column: first.column }),
      problems: review.problems,
    },
  });
}

export { listConditionFields };
