// Checks a condition tree against the fields its event has: every name must exist, every value
// must fit the field's type and operator. Run when a rule is saved (and live while it is edited),
// so a rule never meets these problems while it runs.
import { isAddress } from 'viem';
import { closestMatch } from '../errors/index.ts';
import type { CompareOp, ConditionNode, ConditionValue } from '../../ipc/contract.ts';
import { comparesText, operatorsFor, type FieldType } from './condition-fields.ts';
import type { ParsedCondition } from '../rule-syntax/index.ts';

export interface ConditionCheckProblem {
  code: 'CONDITION_UNKNOWN_FIELD' | 'CONDITION_TYPE_MISMATCH';
  message: string;
  /** Where in the tree: `conditions[1].condition`; "" for the root. */
  path: string;
  /** 0-based offset into the text, when the tree came from text. */
  offset?: number;
}

export type FieldStep = { name: string } | { index: number };

/** `payment.amount` → [payment, amount]; `amounts[2]` → [amounts, 2]. */
export function fieldSteps(field: string): FieldStep[] {
  const steps: FieldStep[] = [];
  for (const match of field.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)) {
    steps.push(match[1] !== undefined ? { name: match[1] } : { index: Number(match[2]) });
  }
  return steps;
}

/** The type at a field path, or why there is none. */
export function resolveField(
  fields: Map<string, FieldType>,
  field: string,
  eventLabel: string,
): { type: FieldType } | { problem: string } {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/.test(field))
    return { problem: `"${field}" is not a field name` };
  const steps = fieldSteps(field);
  const root = (steps[0] as { name: string }).name;
  let type = fields.get(root);
  if (type === undefined) {
    const names = [...fields.keys()];
    const suggestion = closestMatch(root, names);
    return {
      problem: `${eventLabel} has no argument "${root}"; it has ${names.join(', ')}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
    };
  }
  let walked = root;
  for (const step of steps.slice(1)) {
    if ('name' in step) {
      if (type.kind !== 'struct')
        return { problem: `${walked} is ${describeType(type)}; it has no field "${step.name}"` };
      const child: FieldType | undefined = type.fields.get(step.name);
      if (child === undefined)
        return {
          problem: `${walked} has no field "${step.name}"; it has ${[...type.fields.keys()].join(', ')}`,
        };
      type = child;
      walked += `.${step.name}`;
    } else {
      if (type.kind !== 'list')
        return {
          problem: `${walked} is ${describeType(type)}, not a list; [${step.index}] does not apply`,
        };
      type = type.element;
      walked += `[${step.index}]`;
    }
  }
  return { type };
}

export function describeType(type: FieldType): string {
  switch (type.kind) {
    case 'integer':
      return `an integer (${type.abiType})`;
    case 'address':
      return 'an address';
    case 'bool':
      return 'a boolean';
    case 'string':
      return 'a string';
    case 'bytes':
      return `bytes (${type.abiType})`;
    case 'list':
      return `a list (${type.abiType})`;
    case 'struct':
      return `a struct (${[...type.fields.keys()].join(', ')})`;
  }
}

function describeValue(value: ConditionValue): string {
  switch (value.type) {
    case 'number':
      return `the number ${value.value}`;
    case 'hex':
      return value.value.length === 42
        ? `the address ${value.value}`
        : `the hex value ${value.value}`;
    case 'string':
      return `the string ${JSON.stringify(value.value)}`;
    case 'bool':
      return `the boolean ${value.value}`;
    case 'list':
      return 'a list';
  }
}

/**
 * Why a literal does not fit a field of this type, or undefined when it fits. `part`: the literal
 * is looked for inside the value (contains, starts_with, ends_with), so it may be shorter.
 */
function literalProblem(
  type: FieldType,
  value: ConditionValue,
  field: string,
  part = false,
): string | undefined {
  const mismatch = (expected: string): string =>
    `${field} is ${describeType(type)}; it cannot be compared with ${describeValue(value)} (write ${expected})`;
  switch (type.kind) {
    case 'integer': {
      if (value.type !== 'number') return mismatch('a number such as 1000 or 1e18');
      const integer = BigInt(value.value);
      const min = type.signed ? -(2n ** BigInt(type.bits - 1)) : 0n;
      const max = type.signed ? 2n ** BigInt(type.bits - 1) - 1n : 2n ** BigInt(type.bits) - 1n;
      if (integer < min || integer > max)
        return `${value.value} is outside the range of ${field} (${type.abiType}: ${min} to ${max})`;
      return undefined;
    }
    case 'address':
      if (value.type !== 'hex' || value.value.length !== 42)
        return mismatch('a 0x-address of 40 hex digits');
      if (!isAddress(value.value, { strict: true }))
        return `${value.value} has mixed-case letters that are not its checksum: a typo? Write it all lowercase or with the right checksum`;
      return undefined;
    case 'bool':
      return value.type === 'bool' ? undefined : mismatch('true or false');
    case 'string':
      return value.type === 'string' ? undefined : mismatch('text in quotes');
    case 'bytes': {
      if (value.type !== 'hex') return mismatch('0x-hex');
      const digits = value.value.length - 2;
      if (digits % 2 !== 0)
        return `${value.value} has an odd number of hex digits; bytes come in pairs`;
      if (type.size !== null && (part ? digits > type.size * 2 : digits !== type.size * 2))
        return `${field} is ${type.abiType}: expected ${part ? 'at most ' : ''}${type.size * 2} hex digits, got ${digits}`;
      return undefined;
    }
    case 'list':
    case 'struct':
      return mismatch('a value of one of its parts');
  }
}

export function checkCondition(
  condition: ConditionNode,
  fields: Map<string, FieldType>,
  eventLabel: string,
  parsed?: Pick<ParsedCondition, 'comparisonSpans' | 'valueSpans'>,
): ConditionCheckProblem[] {
  const problems: ConditionCheckProblem[] = [];
  const visit = (node: ConditionNode, path: string): void => {
    switch (node.type) {
      case 'all':
      case 'any':
        node.conditions.forEach((child, index) =>
          visit(child, `${path}${path ? '.' : ''}conditions[${index}]`),
        );
        return;
      case 'not':
        visit(node.condition, `${path}${path ? '.' : ''}condition`);
        return;
      case 'compare':
        checkComparison(node, path);
    }
  };

  const checkComparison = (
    node: Extract<ConditionNode, { type: 'compare' }>,
    path: string,
  ): void => {
    const spans = parsed?.comparisonSpans.get(node);
    const at = (offset: number | undefined): { offset?: number } =>
      offset === undefined ? {} : { offset };
    const resolved = resolveField(fields, node.field, eventLabel);
    if ('problem' in resolved) {
      problems.push({
        code: 'CONDITION_UNKNOWN_FIELD',
        message: resolved.problem,
        path,
        ...at(spans?.field.start),
      });
      return;
    }
    const type = resolved.type;
    const allowed = operatorsFor(type);
    if (!allowed.includes(node.op)) {
      problems.push({
        code: 'CONDITION_TYPE_MISMATCH',
        message: operatorProblem(node.field, type, node.op, allowed),
        path,
        ...at(spans?.op.start),
      });
      return;
    }
    const valueOffset = (value: ConditionValue): number | undefined =>
      parsed?.valueSpans.get(value)?.start ?? spans?.value.start;
    if (node.ignoreCase === true) {
      const problem = ignoreCaseProblem(node, type);
      if (problem) {
        problems.push({
          code: 'CONDITION_TYPE_MISMATCH',
          message: problem.message,
          path,
          ...at(problem.value ? valueOffset(problem.value) : spans?.field.start),
        });
        return;
      }
    }
    if (node.op === 'in') {
      if (node.value.type !== 'list') {
        problems.push({
          code: 'CONDITION_TYPE_MISMATCH',
          message: `"in" needs a list: ${node.field} in [a, b]`,
          path,
          ...at(valueOffset(node.value)),
        });
        return;
      }
      for (const item of node.value.items) {
        const problem =
          item.type === 'list' ? 'lists cannot be nested' : literalProblem(type, item, node.field);
        if (problem)
          problems.push({
            code: 'CONDITION_TYPE_MISMATCH',
            message: problem,
            path,
            ...at(valueOffset(item)),
          });
      }
      return;
    }
    const elementType = node.op === 'contains' && type.kind === 'list' ? type.element : type;
    if (node.op === 'contains' && elementType.kind === 'list') {
      problems.push({
        code: 'CONDITION_TYPE_MISMATCH',
        message: `${node.field} is a list of lists; compare one of its parts, e.g. ${node.field}[0]`,
        path,
        ...at(spans?.field.start),
      });
      return;
    }
    const problem =
      node.value.type === 'list'
        ? `${node.field} ${node.op} needs one value, not a list${node.op === '==' ? ' (for "one of", write in […])' : ''}`
        : literalProblem(
            elementType,
            node.value,
            elementType === type ? node.field : `${node.field}[i]`,
            elementType === type && ['contains', 'starts_with', 'ends_with'].includes(node.op),
          );
    if (problem)
      problems.push({
        code: 'CONDITION_TYPE_MISMATCH',
        message: problem,
        path,
        ...at(valueOffset(node.value)),
      });
  };

  visit(condition, '');
  return problems;
}

/**
 * Why lower(field) does not fit: it lowercases text, so it applies to text only, and a literal
 * with a capital letter could never equal (or be found in) lowercased text.
 */
function ignoreCaseProblem(
  node: Extract<ConditionNode, { type: 'compare' }>,
  type: FieldType,
): { message: string; value?: ConditionValue } | undefined {
  if (!comparesText(type)) {
    const already =
      type.kind === 'address' || type.kind === 'bytes'
        ? `; ${describeType(type)} is compared without regard to case already, so write ${node.field} ${node.op} …`
        : '';
    return {
      message: `lower(…) applies to text; ${node.field} is ${describeType(type)}${already}`,
    };
  }
  const literals = node.value.type === 'list' ? node.value.items : [node.value];
  for (const literal of literals) {
    if (literal.type !== 'string' || literal.value === literal.value.toLowerCase()) continue;
    const lowered = `lower(${node.field})`;
    const written = JSON.stringify(literal.value);
    const fix = `${lowered} has no capital letters; write ${JSON.stringify(literal.value.toLowerCase())}`;
    return {
      message:
        node.value.type === 'list'
          ? `the item ${written} can never equal ${lowered}: ${fix}`
          : `${lowered} ${node.op} ${written} ${node.op === '!=' ? 'always holds' : 'can never match'}: ${fix}`,
      value: literal,
    };
  }
  return undefined;
}

function operatorProblem(
  field: string,
  type: FieldType,
  op: CompareOp,
  allowed: CompareOp[],
): string {
  if (type.kind === 'struct')
    return `${field} is ${describeType(type)}; compare one of its fields, e.g. ${field}.${[...type.fields.keys()][0] ?? 'x'}`;
  if (type.kind === 'address' && ['<', '<=', '>', '>='].includes(op))
    return `addresses have no order; use == , != or in with ${field}`;
  return `${op} does not apply to ${field}, which is ${describeType(type)}; use ${allowed.join(', ')}`;
}
