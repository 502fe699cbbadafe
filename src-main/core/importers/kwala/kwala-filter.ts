// A Kwala event filter (`TriggerEventFilter`), a mapping from an event argument to what it must
// be: a value (equal), ">v" / "<v" / ">=v" / "<=v", a range ">=a,<=b" (both), or a list (any of
// them); every argument named must match. Written in Vigil's condition language where the
// meaning is kept exactly; otherwise the reason it is not. Kwala's documentation found here does
// not say whether a text value matches with regard to case; it is kept exact (Vigil's default)
// rather than guessed.
import {
  fieldName,
  writeLiteral,
  type EventParameter,
  type SourceLiteral,
  type SourceOp,
} from '../shared/argument-comparison.ts';

export type KwalaParameter = EventParameter;

export type KwalaFilterResult = { ok: true; condition: string } | { ok: false; reason: string };

class FilterRefusal extends Error {}

/** `NA`, `N/A`, empty or absent: Kwala's way of saying a setting is not used. */
export function isUnset(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && /^\s*(na|n\/a)?\s*$/i.test(value))
  );
}

/** The condition for a filter over an event's parameters; an unset filter matches every event. */
export function translateKwalaFilter(
  filter: unknown,
  parameters: readonly KwalaParameter[],
): KwalaFilterResult {
  if (isUnset(filter)) return { ok: true, condition: '' };
  if (typeof filter !== 'object' || Array.isArray(filter))
    return {
      ok: false,
      reason: `the filter ${JSON.stringify(filter)} is not a mapping of event arguments to values`,
    };
  try {
    const parts = Object.entries(filter as Record<string, unknown>)
      .filter(([, wanted]) => !isUnset(wanted))
      .map(([name, wanted]) => argumentCondition(parameterNamed(name, parameters), wanted));
    return { ok: true, condition: parts.join(' and ') };
  } catch (error) {
    if (!(error instanceof FilterRefusal)) throw error;
    return { ok: false, reason: error.message };
  }
}

function parameterNamed(name: string, parameters: readonly KwalaParameter[]): KwalaParameter {
  // Kwala reads keys without regard to case; an exact name wins over a differently cased one.
  const parameter =
    parameters.find((candidate) => candidate.name === name) ??
    parameters.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!parameter)
    throw new FilterRefusal(
      `"${name}" is not an argument of the event (${parameters.map((candidate) => candidate.name).join(', ') || 'none'})`,
    );
  fieldName(parameter, (message) => {
    throw new FilterRefusal(message);
  });
  return parameter;
}

function argumentCondition(parameter: KwalaParameter, wanted: unknown): string {
  if (Array.isArray(wanted)) {
    if (wanted.length === 0)
      throw new FilterRefusal(`${parameter.name}: an empty list matches nothing`);
    return `${parameter.name} in [${wanted.map((item) => literal(parameter, '==', item)).join(', ')}]`;
  }
  // A comma or ">" inside a text value is part of the value, not a range.
  if (typeof wanted === 'string' && parameter.type === 'string')
    return `${parameter.name} == ${literal(parameter, '==', wanted)}`;
  if (typeof wanted === 'string') {
    const bounds = wanted.split(',').map((part) => part.trim());
    const comparisons = bounds.map((bound) => {
      const match = /^(>=|<=|==|!=|>|<)?\s*(.*)$/.exec(bound)!;
      const op = match[1] ?? '==';
      return `${parameter.name} ${op} ${literal(parameter, op, match[2]!)}`;
    });
    return comparisons.join(' and ');
  }
  return `${parameter.name} == ${literal(parameter, '==', wanted)}`;
}

/** A value of the parameter's type as Vigil writes it, for this operator. */
function literal(parameter: KwalaParameter, op: string, value: unknown): string {
  const refuse = (why: string): never => {
    throw new FilterRefusal(`${parameter.name} ${op} ${JSON.stringify(value)}: ${why}`);
  };
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    refuse('YAML read this number inexactly; write it in quotes so every digit is kept');
  return writeLiteral(parameter.type, op as SourceOp, sourceLiteral(parameter.type, value), refuse);
}

/** A YAML value as a literal: Kwala writes every kind of value as a plain scalar. */
function sourceLiteral(type: string, value: unknown): SourceLiteral {
  // A text argument takes any scalar as its text: `note: 5` means "5".
  if (type === 'string' && ['string', 'number', 'boolean'].includes(typeof value))
    return { kind: 'string', text: String(value) };
  if (typeof value === 'boolean') return { kind: 'bool', value };
  if (typeof value === 'number') return { kind: 'number', text: String(value) };
  if (typeof value !== 'string') return { kind: 'other', text: JSON.stringify(value) };
  const text = value.trim();
  if (/^(true|false)$/i.test(text)) return { kind: 'bool', value: text.toLowerCase() === 'true' };
  return /^0x/i.test(text) ? { kind: 'hex', text } : { kind: 'string', text };
}
