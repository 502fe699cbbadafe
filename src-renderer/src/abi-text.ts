// Turns what an operator pastes into the ABI box into what contracts.add accepts: a JSON ABI
// array, a Hardhat/Foundry artifact object, or human-readable signatures one per line.

export type AbiParseResult =
  | { ok: true; abi: unknown[] | Record<string, unknown>; summary: string }
  | { ok: false; message: string };

export function parseAbiText(text: string): AbiParseResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Paste an ABI, or choose a .json file.' };
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return parseJsonAbi(trimmed);
  const signatures = trimmed
    .split('\n')
    .map((line) => line.trim().replace(/[,;]$/, ''))
    .filter((line) => line !== '' && !line.startsWith('//'));
  const unknownLine = signatures.find(
    (line) => !/^(event|function|error|constructor|struct|fallback|receive)\b/.test(line),
  );
  if (unknownLine) {
    return {
      ok: false,
      message: `"${unknownLine.slice(0, 60)}" is not JSON and not a signature like "event Transfer(address indexed from, address indexed to, uint256 value)".`,
    };
  }
  const events = signatures.filter((line) => line.startsWith('event')).length;
  return {
    ok: true,
    abi: signatures,
    summary: `${signatures.length} signature(s), ${events} event(s)`,
  };
}

function parseJsonAbi(text: string): AbiParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `ABI is not valid JSON: ${(error as Error).message}` };
  }
  if (Array.isArray(parsed)) return { ok: true, abi: parsed, summary: describeEntries(parsed) };
  if (parsed && typeof parsed === 'object') {
    const artifactAbi = (parsed as { abi?: unknown }).abi;
    if (!Array.isArray(artifactAbi))
      return {
        ok: false,
        message: 'This JSON object has no "abi" array (expected an ABI or a build artifact).',
      };
    return {
      ok: true,
      abi: parsed as Record<string, unknown>,
      summary: `artifact: ${describeEntries(artifactAbi)}`,
    };
  }
  return { ok: false, message: 'ABI JSON must be an array or a build artifact object.' };
}

function describeEntries(entries: unknown[]): string {
  const events = entries.filter((entry) => (entry as { type?: unknown })?.type === 'event').length;
  return `${entries.length} entries, ${events} event(s)`;
}

const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;

/** 0x and 40 hex digits, in any case. */
export function isAddress(text: string): boolean {
  return ADDRESS_PATTERN.test(text);
}

/** Live feedback while typing; null when fine (or still empty). */
export function addressProblem(text: string): string | null {
  const value = text.trim();
  if (value === '') return null;
  if (!value.startsWith('0x')) return 'Must start with 0x.';
  if (/[^0-9a-fA-F]/.test(value.slice(2))) return 'Only hex digits 0-9 and a-f after 0x.';
  if (value.length < 42) return `${42 - value.length} more hex digit(s) needed (40 in all).`;
  if (!isAddress(value)) return `${value.length - 42} hex digit(s) too many (40 in all).`;
  return null;
}
