// Decodes raw logs into wire-format args. Everything that depends only on the ABI (topic0,
// which params sit in topics or data, how each value is turned into its wire form) is worked
// out once in createLogDecoder; decoding a log then only slices hex and converts words.
import {
  decodeAbiParameters,
  getAddress,
  toEventSelector,
  toEventSignature,
  type Abi,
  type AbiEvent,
  type AbiParameter,
  type Hex,
} from 'viem';

export interface RawLog {
  topics: readonly Hex[];
  data: Hex;
}

export interface DecodedLog {
  eventName: string;
  /** Canonical signature, e.g. "Transfer(address,address,uint256)". */
  signature: string;
  /** Keyed by parameter name (arg0, arg1… by position when unnamed), values in wire format. */
  args: Record<string, unknown>;
}

/** Returns null for a log that no event in the ABI fits; never throws. */
export type LogDecoder = (log: RawLog) => DecodedLog | null;

export interface EventSignature {
  eventName: string;
  signature: string;
  topic0: Hex;
}

/** Non-anonymous events with their canonical signature and topic0 (anonymous ones have no topic0 in their logs). */
export function eventSignaturesOf(abi: Abi): EventSignature[] {
  return eventsOf(abi).map((event) => ({
    eventName: event.name,
    signature: toEventSignature(event),
    topic0: toEventSelector(event),
  }));
}

export function createLogDecoder(abi: Abi): LogDecoder {
  const candidatesByTopic0 = new Map<string, EventCandidate[]>();
  for (const event of eventsOf(abi)) {
    const topic0 = toEventSelector(event).toLowerCase();
    const candidate = buildCandidate(event);
    const existing = candidatesByTopic0.get(topic0);
    if (existing === undefined) candidatesByTopic0.set(topic0, [candidate]);
    // Same topic0 twice means the same signature with a different indexed layout (e.g. ERC-20
    // vs ERC-721 Transfer); each is tried in ABI order and the first that fits wins.
    else if (!existing.some((other) => other.layoutKey === candidate.layoutKey)) existing.push(candidate);
  }

  return function decodeLog(log: RawLog): DecodedLog | null {
    const topics = log.topics;
    const topic0 = topics[0];
    if (topic0 === undefined) return null;
    const candidates = candidatesByTopic0.get(topic0) ?? candidatesByTopic0.get(topic0.toLowerCase());
    if (candidates === undefined) return null;
    for (const candidate of candidates) {
      const args = candidate.decodeArgs(topics, log.data);
      if (args !== null) return { eventName: candidate.eventName, signature: candidate.signature, args };
    }
    return null;
  };
}

function eventsOf(abi: Abi): AbiEvent[] {
  return abi.filter((entry): entry is AbiEvent => entry.type === 'event' && entry.anonymous !== true);
}

// ---------------------------------------------------------------------------------------------
// Per-event decoding plan.

interface EventCandidate {
  eventName: string;
  signature: string;
  /** Which inputs are indexed, so duplicate entries of one layout are kept once. */
  layoutKey: string;
  decodeArgs: (topics: readonly Hex[], data: Hex) => Record<string, unknown> | null;
}

/** Turns a 32-byte word (64 lowercase-or-not hex chars, no 0x) into its wire value. */
type WordDecoder = (word: string) => unknown;

