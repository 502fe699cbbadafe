// Calls to a contract function from its ABI: encoding with every argument checked by its ABI
// type first (so an operator's form error names the argument and what is wrong with it, instead
// of viem's generic encoder message), and decoding calldata back for display.
import {
  decodeFunctionData,
  encodeFunctionData,
  toFunctionSelector,
  toFunctionSignature,
  type Abi,
  type AbiFunction,
  type AbiParameter,
  type Hex,
} from 'viem';
import { VigilError } from '../errors/index.ts';
import { checksummedAddress } from './checksum-address.ts';
import { wireArgs } from './wire-values.ts';

export interface FunctionCallRequest {
  /** A name, or a full signature `transfer(address,uint256)` for an overloaded function. */
  name: string;
  args: readonly unknown[];
}

export interface EncodedFunctionCall {
  data: Hex;
  fn: AbiFunction;
  signature: string;
  /** The arguments in wire form, by parameter name. */
  args: Record<string, unknown>;
}

function functionsOf(abi: Abi): AbiFunction[] {
  return abi.filter((item): item is AbiFunction => item.type === 'function');
}

function signatureOf(fn: AbiFunction): string {
  return toFunctionSignature(fn).replace(/\s+/g, '');
}

/** Finds the one function a name or signature means; the error lists what the ABI has. */
export function findFunction(abi: Abi, reference: string, field: string): AbiFunction {
  const wanted = reference.replace(/\s+/g, '');
  const functions = functionsOf(abi);
  const matches = wanted.includes('(')
    ? functions.filter((fn) => signatureOf(fn) === wanted)
    : functions.filter((fn) => fn.name === wanted);
  if (matches.length === 0) {
    const available = [...new Set(functions.map(signatureOf))];
    throw new VigilError(
      'INVALID_INPUT',
      `${field}: the contract's ABI has no function ${wanted}${available.length ? ` (it has ${available.slice(0, 12).join(', ')}${available.length > 12 ? ', …' : ''})` : ' (it declares no functions)'}.`,
      { field, details: { available } },
    );
  }
  if (matches.length > 1) {
    throw new VigilError(
      'INVALID_INPUT',
      `${field}: ${wanted} is overloaded; name one of ${matches.map(signatureOf).join(', ')}.`,
      { field, details: { candidates: matches.map(signatureOf) } },
    );
  }
  return matches[0]!;
}

export function encodeFunctionCall(
  abi: Abi,
  request: FunctionCallRequest,
  field = 'function',
): EncodedFunctionCall {
  const fn = findFunction(abi, request.name, `${field}.name`);
  const signature = signatureOf(fn);
  if (fn.stateMutability === 'view' || fn.stateMutability === 'pure') {
    throw new VigilError(
      'INVALID_INPUT',
      `${field}.name: ${signature} is a ${fn.stateMutability} function: it changes nothing on chain, so there is nothing to send.`,
      { field: `${field}.name` },
    );
  }
  if (request.args.length !== fn.inputs.length) {
    throw new VigilError(
      'INVALID_INPUT',
      `${field}.args: ${signature} takes ${fn.inputs.length} argument${fn.inputs.length === 1 ? '' : 's'}, got ${request.args.length}.`,
      { field: `${field}.args` },
    );
  }
  const values = fn.inputs.map((param, index) =>
    abiValue(param, request.args[index], `${field}.args[${index}]`, param.name || `arg${index}`),
  );
  const data = encodeFunctionData({ abi: [fn], functionName: fn.name, args: values });
  return { data, fn, signature, args: wireArgs(fn.inputs, values) };
}

export interface DecodedFunctionCall {
  functionName: string;
  signature: string;
  selector: Hex;
  args: Record<string, unknown>;
}

/** Decodes calldata with an ABI; undefined when no function of the ABI matches its selector. */
export function decodeFunctionCall(abi: Abi, data: Hex): DecodedFunctionCall | undefined {
  if (data.length < 10) return undefined;
  const selector = data.slice(0, 10).toLowerCase() as Hex;
  const fn = functionsOf(abi).find((candidate) => toFunctionSelector(candidate) === selector);
  if (!fn) return undefined;
  try {
    const decoded = decodeFunctionData({ abi: [fn], data });
    return {
      functionName: fn.name,
      signature: signatureOf(fn),
      selector,
      args: wireArgs(fn.inputs, (decoded.args ?? []) as readonly unknown[]),
    };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// One argument, checked against its ABI type and turned into what viem's encoder takes.

function argumentError(field: string, label: string, type: string, problem: string): VigilError {
  return new VigilError('INVALID_INPUT', `${field} (${label}, ${type}): ${problem}`, {
    field,
    details: { type },
  });
}

function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/**
 * A whole number from a decimal string, a safe integer, a bigint, or e-notation that stays
 * whole (`1.5e18`); anything else is refused rather than rounded.
 */
export function parseWholeNumber(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/_/g, '');
  const hex = /^(-?)0x([0-9a-f]+)$/i.exec(text);
  if (hex) return BigInt(`0x${hex[2]}`) * (hex[1] ? -1n : 1n);
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e(\d{1,3}))?$/i.exec(text);
  if (!match) return undefined;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  // Move the decimal point `exponent` places right; what is left after it must be zeros.
  const digits = whole + fraction;
  const pointAt = whole.length + Number(exponent);
  if (/[1-9]/.test(digits.slice(pointAt))) return undefined;
  const magnitude = BigInt(digits.slice(0, pointAt).padEnd(pointAt, '0') || '0');
  return sign ? -magnitude : magnitude;
}

