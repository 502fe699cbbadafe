import { describe, expect, it } from 'vitest';
import { parseAbi } from 'viem';
import { parseAbiInput } from '../../../src-main/core/abi/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';

const transferSignature = 'event Transfer(address indexed from, address indexed to, uint256 value)';
const transferJson = parseAbi([transferSignature]);

/** The VigilError parseAbiInput throws, so a test can check its code, field and message. */
function errorOf(run: () => unknown): VigilError {
  try {
    run();
  } catch (error) {
    if (error instanceof VigilError) return error;
    throw error;
  }
  throw new Error('expected a VigilError');
}

describe('parseAbiInput accepts', () => {
  it('a JSON ABI array', () => {
    expect(parseAbiInput(transferJson)).toEqual(transferJson);
  });

  it('an array of human-readable signatures, with structs', () => {
    const abi = parseAbiInput([
      transferSignature,
      'struct Point { uint256 x; uint256 y; }',
      'event Moved(Point to)',
    ]);
    expect(abi.map((entry) => entry.type)).toEqual(['event', 'event']);
    expect(abi[1]).toMatchObject({ name: 'Moved', inputs: [{ type: 'tuple', name: 'to' }] });
  });

  it('a JSON string of either', () => {
    expect(parseAbiInput(JSON.stringify(transferJson))).toEqual(transferJson);
    expect(parseAbiInput(JSON.stringify([transferSignature]))).toEqual(transferJson);
  });

  it('signatures pasted one per line', () => {
    const abi = parseAbiInput(
      `${transferSignature};\n\n  // comment\nfunction balanceOf(address) view returns (uint256)\n`,
    );
    expect(abi).toHaveLength(2);
  });

  it('a Hardhat artifact and a Foundry artifact, as objects or JSON strings', () => {
    const hardhat = {
      _format: 'hh-sol-artifact-1',
      contractName: 'Token',
      abi: transferJson,
      bytecode: '0x6080',
    };
    const foundry = {
      abi: transferJson,
      bytecode: { object: '0x6080', sourceMap: '' },
      methodIdentifiers: {},
    };
    expect(parseAbiInput(hardhat)).toEqual(transferJson);
    expect(parseAbiInput(foundry)).toEqual(transferJson);
    expect(parseAbiInput(JSON.stringify(foundry))).toEqual(transferJson);
  });

  it('an ABI without events when requireEvents is off', () => {
    expect(parseAbiInput(['function f()'], 'abi', { requireEvents: false })).toHaveLength(1);
  });
});

describe('parseAbiInput rejects, saying what and where', () => {
  it('an unknown type in a JSON entry, naming the entry and input', () => {
    const abi = [
      ...transferJson,
      { type: 'function', name: 'f', inputs: [], outputs: [] },
      { type: 'error', name: 'E', inputs: [] },
      {
        type: 'event',
        name: 'Foo',
        inputs: [
          { name: 'a', type: 'uint256' },
          { name: 'b', type: 'uint7' },
        ],
      },
    ];
    const error = errorOf(() => parseAbiInput(abi));
    expect(error.code).toBe('ABI_INVALID');
    expect(error.field).toBe('abi');
    expect(error.message).toBe('abi[3]: event "Foo" input 1 has unknown type "uint7"');
  });

  it('an unknown type inside a tuple component, and a tuple without components', () => {
    const nested = [
      {
        type: 'event',
        name: 'N',
        inputs: [{ name: 't', type: 'tuple[]', components: [{ name: 'x', type: 'bytes33' }] }],
      },
    ];
    expect(errorOf(() => parseAbiInput(nested)).message).toBe(
      'abi[0]: event "N" input 0 component 0 has unknown type "bytes33"',
    );
    const bare = [{ type: 'event', name: 'N', inputs: [{ name: 't', type: 'tuple' }] }];
    expect(errorOf(() => parseAbiInput(bare)).message).toBe(
      'abi[0]: event "N" input 0 has type "tuple" but no "components" array',
    );
  });

  it('"uint" in a JSON ABI, with the canonical spelling as a hint', () => {
    const abi = [{ type: 'event', name: 'E', inputs: [{ name: 'x', type: 'uint' }] }];
    expect(errorOf(() => parseAbiInput(abi)).message).toContain('(a JSON ABI spells it "uint256")');
  });

  it('entries that are not ABI entries', () => {
    expect(errorOf(() => parseAbiInput([...transferJson, 42])).message).toBe(
      'abi[1]: must be an ABI entry object, got number 42',
    );
    expect(errorOf(() => parseAbiInput([{ type: 'evnt', name: 'E', inputs: [] }])).message).toMatch(
      /^abi\[0\]: unknown entry type "evnt"/,
    );
    expect(errorOf(() => parseAbiInput([{ type: 'event', inputs: [] }])).message).toBe(
      'abi[0]: event has no valid "name" (got undefined)',
    );
  });

  it('more indexed inputs than a log has topics', () => {
    const abi = [
      {
        type: 'event',
        name: 'E',
        inputs: [1, 2, 3, 4].map((n) => ({ name: `a${n}`, type: 'uint256', indexed: true })),
      },
    ];
    expect(errorOf(() => parseAbiInput(abi)).message).toBe(
      'abi[0]: event "E" has 4 indexed inputs; at most 3 fit in a log\'s topics',
    );
  });

  it('a bad human-readable signature, naming its index', () => {
    const error = errorOf(() => parseAbiInput([transferSignature, 'event Foo(uint7 a)']));
    expect(error.message).toBe(
      'abi[1]: "event Foo(uint7 a)": unknown type: Type "uint7" is not a valid ABI type.',
    );
    expect(errorOf(() => parseAbiInput(['event Foo(address indexed from,'])).message).toMatch(
      /^abi\[0\]: "event Foo\(address indexed from,": unknown signature/,
    );
  });

  it('invalid JSON, with the position', () => {
    const error = errorOf(() => parseAbiInput('[{"type": "event",}]'));
    expect(error.message).toBe(
      'abi: not valid JSON at position 18: expected double-quoted property name',
    );
  });

  it('an ABI with no events', () => {
    const error = errorOf(() =>
      parseAbiInput(['function balanceOf(address) view returns (uint256)']),
    );
    expect(error.message).toBe('abi: the ABI declares no events, so there is nothing to watch');
  });

  it('empty input, a non-artifact object, and other shapes', () => {
    expect(errorOf(() => parseAbiInput([])).message).toBe('abi: the ABI is empty');
    expect(errorOf(() => parseAbiInput('   ')).message).toMatch(/^abi: is empty/);
    expect(errorOf(() => parseAbiInput({ bytecode: '0x' })).message).toBe(
      'abi: an object must be a Hardhat or Foundry artifact with an "abi" array',
    );
    expect(errorOf(() => parseAbiInput({ abi: 'nope' })).message).toMatch(
      /^abi\.abi: not valid JSON/,
    );
    expect(errorOf(() => parseAbiInput(7)).message).toMatch(
      /^abi: must be a JSON ABI array.*\(got number 7\)$/,
    );
  });

  it("errors inside an artifact name the path into it, and the caller's field", () => {
    const artifact = {
      abi: [{ type: 'event', name: 'E', inputs: [{ name: 'x', type: 'uint7' }] }],
    };
    const error = errorOf(() => parseAbiInput(artifact, 'contracts[2].abi'));
    expect(error.field).toBe('contracts[2].abi');
    expect(error.message).toBe(
      'contracts[2].abi.abi[0]: event "E" input 0 has unknown type "uint7"',
    );
  });
});
