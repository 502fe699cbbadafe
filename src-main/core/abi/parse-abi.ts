// Turns whatever an operator pastes or drops as "the ABI" into a checked viem Abi, or a
// VigilError that says exactly which entry is wrong and how.
import { parseAbi, type Abi } from 'viem';
import { VigilError } from '../errors/index.ts';

export interface ParseAbiInputOptions {
  /** An ABI without events has nothing to watch; callers that only need functions turn this off. */
  requireEvents?: boolean;
}

const entryTypes = new Set(['function', 'event', 'error', 'constructor', 'fallback', 'receive']);
const elementaryType =
  /^(address|bool|string|bytes|function|bytes([1-9]|[12][0-9]|3[0-2])|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256))$/;
const arraySuffixes = /(\[[0-9]*\])*$/;

/**
 * Accepts a JSON ABI array, an array of human-readable signatures, a JSON string of either,
 * human-readable signatures one per line, or a Hardhat/Foundry artifact (object or JSON string).
 * `field` names the input in error messages, e.g. "abi" or "contracts[2].abi".
 */
export function parseAbiInput(
  input: unknown,
  field = 'abi',
  options: ParseAbiInputOptions = {},
): Abi {
  const requireEvents = options.requireEvents ?? true;
  const { entries, path } = unwrapAbiInput(input, field);
  const abi =
    entries.length > 0 && entries.every((entry) => typeof entry === 'string')
      ? parseHumanReadable(entries as string[], path, field)
      : checkJsonAbi(entries, path, field);
  if (requireEvents && !abi.some((entry) => entry.type === 'event')) {
    throw abiError(field, `${path}: the ABI declares no events, so there is nothing to watch`);
  }
  return abi;
}

/** Finds the list of ABI entries inside whatever shape the input came in. */
function unwrapAbiInput(input: unknown, field: string): { entries: unknown[]; path: string } {
  let value = input;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '')
      throw abiError(
        field,
        `${field}: is empty; paste a JSON ABI, an artifact, or event signatures`,
      );
    if (text.startsWith('[') || text.startsWith('{')) {
      value = parseJson(text, field);
    } else {
      // Human-readable signatures, one per line (how people paste them from Solidity or docs).
      const lines = text
        .split(/\r?\n/)
        .map((line) => line.trim().replace(/;$/, ''))
        .filter((line) => line !== '' && !line.startsWith('//'));
      return { entries: lines, path: field };
    }
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw abiError(field, `${field}: the ABI is empty`);
    return { entries: value, path: field };
  }
  if (typeof value === 'object' && value !== null) {
    // Hardhat and Foundry artifacts both carry the ABI under "abi" (Foundry adds bytecode.object).
    const artifactAbi = (value as { abi?: unknown }).abi;
    const path = `${field}.abi`;
    if (artifactAbi === undefined) {
      throw abiError(
        field,
        `${field}: an object must be a Hardhat or Foundry artifact with an "abi" array`,
      );
    }
    const inner = typeof artifactAbi === 'string' ? parseJson(artifactAbi, path) : artifactAbi;
    if (!Array.isArray(inner)) throw abiError(field, `${path}: must be an array of ABI entries`);
    if (inner.length === 0) throw abiError(field, `${path}: the ABI is empty`);
    return { entries: inner, path };
  }
  throw abiError(
    field,
    `${field}: must be a JSON ABI array, a list of signatures, or a Hardhat/Foundry artifact (got ${describe(value)})`,
  );
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    const position = /at position (\d+)/.exec(reason)?.[1];
    const what = reason
      .replace(/\s*in JSON at position \d+.*$/s, '')
      .replace(/^./, (c) => c.toLowerCase());
    throw abiError(
      field,
      position === undefined
        ? `${field}: not valid JSON: ${what}`
        : `${field}: not valid JSON at position ${position}: ${what}`,
    );
  }
}

function parseHumanReadable(signatures: string[], path: string, field: string): Abi {
  try {
    return parseAbi(signatures);
  } catch {
    // parseAbi reports the problem but not which line; retry one by one (with every struct
    // definition, which other signatures may refer to) to point at the entry.
    const structs = signatures.filter((signature) => signature.startsWith('struct '));
    for (const [index, signature] of signatures.entries()) {
      try {
        parseAbi(signature.startsWith('struct ') ? structs : [...structs, signature]);
      } catch (error) {
        throw abiError(field, `${path}[${index}]: "${signature}": ${describeViemError(error)}`);
      }
    }
    throw abiError(
      field,
      `${path}: the signatures cannot be parsed together (check struct definitions)`,
    );
  }
}

