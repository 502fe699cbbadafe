// Native amounts between wei (decimal strings, exact) and what people type and read (ETH, gwei).
// All string arithmetic: a uint256 never passes through Number.
import { formatNativeAmount } from '@amounts';
import type { Chain } from '@contract';

const WEI_DECIMALS = 18;

/** "1.5" of a unit with `decimals` places → its wei; null when the text is not an amount. */
function unitsToWei(text: string, decimals: number): string | null {
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) return null;
  const whole = match[1] || '0';
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) return null;
  return (whole + fraction.padEnd(decimals, '0')).replace(/^0+(?=\d)/, '');
}

/** "1.5" ETH → "1500000000000000000" wei; null when the text is not an amount. */
export const etherToWei = (text: string): string | null => unitsToWei(text, WEI_DECIMALS);
/** "30" gwei → "30000000000" wei; null when the text is not an amount. */
export const gweiToWei = (text: string): string | null => unitsToWei(text, 9);

/** Wei as a decimal amount of a unit with `decimals` places, trailing zeros dropped. */
export function formatUnits(wei: string, decimals: number): string {
  const negative = wei.startsWith('-');
  const digits = (negative ? wei.slice(1) : wei).padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

export const weiToEther = (wei: string): string => formatUnits(wei, WEI_DECIMALS);
export const weiToGwei = (wei: string): string => formatUnits(wei, 9);

/**
 * A native amount in the chain's own currency ("1.5 ETH", "≈0.0123 POL"), rounded for reading
 * (the exact wei is shown elsewhere); the exact wei on a chain whose currency is not known.
 */
export function nativeLabel(wei: string, chain: Pick<Chain, 'nativeCurrency'> | undefined): string {
  return formatNativeAmount(wei, chain?.nativeCurrency);
}

/** "ETH", "POL"; what a form's amount is typed in. Unknown chains: 18 decimals are assumed. */
export function nativeSymbol(chain: Pick<Chain, 'nativeCurrency'> | undefined): string {
  return chain?.nativeCurrency?.symbol ?? 'native units';
}
