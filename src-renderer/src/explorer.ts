// A chain's block explorer pages for a transaction, an address or a block.

export type ExplorerTarget = 'tx' | 'address' | 'block';

/** The explorer page of a transaction, address or block on a chain; null without an explorer. */
export function explorerHref(
  explorerUrl: string | undefined,
  kind: ExplorerTarget,
  value: string | number,
): string | null {
  if (!explorerUrl) return null;
  let base: URL;
  try {
    base = new URL(explorerUrl);
  } catch {
    return null;
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') return null;
  const path = base.pathname.replace(/\/+$/, '');
  return `${base.origin}${path}/${kind}/${encodeURIComponent(String(value))}`;
}
