// Native amounts between wei (decimal strings, exact) and what people type and read (ETH, gwei).
// All string arithmetic: a uint256 never passes through Number.

const WEI_DECIMALS = 18;

/** "1.5" ETH → "1500000000000000000" wei; null when the text is not an amount. */
export function etherToWei(text: string): string | null {
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) return null;
  const whole = match[1] || '0';
  const fraction = match[2] ?? '';
  if (fraction.length > WEI_DECIMALS) return null;
  const wei = (whole + fraction.padEnd(WEI_DECIMALS, '0')).replace(/^0+(?=\d)/, '');
  return wei;
}

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

/** "1.5 ETH", rounded for reading to 6 decimals when long (the exact wei is shown elsewhere). */
export function etherLabel(wei: string, symbol = 'ETH'): string {
  const exact = weiToEther(wei);
  const [whole, fraction] = exact.split('.');
  if (!fraction || fraction.length <= 6) return `${exact} ${symbol}`;
  return `≈${whole}.${fraction.slice(0, 6)} ${symbol}`;
}
