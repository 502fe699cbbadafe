// Decodes raw logs into wire-format args. Everything that depends only on the ABI (topic0,
// which params sit in topics or data, how each value is turned into its wire form) is worked
// out once in createLogDecoder; decoding a log then only slices hex and converts words.
import {
  decodeAbiParameters,
  toEventSelector,
  toEventSignature,
  type Abi,
  type AbiEvent,
  type AbiParameter,
  type Hex,
} from 'viem';
import { checksummedAddress } from './checksum-address.ts';
import { wireFormatterFor as formatterFor } from './wire-values.ts';

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
    else if (!existing.some((other) => other.layoutKey === candidate.layoutKey))
      existing.push(candidate);
  }

  // The last topic0 looked up: logs of one event come in runs, and comparing with it is cheaper
  // than hashing each log's copy of the text for the map.
  let lastTopic0: string | undefined;
  let lastCandidates: EventCandidate[] | undefined;
  return function decodeLog(log: RawLog): DecodedLog | null {
    const topics = log.topics;
    const topic0 = topics[0];
    if (topic0 === undefined) return null;
    if (topic0 !== lastTopic0) {
      lastTopic0 = topic0;
      lastCandidates =
        candidatesByTopic0.get(topic0) ?? candidatesByTopic0.get(topic0.toLowerCase());
    }
    const candidates = lastCandidates;
    if (candidates === undefined) return null;
    for (const candidate of candidates) {
      const args = candidate.decodeArgs(topics, log.data);
      if (args !== null)
        return { eventName: candidate.eventName, signature: candidate.signature, args };
    }
    return null;
  };
}

