// One comparison of an event argument, as the importers write it in Vigil's condition language:
// which argument a name or a position means, and what a literal of each Solidity type becomes.
// OZ Monitor, Defender and Kwala name arguments and write literals alike; where their meanings
// differ (OZ Monitor compares text without regard to case), the caller says which applies.
import { isConditionKeyword } from '../../rule-syntax/index.ts';

/** An ABI parameter as the translations need it. */
export interface EventParameter {
  name: string;
  type: string;
}

/** Fields outside the event's parameters, e.g. a transaction's `to` as Vigil's `tx.to`. */
export type ExtraFields = Readonly<Record<string, { vigilField: string; type: string }>>;

/** Another tool's expression as a Vigil condition that selects the same events, or why not. */
export type TranslateResult = { ok: true; condition: string } | { ok: false; reason: string };

/** An argument resolved to what Vigil calls it and its Solidity type. */
export interface ResolvedArgument {
  field: string;
  type: string;
}

/** A literal as the source wrote it; `other` is anything else (arithmetic, another argument). */
export type SourceLiteral =
  | { kind: 'number'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'hex'; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'other'; text: string };

export type SourceOp =
  '==' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'starts_with' | 'ends_with';

/** Ends a translation with the reason; the caller puts the comparison in front of it. */
export type Refuse = (why: string) => never;

const partOps: readonly SourceOp[] = ['contains', 'starts_with', 'ends_with'];

/**
 * The argument a name or a position stands for, or `fail` with why it cannot be read. Names are
 * matched as written (ABI names are case-sensitive); extra fields are looked up by name only.
 */
export function resolveArgument(
  reference: { name: string } | { position: number; written: string },
  parameters: readonly EventParameter[],
  extraFields: ExtraFields,
  fail: (message: string) => never,
): ResolvedArgument {
  let parameter: EventParameter | undefined;
  if ('position' in reference) {
    parameter = parameters[reference.position];
    if (parameter === undefined)
      fail(`${reference.written} does not exist: there are ${parameters.length} argument(s)`);
    if (parameter!.name === '')
      fail(`${reference.written} has no name in the ABI, and Vigil names arguments by name`);
  } else {
    const { name } = reference;
    if (/[.[]/.test(name))
      fail(
        `"${name}" reads inside a tuple, struct, list or map; Vigil's importer does not translate those`,
      );
    parameter = parameters.find((candidate) => candidate.name === name);
    const extra = parameter === undefined ? extraFields[name] : undefined;
    if (extra) return { field: extra.vigilField, type: extra.type };
    if (parameter === undefined)
      fail(
        `"${name}" is not an argument (${parameters.map((candidate) => candidate.name).join(', ') || 'none'})`,
      );
  }
  return { field: fieldName(parameter!, fail), type: parameter!.type };
}

/** The parameter's name as a Vigil field; a word of the condition language cannot be one. */
export function fieldName(parameter: EventParameter, fail: (message: string) => never): string {
  if (isConditionKeyword(parameter.name))
    fail(`the argument "${parameter.name}" is a keyword of Vigil's conditions`);
  return parameter.name;
}

/**
 * `field op literal` in Vigil's syntax. With `textIgnoresCase` (OZ Monitor's semantics), text is
 * compared as lower(field) against the lowercased literal, which is what OZ Monitor does to both
 * sides; elsewhere text compares exactly, as Vigil does by default.
 */
export function writeComparison(
  argument: ResolvedArgument,
  op: SourceOp,
  literal: SourceLiteral,
  options: { textIgnoresCase: boolean },
  refuse: Refuse,
): string {
  const lowered = options.textIgnoresCase && argument.type === 'string';
  const field = lowered ? `lower(${argument.field})` : argument.field;
  return `${field} ${op} ${writeLiteral(argument.type, op, literal, refuse, lowered)}`;
}

/** A literal of a Solidity type as Vigil writes it, for this operator; refused where it does not fit. */
export function writeLiteral(
  type: string,
  op: SourceOp,
  literal: SourceLiteral,
  refuse: Refuse,
  lowercaseText = false,
): string {
  if (type.endsWith(']') || type.startsWith('tuple') || type.startsWith('('))
    refuse(`${type} values are not compared by the importer`);
  const text = 'text' in literal ? literal.text.trim() : '';
  if (/^u?int[0-9]*$/.test(type)) {
    if (partOps.includes(op)) refuse(`${op} does not apply to numbers`);
    if ((literal.kind !== 'number' && literal.kind !== 'string') || !/^-?[0-9]+$/.test(text))
      refuse(
        `${type} is compared with a whole number; Vigil compares integers exactly, not as decimals`,
      );
    return BigInt(text).toString();
  }
  if (op !== '==' && op !== '!=' && !partOps.includes(op))
    refuse(`${op} orders numbers only, and this is ${type}`);
  if (type === 'address') {
    if ((literal.kind !== 'hex' && literal.kind !== 'string') || !/^0x[0-9a-fA-F]{40}$/.test(text))
      refuse('an address is compared with a 20-byte 0x address');
    if (partOps.includes(op)) refuse('an address is compared with == or != only');
    // Addresses compare without regard to case everywhere; lowercase, so a mixed-case literal is
    // not read as a checksum it fails.
    return text.toLowerCase();
  }
  if (type === 'bool') {
    if (literal.kind !== 'bool' || partOps.includes(op))
      refuse('a bool is compared with true or false');
    return String((literal as { value: boolean }).value);
  }
  if (/^bytes[0-9]*$/.test(type)) {
    if ((literal.kind !== 'hex' && literal.kind !== 'string') || !/^0x[0-9a-fA-F]*$/.test(text))
      refuse('bytes are compared with 0x-hex');
    if ((text.length - 2) % 2 !== 0)
      refuse('bytes come in whole bytes; this hex has an odd number of digits');
    // The sources match bytes as hex text; Vigil finds them at byte boundaries.
    if (partOps.includes(op)) refuse(`${op} on bytes has no exact Vigil equivalent`);
    return text.toLowerCase();
  }
  if (type === 'string') {
    if (literal.kind !== 'string') refuse('text is compared with a quoted string');
    const value = (literal as { text: string }).text;
    return JSON.stringify(lowercaseText ? value.toLowerCase() : value);
  }
  return refuse(`${type} values are not compared by the importer`);
}
