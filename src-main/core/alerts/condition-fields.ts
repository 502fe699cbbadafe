// What a condition can name: the event's decoded arguments (by name, into structs with dots,
// into lists with [i]) and the transaction's from, to and value. Types come from the ABI, so a
// condition is checked when the rule is saved rather than failing when it runs.
import type { AbiEvent, AbiFunction, AbiParameter } from 'viem';
import type { CompareOp, ConditionField } from '../../ipc/contract.ts';

export type FieldType =
  | { kind: 'integer'; abiType: string; signed: boolean; bits: number }
  | { kind: 'address'; abiType: string }
  | { kind: 'bool'; abiType: string }
  | { kind: 'string'; abiType: string }
  /** bytes, bytesN, and the keccak hash an indexed dynamic value is stored as (size 32). */
  | { kind: 'bytes'; abiType: string; size: number | null }
  | { kind: 'list'; abiType: string; element: FieldType }
  | { kind: 'struct'; abiType: string; fields: Map<string, FieldType> };

/** Transaction fields sit under `tx.`, clear of arguments that are also called from, to or value. */
export const TRANSACTION_ROOT = 'tx';

const transactionFields: FieldType = {
  kind: 'struct',
  abiType: 'transaction',
  fields: new Map<string, FieldType>([
    ['from', { kind: 'address', abiType: 'address' }],
    ['to', { kind: 'address', abiType: 'address' }],
    ['value', { kind: 'integer', abiType: 'uint256', signed: false, bits: 256 }],
  ]),
};

export function fieldTypeOf(parameter: AbiParameter, indexed = false): FieldType {
  const type = parameter.type;
  const dynamic =
    type === 'string' || type === 'bytes' || type.endsWith(']') || type.startsWith('tuple');
  // An indexed dynamic value is stored in its topic as keccak256 of its encoding.
  if (indexed && dynamic)
    return { kind: 'bytes', abiType: `${type} (indexed: its keccak hash)`, size: 32 };
  const list = /^(.*)\[(\d*)\]$/.exec(type);
  if (list) {
    return {
      kind: 'list',
      abiType: displayType(parameter),
      element: fieldTypeOf({ ...parameter, type: list[1]! } as AbiParameter),
    };
  }
  if (type === 'tuple') {
    const components = (parameter as { components?: readonly AbiParameter[] }).components ?? [];
    return {
      kind: 'struct',
      abiType: displayType(parameter),
      fields: new Map(
        components.map((component, position) => [
          component.name ? component.name : `arg${position}`,
          fieldTypeOf(component),
        ]),
      ),
    };
  }
  const integer = /^(u?)int(\d*)$/.exec(type);
  if (integer)
    return {
      kind: 'integer',
      abiType: type,
      signed: integer[1] === '',
      bits: Number(integer[2] || 256),
    };
  if (type === 'address') return { kind: 'address', abiType: type };
  if (type === 'bool') return { kind: 'bool', abiType: type };
  if (type === 'string') return { kind: 'string', abiType: type };
  const bytes = /^bytes(\d*)$/.exec(type);
  if (bytes) return { kind: 'bytes', abiType: type, size: bytes[1] ? Number(bytes[1]) : null };
  // function and anything newer: compare as raw bytes.
  return { kind: 'bytes', abiType: type, size: null };
}

function displayType(parameter: AbiParameter): string {
  if (!parameter.type.startsWith('tuple')) return parameter.type;
  const components = (parameter as { components?: readonly AbiParameter[] }).components ?? [];
  return `(${components.map(displayType).join(',')})${parameter.type.slice('tuple'.length)}`;
}

/** The root fields of an event: its arguments (argN when unnamed) and `tx`. */
export function eventFields(event: AbiEvent): Map<string, FieldType> {
  const fields = new Map<string, FieldType>();
  event.inputs.forEach((input, position) => {
    fields.set(
      input.name ? input.name : `arg${position}`,
      fieldTypeOf(input, (input as { indexed?: boolean }).indexed === true),
    );
  });
  if (!fields.has(TRANSACTION_ROOT)) fields.set(TRANSACTION_ROOT, transactionFields);
  return fields;
}

/**
 * The root fields of a call: the function's arguments (argN when unnamed) and `tx` (from, to and
 * value of the transaction that makes it), so a policy's conditions read as alert rules do.
 */
export function functionFields(fn: AbiFunction): Map<string, FieldType> {
  return eventFields({ type: 'event', name: fn.name, inputs: fn.inputs } as AbiEvent);
}

/** Which operators make sense for a field of this type. */
export function operatorsFor(type: FieldType): CompareOp[] {
  switch (type.kind) {
    case 'integer':
      return ['==', '!=', '<', '<=', '>', '>=', 'in'];
    case 'address':
    case 'bool':
      return type.kind === 'bool' ? ['==', '!='] : ['==', '!=', 'in'];
    case 'string':
    case 'bytes':
      return ['==', '!=', 'in', 'contains', 'starts_with', 'ends_with'];
    case 'list':
      return ['contains'];
    case 'struct':
      return [];
  }
}

/** Whether lower(field) applies: text, or a list of texts (for contains). */
export function comparesText(type: FieldType): boolean {
  return type.kind === 'string' || (type.kind === 'list' && type.element.kind === 'string');
}

/** Every comparable field, flattened, for the builder's field list. */
export function listConditionFields(fields: Map<string, FieldType>): ConditionField[] {
  const result: ConditionField[] = [];
  const visit = (name: string, type: FieldType): void => {
    if (type.kind === 'struct') {
      for (const [child, childType] of type.fields) visit(`${name}.${child}`, childType);
      return;
    }
    result.push({
      name,
      type: type.abiType,
      ops: operatorsFor(type),
      ...(comparesText(type) ? { ignoreCase: true } : {}),
    });
  };
  for (const [name, type] of fields) visit(name, type);
  return result;
}
