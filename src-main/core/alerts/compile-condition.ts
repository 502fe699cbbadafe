// Turns a checked condition into one function that tests an event. Literals are converted once
// (numbers to bigint, addresses and hex to lowercase); integer arguments arrive as decimal
// strings and are compared as bigint, exactly; addresses and hex compare case-insensitively;
// text compares exactly, or lowercased on both sides under lower(…) (the checker has made sure
// the literal is lowercase already).
import type { ConditionNode, ConditionValue } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import { checkCondition, fieldSteps, resolveField, type FieldStep } from './check-condition.ts';
import { TRANSACTION_ROOT, type FieldType } from './condition-fields.ts';

/** The transaction behind an event, fetched only for rules whose condition names tx.*. */
export interface TransactionFields {
  from: string;
  /** null for a contract creation. */
  to: string | null;
  /** Wei, as a decimal string. */
  value: string;
}

/**
 * One event as conditions see it. Converted field values are cached on it, so a hundred rules
 * reading the same amount parse it once.
 */
export interface ConditionSubject {
  args: Record<string, unknown> | null;
  tx?: TransactionFields | undefined;
  cache?: Map<string, unknown>;
}

export interface CompiledCondition {
  test(subject: ConditionSubject): boolean;
  /** Whether the condition reads tx.from, tx.to or tx.value. */
  needsTransaction: boolean;
}

type Kind = FieldType['kind'];
type Comparable = bigint | string | boolean;

/** Compiles a condition after checking it; a problem here is a bug in the caller (it saves only checked rules). */
export function compileCondition(
  condition: ConditionNode,
  fields: Map<string, FieldType>,
  eventLabel: string,
): CompiledCondition {
  const problems = checkCondition(condition, fields, eventLabel);
  if (problems.length > 0) {
    throw new VigilError(problems[0]!.code, problems[0]!.message, {
      field: 'condition',
      details: { problems },
    });
  }
  let needsTransaction = false;

  const compile = (node: ConditionNode): ((subject: ConditionSubject) => boolean) => {
    switch (node.type) {
      case 'all': {
        const parts = node.conditions.map(compile);
        return (subject) => parts.every((part) => part(subject));
      }
      case 'any': {
        const parts = node.conditions.map(compile);
        return (subject) => parts.some((part) => part(subject));
      }
      case 'not': {
        const inner = compile(node.condition);
        return (subject) => !inner(subject);
      }
      case 'compare': {
        const type = (resolveField(fields, node.field, eventLabel) as { type: FieldType }).type;
        const steps = fieldSteps(node.field);
        if (
          (steps[0] as { name: string }).name === TRANSACTION_ROOT &&
          fields.get(TRANSACTION_ROOT)?.abiType === 'transaction'
        )
          needsTransaction = true;
        return compileComparison(node, type, steps);
      }
    }
  };
  const test = compile(condition);
  return { test, needsTransaction };
}

function compileComparison(
  node: Extract<ConditionNode, { type: 'compare' }>,
  type: FieldType,
  steps: FieldStep[],
): (subject: ConditionSubject) => boolean {
  const lowered = node.ignoreCase === true;
  const read = valueReader(node.field, steps, type.kind, lowered);
  if (node.op === 'contains' && type.kind === 'list') {
    const element = type.element.kind;
    const wanted = literal(node.value, element);
    const readList = rawReader(steps);
    return (subject) => {
      const list = readList(subject);
      if (!Array.isArray(list)) return false;
      return list.some((item) => fold(convert(item, element), lowered) === wanted);
    };
  }
  if (node.op === 'contains' || node.op === 'starts_with' || node.op === 'ends_with') {
    const needle = literal(node.value, type.kind) as string;
    // Hex literals have whole bytes (checked), so a prefix or suffix of the digits is one of
    // bytes; only contains has to look for a byte boundary.
    const bytes = type.kind === 'bytes';
    const matches = partMatcher(node.op, bytes ? needle.slice(2) : needle, bytes);
    return (subject) => {
      const value = read(subject);
      if (typeof value !== 'string') return false;
      return matches(bytes ? value.slice(2) : value);
    };
  }
  if (node.op === 'in') {
    const set = new Set(
      (node.value as Extract<ConditionValue, { type: 'list' }>).items.map((item) =>
        literal(item, type.kind),
      ),
    );
    return (subject) => {
      const value = read(subject);
      return value !== undefined && set.has(value);
    };
  }
  const wanted = literal(node.value, type.kind);
  switch (node.op) {
    case '==':
      return (subject) => read(subject) === wanted;
    case '!=':
      return (subject) => read(subject) !== wanted;
    // Ordering is checked to apply only to integers.
    case '<':
      return (subject) => ordered(read(subject), (value) => value < (wanted as bigint));
    case '<=':
      return (subject) => ordered(read(subject), (value) => value <= (wanted as bigint));
    case '>':
      return (subject) => ordered(read(subject), (value) => value > (wanted as bigint));
    case '>=':
      return (subject) => ordered(read(subject), (value) => value >= (wanted as bigint));
  }
}