function buildCandidate(event: AbiEvent): EventCandidate {
  const keys = event.inputs.map((input, position) => (input.name ? input.name : `arg${position}`));
  const indexedInputs = event.inputs.flatMap((input, position) => ((input as { indexed?: boolean }).indexed ? [position] : []));
  const dataInputs = event.inputs.flatMap((input, position) => ((input as { indexed?: boolean }).indexed ? [] : [position]));
  const expectedTopics = 1 + indexedInputs.length;

  // Indexed values: static types decode from the topic word; dynamic ones (string, bytes,
  // arrays, tuples) are stored as their keccak hash, so the raw topic is all there is.
  const topicDecoders: WordDecoder[] = indexedInputs.map((position) => wordDecoderFor(event.inputs[position]!) ?? rawTopic);

  const dataParams = dataInputs.map((position) => event.inputs[position]!);
  const dataWordDecoders = dataParams.map((param) => wordDecoderFor(param));
  const allDataStatic = dataWordDecoders.every((decoder) => decoder !== undefined);
  const dataFormatters = dataParams.map((param) => formatterFor(param));
  const minimumDataHexLength = 2 + 64 * dataParams.length;

  const indexedKeys = indexedInputs.map((position) => keys[position]!);
  const dataKeys = dataInputs.map((position) => keys[position]!);
  // Args keep the ABI's parameter order, so fill them in declaration order.
  const order = event.inputs.map((input, position) => {
    const indexedSlot = indexedInputs.indexOf(position);
    return indexedSlot >= 0 ? { fromTopic: true, slot: indexedSlot } : { fromTopic: false, slot: dataInputs.indexOf(position) };
  });

  function decodeArgs(topics: readonly Hex[], data: Hex): Record<string, unknown> | null {
    if (topics.length !== expectedTopics) return null;
    if (data.length < minimumDataHexLength) return null;
    const dataValues: unknown[] = new Array(dataParams.length);
    if (allDataStatic) {
      for (let slot = 0; slot < dataParams.length; slot++) {
        const start = 2 + 64 * slot;
        dataValues[slot] = dataWordDecoders[slot]!(data.slice(start, start + 64));
      }
    } else {
      let decoded: readonly unknown[];
      try {
        decoded = decodeAbiParameters(dataParams, data);
      } catch {
        return null;
      }
      for (let slot = 0; slot < dataParams.length; slot++) dataValues[slot] = dataFormatters[slot]!(decoded[slot]);
    }
    const args: Record<string, unknown> = {};
    for (let position = 0; position < order.length; position++) {
      const step = order[position]!;
      if (step.fromTopic) {
        const topic = topics[step.slot + 1]!;
        if (topic.length !== 66) return null;
        args[indexedKeys[step.slot]!] = topicDecoders[step.slot]!(topic.slice(2));
      } else {
        args[dataKeys[step.slot]!] = dataValues[step.slot];
      }
    }
    return args;
  }

  return {
    eventName: event.name,
    signature: toEventSignature(event),
    layoutKey: indexedInputs.join(','),
    decodeArgs: (topics, data) => {
      try {
        return decodeArgs(topics, data);
      } catch {
        // A malformed word (e.g. a short topic) must not take the watcher down.
        return null;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Word decoders for static elementary types; undefined for anything that needs the generic path.

const uintPattern = /^uint(\d*)$/;
const intPattern = /^int(\d*)$/;
const bytesNPattern = /^bytes(\d+)$/;

function wordDecoderFor(param: AbiParameter): WordDecoder | undefined {
  const type = param.type;
  if (type === 'address') return addressFromWord;
  if (type === 'bool') return boolFromWord;
  if (uintPattern.test(type)) return uintFromWord;
  if (intPattern.test(type)) return intFromWord;
  const bytesN = bytesNPattern.exec(type);
  if (bytesN) {
    const hexLength = Number(bytesN[1]) * 2;
    return (word) => `0x${word.slice(0, hexLength).toLowerCase()}`;
  }
  if (type === 'function') return (word) => `0x${word.slice(0, 48).toLowerCase()}`;
  return undefined;
}

function rawTopic(word: string): string {
  return `0x${word.toLowerCase()}`;
}

function uintFromWord(word: string): string {
  if (word.length !== 64) throw new Error('short word');
  return BigInt(`0x${word}`).toString();
}

function intFromWord(word: string): string {
  if (word.length !== 64) throw new Error('short word');
  // Every int width is sign-extended to 256 bits in the ABI encoding.
  return BigInt.asIntN(256, BigInt(`0x${word}`)).toString();
}

function boolFromWord(word: string): boolean {
  if (word.length !== 64) throw new Error('short word');
  return word !== zeroWord;
}

const zeroWord = '0'.repeat(64);

function addressFromWord(word: string): string {
  if (word.length !== 64) throw new Error('short word');
  return checksummed(word.slice(24).toLowerCase());
}

// Checksumming hashes the address (keccak), which costs more than the rest of a Transfer
// decode; the same few addresses repeat in practice, so remember recent ones.
const checksumCacheLimit = 8192;
const checksumCache = new Map<string, string>();

function checksummed(lowercaseHex40: string): string {
  const cached = checksumCache.get(lowercaseHex40);
  if (cached !== undefined) return cached;
  const address = getAddress(`0x${lowercaseHex40}`);
  if (checksumCache.size >= checksumCacheLimit) {
    // Evict the oldest insertion; a Map iterates in insertion order.
    checksumCache.delete(checksumCache.keys().next().value as string);
  }
  checksumCache.set(lowercaseHex40, address);
  return address;
}

// ---------------------------------------------------------------------------------------------
// Formatters for values that came out of viem's decodeAbiParameters (dynamic data).

type Formatter = (value: unknown) => unknown;

function formatterFor(param: AbiParameter): Formatter {
  const arrayMatch = /^(.*)\[(\d*)\]$/.exec(param.type);
  if (arrayMatch) {
    const element = formatterFor({ ...param, type: arrayMatch[1]! } as AbiParameter);
    return (value) => (value as readonly unknown[]).map(element);
  }
  if (param.type === 'tuple') {
    const components = (param as { components: readonly AbiParameter[] }).components;
    const componentKeys = components.map((component, position) => (component.name ? component.name : `arg${position}`));
    const componentFormatters = components.map((component) => formatterFor(component));
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
  if (param.type === 'address') return (value) => checksummed((value as string).slice(2).toLowerCase());
  if (uintPattern.test(param.type) || intPattern.test(param.type)) return (value) => (value as bigint).toString();
  if (param.type.startsWith('bytes') || param.type === 'function') return (value) => (value as string).toLowerCase();
  return identity; // bool, string
}

function identity(value: unknown): unknown {
  return value;
}
