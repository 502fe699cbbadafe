// The wire form of ABI values decoded by viem: integers as decimal strings, addresses
// checksummed, bytes as lowercase 0x-hex, tuples as objects by component name. Events' dynamic
// data and decoded calldata both go through here, so both read the same on the wire.
import type { AbiParameter } from 'viem';
import { checksummedAddress } from './checksum-address.ts';

const uintPattern = /^uint(\d*)$/;
const intPattern = /^int(\d*)$/;

export type Formatter = (value: unknown) => unknown;

/** How a value decoded by viem for `param` is written on the wire. */
export function wireFormatterFor(param: AbiParameter): Formatter {
  const arrayMatch = /^(.*)\[(\d*)\]$/.exec(param.type);
  if (arrayMatch) {
    const element = wireFormatterFor({ ...param, type: arrayMatch[1]! } as AbiParameter);
    return (value) => (value as readonly unknown[]).map(element);
  }
  if (param.type === 'tuple') {
    const components = (param as { components: readonly AbiParameter[] }).components;
    const componentKeys = components.map((component, position) =>
      component.name ? component.name : `arg${position}`,
    );
    const componentFormatters = components.map((component) => wireFormatterFor(component));
    return (value) => {
      // viem returns a tuple as an object when every component is named, else as an array.
      const record = value as Record<string | number, unknown>;
      const byPosition = Array.isArray(value);
      const result: Record<string, unknown> = {};
      for (let position = 0; position < components.length; position++) {
        const raw = byPosition ? record[position] : record[components[position]!.name!];
        result[componentKeys[position]!] = componentFormatters[position]!(raw);
      }
      return result;
    };
  }
  if (param.type === 'address')
    return (value) => checksummedAddress((value as string).slice(2).toLowerCase());
  if (uintPattern.test(param.type) || intPattern.test(param.type))
    return (value) => (value as bigint).toString();
  if (param.type.startsWith('bytes') || param.type === 'function')
    return (value) => (value as string).toLowerCase();
  return identity; // bool, string
}

function identity(value: unknown): unknown {
  return value;
}

/** Decoded values of `params`, by parameter name (`arg<i>` for an unnamed one), in wire form. */
export function wireArgs(
  params: readonly AbiParameter[],
  values: readonly unknown[],
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  params.forEach((param, position) => {
    args[param.name ? param.name : `arg${position}`] = wireFormatterFor(param)(values[position]);
  });
  return args;
}
