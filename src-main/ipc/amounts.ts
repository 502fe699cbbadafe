// Token amounts as people read them ("175.19 DEMO"), shared by main (alert summaries, webhook and
// notification texts) and the renderer (events, transactions), so both say the same thing. All
// string arithmetic: a uint256 or int256 never passes through Number. The exact integer stays on
// the wire and in exports; this is only how it is shown.

/** How a contract's amounts are shown: read from the chain, or set by the operator. */
export interface TokenDisplay {
  decimals: number;
  symbol: string | null;
}

/** Fraction digits kept when reading; the exact value is one hover or click away. */
export const READABLE_FRACTION_DIGITS = 4;

const INTEGER = /^-?\d+$/;

/** Groups an integer's digits in threes: "1234567" → "1,234,567". */
export function groupDigits(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * `raw` (an integer in the token's smallest unit, as a decimal string) with `decimals` places,
 * trailing zeros dropped. `fractionDigits` rounds toward zero for reading and marks it with "≈";
 * omitted, every digit is kept (exact).
 */
export function formatUnitsExact(raw: string, decimals: number, fractionDigits?: number): string {
  if (!INTEGER.test(raw)) return raw;
  const negative = raw.startsWith('-');
  const digits = (negative ? raw.slice(1) : raw)
    .replace(/^0+(?=\d)/, '')
    .padStart(decimals + 1, '0');
  const whole = groupDigits(digits.slice(0, digits.length - decimals));
  let fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  let approximate = false;
  if (fractionDigits !== undefined && fraction.length > fractionDigits) {
    fraction = fraction.slice(0, fractionDigits).replace(/0+$/, '');
    approximate = true;
  }
  // A value smaller than what is shown reads as "≈0", never as a plain zero.
  const sign = negative && (whole !== '0' || fraction !== '' || approximate) ? '-' : '';
  return `${approximate ? '≈' : ''}${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** "175.19 DEMO" for reading; the integer itself when the contract has no token display. */
export function formatTokenAmount(raw: string, token: TokenDisplay | null | undefined): string {
  if (!token) return formatUnitsExact(raw, 0);
  const amount = formatUnitsExact(raw, token.decimals, READABLE_FRACTION_DIGITS);
  return token.symbol ? `${amount} ${token.symbol}` : amount;
}

/** Every digit, with the symbol: what a hover or a copy gives. */
export function formatTokenAmountExact(raw: string, token: TokenDisplay): string {
  const amount = formatUnitsExact(raw, token.decimals);
  return token.symbol ? `${amount} ${token.symbol}` : amount;
}

/**
 * Whether an event or function argument is an amount of the contract's token: an integer
 * (uint/int of any width) whose name says so. Counts, ids, shares and timestamps are integers
 * too, and are left as they are.
 */
export function isAmountArgument(name: string, type: string): boolean {
  if (!/^u?int\d*$/.test(type)) return false;
  return /^_?(value|amount\d*|wad|assets)$|.(Amount|Value)$/.test(name);
}

/**
 * A native amount (wei, a decimal string) as people read it: "1.5 ETH", "≈0.0001 POL". A chain
 * whose currency Vigil does not know shows the exact integer in wei rather than a guessed symbol.
 */
export function formatNativeAmount(wei: string, currency: TokenDisplay | null | undefined): string {
  if (!currency) return `${formatUnitsExact(wei, 0)} wei`;
  return formatTokenAmount(wei, currency);
}