function eventsOf(abi: Abi): AbiEvent[] {
  return abi.filter(
    (entry): entry is AbiEvent => entry.type === 'event' && entry.anonymous !== true,
  );
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
  const indexedInputs = event.inputs.flatMap((input, position) =>
    (input as { indexed?: boolean }).indexed ? [position] : [],
  );
  const dataInputs = event.inputs.flatMap((input, position) =>
    (input as { indexed?: boolean }).indexed ? [] : [position],
  );
  const expectedTopics = 1 + indexedInputs.length;

  // Indexed values: static types decode from the topic word; dynamic ones (string, bytes,
  // arrays, tuples) are stored as their keccak hash, so the raw topic is all there is.
  const topicDecoders: WordDecoder[] = indexedInputs.map(
    (position) => wordDecoderFor(event.inputs[position]!) ?? rawTopic,
  );

  const dataParams = dataInputs.map((position) => event.inputs[position]!);
  // Hand-decode the data when every param is a static word or a simple dynamic value (string,
  // bytes, an array of static words); anything nested goes through viem's generic decoder.
  const dataReaders = dataParams.map((param) => dataReaderFor(param));
  const handDecodable = dataReaders.every((reader) => reader !== undefined);
  const dataFormatters = dataParams.map((param) => formatterFor(param));
  const minimumDataHexLength = 2 + 64 * dataParams.length;

  const indexedKeys = indexedInputs.map((position) => keys[position]!);
  const dataKeys = dataInputs.map((position) => keys[position]!);
  // Args keep the ABI's parameter order, so fill them in declaration order.
  const order = event.inputs.map((input, position) => {
    const indexedSlot = indexedInputs.indexOf(position);
    return indexedSlot >= 0
      ? { fromTopic: true, slot: indexedSlot }
      : { fromTopic: false, slot: dataInputs.indexOf(position) };
  });

  function decodeArgs(topics: readonly Hex[], data: Hex): Record<string, unknown> | null {
    if (topics.length !== expectedTopics) return null;
    if (data.length < minimumDataHexLength) return null;
    const dataValues: unknown[] = new Array(dataParams.length);
    if (handDecodable) {
      for (let slot = 0; slot < dataParams.length; slot++)
        dataValues[slot] = dataReaders[slot]!(data, slot);
    } else {
      let decoded: readonly unknown[];
      try {
        decoded = decodeAbiParameters(dataParams, data);
      } catch {
        return null;
      }
      for (let slot = 0; slot < dataParams.length; slot++)
        dataValues[slot] = dataFormatters[slot]!(decoded[slot]);
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
// Data readers: decode one param of the data from its head slot (and, for dynamic values, the
// tail its offset points to). They throw on data that does not fit; decodeArgs turns that into null.

type DataReader = (data: string, slot: number) => unknown;

function dataReaderFor(param: AbiParameter): DataReader | undefined {
  const wordDecoder = wordDecoderFor(param);
  if (wordDecoder !== undefined) return (data, slot) => wordDecoder(wordAt(data, 2 + 64 * slot));
  if (param.type === 'bytes') return (data, slot) => `0x${tailBytes(data, slot).toLowerCase()}`;
  if (param.type === 'string')
    return (data, slot) => Buffer.from(tailBytes(data, slot), 'hex').toString('utf8');
  const dynamicArray = /^(.*)\[\]$/.exec(param.type);
  const elementDecoder = dynamicArray
    ? wordDecoderFor({ ...param, type: dynamicArray[1]! } as AbiParameter)
    : undefined;
  if (elementDecoder === undefined) return undefined;
  return (data, slot) => {
    const lengthAt = 2 + 2 * offsetAt(data, 2 + 64 * slot);
    const count = smallNumber(wordAt(data, lengthAt));
    if (lengthAt + 64 + count * 64 > data.length) throw new Error('array past the end of data');
    const values: unknown[] = new Array(count);
    for (let index = 0; index < count; index++)
      values[index] = elementDecoder(
        data.slice(lengthAt + 64 + 64 * index, lengthAt + 128 + 64 * index),
      );
    return values;
  };
}

/** The hex (no 0x) of a bytes or string value whose offset sits in head slot `slot`. */
function tailBytes(data: string, slot: number): string {
  const lengthAt = 2 + 2 * offsetAt(data, 2 + 64 * slot);
  const byteLength = smallNumber(wordAt(data, lengthAt));
  const end = lengthAt + 64 + 2 * byteLength;
  if (end > data.length) throw new Error('bytes past the end of data');
  return data.slice(lengthAt + 64, end);
}

function offsetAt(data: string, hexIndex: number): number {
  const offset = smallNumber(wordAt(data, hexIndex));
  if (offset % 32 !== 0) throw new Error('misaligned offset');
  return offset;
}

function wordAt(data: string, hexIndex: number): string {
  if (hexIndex + 64 > data.length) throw new Error('word past the end of data');
  return data.slice(hexIndex, hexIndex + 64);
}

/** A length or offset: anything that does not fit comfortably in a number cannot be real. */
function smallNumber(word: string): number {
  if (word.slice(0, 52) !== zeroWord.slice(0, 52)) throw new Error('length or offset too large');
  const value = parseInt(word.slice(52), 16);
  if (Number.isNaN(value)) throw new Error('not hex');
  return value;
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

/** Each ASCII code's value as a hex digit, or -1. */
const hexDigitValues = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) {
  hexDigitValues['0123456789abcdef'.charCodeAt(digit)] = digit;
  hexDigitValues['0123456789ABCDEF'.charCodeAt(digit)] = digit;
}

function uintFromWord(word: string): string {
  if (word.length !== 64) throw new Error('short word');
  // Most values fit in 52 bits, where a Number is exact and far cheaper than a BigInt (read
  // digit by digit, with no text made on the way); a word with anything but hex in its tail
  // stops the reading, and BigInt throws on it below.
  if (word.startsWith(zeroHead)) {
    let value = 0;
    let index = zeroHead.length;
    for (; index < 64; index++) {
      const code = word.charCodeAt(index);
      const digit = code < 128 ? hexDigitValues[code]! : -1;
      if (digit < 0) break;
      value = value * 16 + digit;
    }
    if (index === 64) return String(value);
  }
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
const zeroHead = zeroWord.slice(0, 51);

/** The last word decoded as an address, and the address: a sender or token repeats in runs. */
let lastAddressWord = '';
let lastAddress = '';

function addressFromWord(word: string): string {
  if (word === lastAddressWord) return lastAddress;
  if (word.length !== 64) throw new Error('short word');
  const address = checksummedAddress(word.slice(24).toLowerCase());
  lastAddressWord = word;
  lastAddress = address;
  return address;
}
