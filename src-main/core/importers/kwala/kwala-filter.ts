// A Kwala event filter (`TriggerEventFilter`), a mapping from an event argument to what it must
// be: a value (equal), ">v" / "<v" / ">=v" / "<=v", a range ">=a,<=b" (both), or a list (any of
// them); every argument named must match. Written in Vigil's condition language where the
// meaning is kept exactly; otherwise the reason it is not.

export interface KwalaParameter {
  name: string;
  type: string;
}

export type KwalaFilterResult = { ok: true; condition: string } | { ok: false; reason: string };

class FilterRefusal extends Error {}

// Vigil's condition keywords cannot be field names there.
const conditionKeywords = new Set(['and', 'or', 'not', 'in', 'contains', 'true', 'false']);

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
  if (conditionKeywords.has(parameter.name.toLowerCase()))
    throw new FilterRefusal(`the argument "${parameter.name}" is a keyword of Vigil's conditions`);
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
  const { name, type } = parameter;
  const refuse = (why: string): never => {
    throw new FilterRefusal(`${name} ${op} ${JSON.stringify(value)}: ${why}`);
  };
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    refuse('YAML read this number inexactly; write it in quotes so every digit is kept');
  const text = typeof value === 'string' ? value.trim() : String(value);
  if (type.endsWith(']') || type.startsWith('tuple'))
    refuse(`${type} values are not compared by the importer`);
  if (/^u?int[0-9]*$/.test(type)) {
    if (!/^-?[0-9]+$/.test(text)) refuse(`${type} is compared with a whole number`);
    return BigInt(text).toString();
  }
  if (op !== '==' && op !== '!=') refuse(`${op} orders numbers only, and this is ${type}`);
  if (type === 'address') {
    if (!/^0x[0-9a-fA-F]{40}$/.test(text))
      refuse('an address is compared with a 20-byte 0x address');
    // Lowercase, so a mixed-case literal is not read as a checksum it fails.
    return text.toLowerCase();
  }
  if (type === 'bool') {
    if (!/^(true|false)$/i.test(text)) refuse('a bool is compared with true or false');
    return text.toLowerCase();
  }
  if (/^bytes[0-9]*$/.test(type)) {
    if (!/^0x([0-9a-fA-F]{2})*$/.test(text)) refuse('bytes are compared with 0x-hex');
    return text.toLowerCase();
  }
  if (type === 'string') return JSON.stringify(typeof value === 'string' ? value : text);
  return refuse(`${type} values are not compared by the importer`);
}