function ordered(value: Comparable | undefined, test: (value: bigint) => boolean): boolean {
  return typeof value === 'bigint' && test(value);
}

function partMatcher(
  op: 'contains' | 'starts_with' | 'ends_with',
  needle: string,
  hexDigits: boolean,
): (value: string) => boolean {
  switch (op) {
    case 'starts_with':
      return (value) => value.startsWith(needle);
    case 'ends_with':
      return (value) => value.endsWith(needle);
    case 'contains':
      return hexDigits
        ? (value) => containsAligned(value, needle)
        : (value) => value.includes(needle);
  }
}

/** Lowercases text under lower(…); anything else passes through. */
function fold(value: Comparable | undefined, lowered: boolean): Comparable | undefined {
  return lowered && typeof value === 'string' ? value.toLowerCase() : value;
}

/** Whether hex digits occur in hex digits (no 0x) at a byte boundary. */
function containsAligned(haystack: string, digits: string): boolean {
  for (let at = haystack.indexOf(digits); at >= 0; at = haystack.indexOf(digits, at + 1)) {
    if (at % 2 === 0) return true;
  }
  return false;
}

function literal(value: ConditionValue, kind: Kind): Comparable {
  switch (value.type) {
    case 'number':
      return BigInt(value.value);
    case 'hex':
      return value.value.toLowerCase();
    case 'string':
      return value.value;
    case 'bool':
      return value.value;
    case 'list':
      throw new Error(`a list is not a single ${kind} value`);
  }
}

/** A wire value (decimal string, checksummed address, 0x-hex …) in comparable form. */
function convert(raw: unknown, kind: Kind): Comparable | undefined {
  switch (kind) {
    case 'integer':
      if (typeof raw === 'string') {
        try {
          return BigInt(raw);
        } catch {
          return undefined;
        }
      }
      if (typeof raw === 'bigint') return raw;
      return typeof raw === 'number' && Number.isSafeInteger(raw) ? BigInt(raw) : undefined;
    case 'address':
    case 'bytes':
      return typeof raw === 'string' ? raw.toLowerCase() : undefined;
    case 'bool':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'string':
      return typeof raw === 'string' ? raw : undefined;
    default:
      return undefined;
  }
}

function rawReader(steps: FieldStep[]): (subject: ConditionSubject) => unknown {
  return (subject) => {
    const first = steps[0] as { name: string };
    let value: unknown =
      first.name === TRANSACTION_ROOT &&
      (subject.args === null || !(TRANSACTION_ROOT in subject.args))
        ? subject.tx
        : subject.args?.[first.name];
    for (let index = 1; index < steps.length && value !== undefined && value !== null; index++) {
      const step = steps[index]!;
      value =
        'name' in step
          ? (value as Record<string, unknown>)[step.name]
          : (value as unknown[])[step.index];
    }
    return value;
  };
}

function valueReader(
  field: string,
  steps: FieldStep[],
  kind: Kind,
  lowered: boolean,
): (subject: ConditionSubject) => Comparable | undefined {
  const readRaw = rawReader(steps);
  const cacheKey = `${field}\u0000${kind}${lowered ? '\u0000lower' : ''}`;
  return (subject) => {
    const cache = subject.cache;
    if (cache?.has(cacheKey)) return cache.get(cacheKey) as Comparable | undefined;
    const value = fold(convert(readRaw(subject), kind), lowered);
    cache?.set(cacheKey, value);
    return value;
  };
}