function describeViemError(error: unknown): string {
  const viemError = error as { shortMessage?: string; metaMessages?: string[]; message?: string };
  const meta = viemError.metaMessages?.map((line) => line.trim()).filter(Boolean) ?? [];
  const short = (viemError.shortMessage ?? viemError.message ?? String(error))
    .replace(/\.$/, '')
    .toLowerCase();
  return meta.length > 0 ? `${short}: ${meta.join(' ')}` : short;
}

function checkJsonAbi(entries: unknown[], path: string, field: string): Abi {
  for (const [index, entry] of entries.entries()) {
    const where = `${path}[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      const hint = typeof entry === 'string' ? ' (do not mix signatures and JSON entries)' : '';
      throw abiError(field, `${where}: must be an ABI entry object, got ${describe(entry)}${hint}`);
    }
    const record = entry as Record<string, unknown>;
    const type = record.type ?? 'function'; // the Solidity ABI spec lets "type" default to function
    if (typeof type !== 'string' || !entryTypes.has(type)) {
      throw abiError(
        field,
        `${where}: unknown entry type ${JSON.stringify(type)}; expected one of ${[...entryTypes].join(', ')}`,
      );
    }
    const needsName = type === 'function' || type === 'event' || type === 'error';
    if (
      needsName &&
      (typeof record.name !== 'string' || !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(record.name))
    ) {
      throw abiError(field, `${where}: ${type} has no valid "name" (got ${describe(record.name)})`);
    }
    const label = needsName ? `${type} "${record.name as string}"` : type;
    for (const listName of ['inputs', 'outputs'] as const) {
      const list = record[listName];
      if (list === undefined) {
        if (listName === 'inputs' && (type === 'event' || type === 'error')) {
          throw abiError(field, `${where}: ${label} has no "inputs" array`);
        }
        continue;
      }
      if (!Array.isArray(list))
        throw abiError(field, `${where}: ${label} "${listName}" must be an array`);
      const singular = listName === 'inputs' ? 'input' : 'output';
      list.forEach((parameter, position) =>
        checkParameter(
          parameter,
          `${where}: ${label} ${singular} ${position}`,
          field,
          type === 'event' && listName === 'inputs',
        ),
      );
    }
    if (type === 'event') {
      const inputs = record.inputs as Array<{ indexed?: unknown }>;
      const indexedCount = inputs.filter((input) => input.indexed === true).length;
      const maxIndexed = record.anonymous === true ? 4 : 3;
      if (indexedCount > maxIndexed) {
        throw abiError(
          field,
          `${where}: ${label} has ${indexedCount} indexed inputs; at most ${maxIndexed} fit in a log's topics`,
        );
      }
    }
  }
  return entries as Abi;
}

function checkParameter(
  parameter: unknown,
  where: string,
  field: string,
  isEventInput: boolean,
): void {
  if (typeof parameter !== 'object' || parameter === null || Array.isArray(parameter)) {
    throw abiError(field, `${where} must be an object with a "type", got ${describe(parameter)}`);
  }
  const record = parameter as Record<string, unknown>;
  if (record.name !== undefined && typeof record.name !== 'string') {
    throw abiError(field, `${where} has a "name" that is not a string`);
  }
  if (typeof record.type !== 'string') throw abiError(field, `${where} has no "type"`);
  const baseType = record.type.replace(arraySuffixes, '');
  if (baseType === 'tuple') {
    if (!Array.isArray(record.components)) {
      throw abiError(field, `${where} has type "${record.type}" but no "components" array`);
    }
    record.components.forEach((component, position) =>
      checkParameter(component, `${where} component ${position}`, field, false),
    );
  } else if (!elementaryType.test(baseType)) {
    const canonical = baseType === 'uint' ? 'uint256' : baseType === 'int' ? 'int256' : undefined;
    const hint = canonical ? ` (a JSON ABI spells it "${canonical}")` : '';
    throw abiError(field, `${where} has unknown type "${record.type}"${hint}`);
  }
  if (isEventInput && record.indexed !== undefined && typeof record.indexed !== 'boolean') {
    throw abiError(field, `${where} has an "indexed" that is not true or false`);
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function abiError(field: string, message: string): VigilError {
  return new VigilError('ABI_INVALID', message, { field });
}
