// A rule's proposal may take values from the event that fired it: `{{event.args.from}}`,
// `{{event.transactionHash}}`, `{{event.blockNumber}}`, `{{event.address}}`, each as a whole
// function argument or as the value. Typed when the rule is saved (the event's argument against
// the function's parameter), substituted when it fires.
import { toFunctionSignature, type Abi, type AbiEvent, type AbiFunction } from 'viem';
import type { FiringEvent, RuleProposeInput } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import type { ProposeInput } from '../txqueue/index.ts';

const TEMPLATE =
  /^\{\{\s*event\.(?:args\.([A-Za-z_$][A-Za-z0-9_$]*)|(transactionHash|blockNumber|address))\s*\}\}$/;

type Template = { arg: string } | { field: 'transactionHash' | 'blockNumber' | 'address' };

function templateOf(value: unknown): Template | null {
  if (typeof value !== 'string') return null;
  const match = TEMPLATE.exec(value.trim());
  if (!match) return null;
  return match[1] !== undefined
    ? { arg: match[1] }
    : { field: match[2] as 'transactionHash' | 'blockNumber' | 'address' };
}

const mentionsTemplate = (value: unknown): boolean =>
  typeof value === 'string' ? value.includes('{{') : JSON.stringify(value ?? null).includes('{{');

const FIELD_TYPES = { transactionHash: 'bytes32', blockNumber: 'uint256', address: 'address' };

/** Whether a value of ABI type `from` may be passed as a parameter of type `to`. */
function fits(from: string, to: string): boolean {
  if (from === to) return true;
  const integer = /^(u?)int(\d*)$/;
  const a = integer.exec(from);
  const b = integer.exec(to);
  if (!a || !b) return false;
  const width = (bits: string) => (bits === '' ? 256 : Number(bits));
  // An unsigned value fits a wider unsigned or a strictly wider signed parameter.
  if (a[1] === b[1]) return width(a[2]!) <= width(b[2]!);
  return a[1] === 'u' && width(a[2]!) < width(b[2]!);
}

/** A value of type `type` that encodes: stands in for a template while the rule is checked. */
function sampleOf(type: string): unknown {
  if (type === 'address') return '0x0000000000000000000000000000000000000000';
  if (type === 'bool') return false;
  if (type === 'string') return '';
  if (type === 'bytes') return '0x';
  const bytes = /^bytes(\d+)$/.exec(type);
  if (bytes) return `0x${'00'.repeat(Number(bytes[1]))}`;
  return '0';
}

function templateType(template: Template, event: AbiEvent | null, field: string): string {
  if ('field' in template) return FIELD_TYPES[template.field];
  if (!event)
    throw new VigilError(
      'INVALID_INPUT',
      `${field}: {{event.args.${template.arg}}} needs an event rule; this rule fires on no event.`,
      { field },
    );
  const input = event.inputs.find((candidate) => candidate.name === template.arg);
  if (!input)
    throw new VigilError(
      'INVALID_INPUT',
      `${field}: the event ${event.name} has no argument ${template.arg}; its arguments are ${event.inputs.map((candidate) => candidate.name || '(unnamed)').join(', ') || 'none'}.`,
      { field },
    );
  return input.type;
}

/** The function a proposal calls, from the watched ABI of its target: for typing its templates. */
function calledFunction(abi: Abi, name: string): AbiFunction | undefined {
  const wanted = name.replace(/\s+/g, '');
  const matching = abi.filter(
    (entry): entry is AbiFunction =>
      entry.type === 'function' &&
      (wanted.includes('(') ? toFunctionSignature(entry) === wanted : entry.name === wanted),
  );
  return matching.length === 1 ? matching[0] : undefined;
}

export interface TemplateContext {
  /** The event the rule fires on, or null for a rule that fires on none. */
  event: AbiEvent | null;
  /** The watched ABI of a contract on a chain, when it is one. */
  abiOf(chainId: number, address: string): Abi | undefined;
}

