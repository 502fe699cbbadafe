// Small text helpers every importer's names and messages use.

/** At most `length` characters, an ellipsis marking a cut. */
export function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** `0x1234…abcd`: enough of an address to tell it apart in a name. */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** A 20-byte address written as 0x and 40 hex digits (any case). */
export function isAddress(text: string): boolean {
  return /^0x[0-9a-fA-F]{40}$/.test(text);
}
