// The leak search: where, among files, logs, pushes and responses, a private key shows up in any
// form a careless line of code could write it — hex (either case, with or without 0x), base64
// (standard or URL-safe, at any byte alignment inside a longer blob) or its 32 raw bytes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Hex } from 'viem';

export interface Haystack {
  where: string;
  text: string | Buffer;
}

/** Every file under a directory, as bytes. */
export function filesUnder(dir: string): Haystack[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? filesUnder(path)
      : [{ where: path, text: readFileSync(path) }];
  });
}

/**
 * The base64 characters that depend on the key's bytes alone when the key starts `shift` bytes
 * into a longer buffer: the same run appears in any base64 of any buffer holding the key there.
 */
function base64Core(raw: Buffer, shift: number, alphabet: 'base64' | 'base64url'): string {
  const text = Buffer.concat([Buffer.alloc(shift), raw]).toString(alphabet);
  const firstFull = Math.ceil((shift * 8) / 6);
  const lastFull = Math.floor(((shift + raw.length) * 8) / 6);
  return text.slice(firstFull, lastFull);
}

/** The forms searched for, by name: each a byte pattern; `caseless` ones match either case. */
export function keyForms(key: Hex): { form: string; needle: Buffer; caseless: boolean }[] {
  const digits = key.slice(2).toLowerCase();
  const raw = Buffer.from(digits, 'hex');
  const forms = [
    { form: 'hex', needle: Buffer.from(digits), caseless: true },
    { form: '0x-hex', needle: Buffer.from(`0x${digits}`), caseless: true },
    { form: 'raw bytes', needle: raw, caseless: false },
  ];
  for (const alphabet of ['base64', 'base64url'] as const)
    for (const shift of [0, 1, 2])
      forms.push({
        form: `${alphabet}${shift ? ` at +${shift}` : ''}`,
        needle: Buffer.from(base64Core(raw, shift, alphabet)),
        caseless: false,
      });
  return forms;
}

/** `where (form)` for every place a key shows up in; empty when it shows up nowhere. */
export function placesHolding(key: Hex, haystacks: readonly Haystack[]): string[] {
  return placesMatching(keyForms(key), haystacks);
}

/** The same search for a secret that is text (a webhook secret, an API key in a URL). */
export function placesHoldingText(secret: string, haystacks: readonly Haystack[]): string[] {
  const raw = Buffer.from(secret, 'utf8');
  const forms = [{ form: 'text', needle: raw, caseless: false }];
  for (const alphabet of ['base64', 'base64url'] as const)
    for (const shift of [0, 1, 2])
      forms.push({
        form: `${alphabet}${shift ? ` at +${shift}` : ''}`,
        needle: Buffer.from(base64Core(raw, shift, alphabet)),
        caseless: false,
      });
  return placesMatching(forms, haystacks);
}

function placesMatching(
  forms: readonly { form: string; needle: Buffer; caseless: boolean }[],
  haystacks: readonly Haystack[],
): string[] {
  return haystacks.flatMap(({ where, text }) => {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    const lower = Buffer.from(bytes.toString('latin1').toLowerCase(), 'latin1');
    return forms
      .filter(({ needle, caseless }) => (caseless ? lower : bytes).includes(needle))
      .map(({ form }) => `${where} (${form})`);
  });
}