/**
 * Checks each template of `propose` against the event and the called function's ABI, naming the
 * field under `prefix`, and returns the proposal as the queue checks it: each template replaced by
 * a value of its parameter's type.
 */
export function checkProposalTemplates(
  propose: RuleProposeInput,
  context: TemplateContext,
  prefix: string,
): ProposeInput {
  const { execute: _execute, value, ...rest } = propose;
  const proposal: ProposeInput = { ...rest };
  if (value !== undefined) {
    const template = templateOf(value);
    if (template) {
      const type = templateType(template, context.event, `${prefix}value`);
      if (!fits(type, 'uint256'))
        throw new VigilError(
          'INVALID_INPUT',
          `${prefix}value: ${value} is a ${type}; the value is wei, a uint256.`,
          { field: `${prefix}value` },
        );
    } else proposal.value = value;
  }
  const fn = propose.function;
  if (!fn || !fn.args.some(mentionsTemplate)) return proposal;
  const abi = propose.to ? context.abiOf(propose.chainId, propose.to) : undefined;
  const called = abi ? calledFunction(abi, fn.name) : undefined;
  if (!called)
    throw new VigilError(
      'INVALID_INPUT',
      `${prefix}function: ${fn.name} is not one function of a watched contract at ${propose.to ?? '(no target)'}, so its templates cannot be typed.`,
      { field: `${prefix}function.name` },
    );
  const args = fn.args.map((arg, position) => {
    const field = `${prefix}function.args[${position}]`;
    const template = templateOf(arg);
    if (!template) {
      if (mentionsTemplate(arg))
        throw new VigilError(
          'INVALID_INPUT',
          `${field}: a template stands for a whole argument: {{event.args.<name>}}, {{event.transactionHash}}, {{event.blockNumber}} or {{event.address}}.`,
          { field },
        );
      return arg;
    }
    const parameter = called.inputs[position];
    if (!parameter)
      throw new VigilError(
        'INVALID_INPUT',
        `${field}: ${toFunctionSignature(called)} takes ${called.inputs.length} argument(s).`,
        { field },
      );
    const type = templateType(template, context.event, field);
    if (!fits(type, parameter.type))
      throw new VigilError(
        'INVALID_INPUT',
        `${field}: ${String(arg)} is a ${type}; parameter ${parameter.name || position} of ${toFunctionSignature(called)} is a ${parameter.type}.`,
        { field, details: { template: arg, type, parameter: parameter.type } },
      );
    return sampleOf(parameter.type);
  });
  return { ...proposal, function: { ...fn, args } };
}

function eventValue(template: Template, event: FiringEvent): unknown {
  if ('field' in template) {
    const value = event[template.field];
    return typeof value === 'number' ? String(value) : value;
  }
  const args = event.args ?? {};
  if (!(template.arg in args))
    throw new VigilError(
      'INVALID_INPUT',
      `The firing event has no decoded argument ${template.arg}.`,
      { field: 'propose' },
    );
  const value = args[template.arg];
  return typeof value === 'bigint' || typeof value === 'number' ? value.toString() : value;
}

/** The proposal for one firing: each template replaced by the firing event's value. */
export function substituteTemplates(
  propose: RuleProposeInput,
  event: FiringEvent | null,
): ProposeInput {
  const { execute: _execute, value, ...rest } = propose;
  const fill = (raw: unknown): unknown => {
    const template = templateOf(raw);
    if (!template) return raw;
    if (!event)
      throw new VigilError('INVALID_INPUT', `${String(raw)}: this firing has no event.`, {
        field: 'propose',
      });
    return eventValue(template, event);
  };
  return {
    ...rest,
    ...(value === undefined ? {} : { value: String(fill(value)) }),
    ...(propose.function
      ? { function: { ...propose.function, args: propose.function.args.map(fill) } }
      : {}),
  };
}