function abiValue(param: AbiParameter, value: unknown, field: string, label: string): unknown {
  const type = param.type;
  const arrayMatch = /^(.*)\[(\d*)\]$/.exec(type);
  if (arrayMatch) {
    let list = value;
    if (typeof list === 'string' && list.trim().startsWith('[')) {
      try {
        list = JSON.parse(list);
      } catch {
        throw argumentError(field, label, type, 'is not a JSON array.');
      }
    }
    if (!Array.isArray(list))
      throw argumentError(field, label, type, `must be a list, got ${describeValue(value)}.`);
    const fixedLength = arrayMatch[2] ? Number(arrayMatch[2]) : undefined;
    if (fixedLength !== undefined && list.length !== fixedLength)
      throw argumentError(
        field,
        label,
        type,
        `must have exactly ${fixedLength} items, got ${list.length}.`,
      );
    const element = { ...param, type: arrayMatch[1]! } as AbiParameter;
    return list.map((item, index) => abiValue(element, item, `${field}[${index}]`, label));
  }
  if (type === 'tuple') {
    const components = (param as { components: readonly AbiParameter[] }).components;
    let record = value;
    if (typeof record === 'string' && /^\s*[[{]/.test(record)) {
      try {
        record = JSON.parse(record);
      } catch {
        throw argumentError(field, label, type, 'is not JSON.');
      }
    }
    if (typeof record !== 'object' || record === null)
      throw argumentError(
        field,
        label,
        type,
        'must be an object by component name, or a list in order.',
      );
    const values = components.map((component, index) => {
      const raw = Array.isArray(record)
        ? record[index]
        : (record as Record<string, unknown>)[component.name ?? `arg${index}`];
      if (raw === undefined)
        throw argumentError(field, label, type, `is missing component ${component.name || index}.`);
      return abiValue(
        component,
        raw,
        `${field}.${component.name || index}`,
        component.name || label,
      );
    });
    // viem encodes a tuple from an object when every component is named, else from an array.
    return components.every((component) => component.name)
      ? Object.fromEntries(components.map((component, index) => [component.name!, values[index]]))
      : values;
  }
  const intMatch = /^(u?)int(\d*)$/.exec(type);
  if (intMatch) {
    const number = parseWholeNumber(value);
    if (number === undefined)
      throw argumentError(field, label, type, `${describeValue(value)} is not a whole number.`);
    const bits = BigInt(intMatch[2] || 256);
    const [min, max] = intMatch[1]
      ? [0n, 2n ** bits - 1n]
      : [-(2n ** (bits - 1n)), 2n ** (bits - 1n) - 1n];
    if (number < min || number > max)
      throw argumentError(
        field,
        label,
        type,
        `${number} is out of range: must be between ${min} and ${intMatch[1] ? `2^${bits}-1` : `2^${bits - 1n}-1`}.`,
      );
    return number;
  }
  if (type === 'address') {
    if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value.trim()))
      throw argumentError(
        field,
        label,
        type,
        `${describeValue(value)} is not an address (0x and 40 hex digits).`,
      );
    const text = value.trim();
    const checksummed = checksummedAddress(text.slice(2).toLowerCase());
    const mixedCase = /[a-f]/.test(text.slice(2)) && /[A-F]/.test(text.slice(2));
    if (mixedCase && text !== checksummed)
      throw argumentError(
        field,
        label,
        type,
        `${text} has a wrong checksum (did you mean ${checksummed}?).`,
      );
    return checksummed;
  }
  if (type === 'bool') {
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw argumentError(field, label, type, `must be true or false, got ${describeValue(value)}.`);
  }
  if (type === 'string') {
    if (typeof value !== 'string') throw argumentError(field, label, type, 'must be text.');
    return value;
  }
  const bytesMatch = /^bytes(\d*)$/.exec(type);
  if (bytesMatch) {
    if (typeof value !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(value.trim()))
      throw argumentError(
        field,
        label,
        type,
        `${describeValue(value)} is not 0x-prefixed hex of whole bytes.`,
      );
    const text = value.trim().toLowerCase();
    const size = (text.length - 2) / 2;
    if (bytesMatch[1] && size !== Number(bytesMatch[1]))
      throw argumentError(
        field,
        label,
        type,
        `must be exactly ${bytesMatch[1]} bytes, got ${size}.`,
      );
    return text;
  }
  throw argumentError(
    field,
    label,
    type,
    'this argument type cannot be entered here; use raw calldata.',
  );
}
