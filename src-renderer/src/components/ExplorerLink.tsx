// Links to the chain's block explorer (the URL the chain carries: from the chain list where
// known, or the operator's own), for transaction hashes, addresses and block numbers. They open
// outside the app: a new tab in a browser; in the desktop app main hands them to the system
// browser, and only for the configured chains' explorers (src-main/electron/security.ts).
import { explorerHref, type ExplorerTarget } from '../explorer.ts';
import { useConfig } from '../stores/config.ts';

export type { ExplorerTarget };

export function useExplorerHref(
  chainId: number,
  kind: ExplorerTarget,
  value: string | number,
): string | null {
  const explorerUrl = useConfig(
    (state) => state.chains.find((chain) => chain.chainId === chainId)?.explorerUrl,
  );
  return explorerHref(explorerUrl, kind, value);
}

const NOUN: Record<ExplorerTarget, string> = {
  tx: 'transaction',
  address: 'address',
  block: 'block',
};

/** "↗" after a value, opening its explorer page; nothing when the chain has no explorer. */
export function ExplorerLink({
  chainId,
  kind,
  value,
}: {
  chainId: number;
  kind: ExplorerTarget;
  value: string | number;
}) {
  const href = useExplorerHref(chainId, kind, value);
  if (!href) return null;
  return (
    <a
      className="explorer-link"
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      title={`Open this ${NOUN[kind]} in the block explorer`}
      aria-label={`Open ${NOUN[kind]} ${value} in the block explorer`}
    >
      ↗
    </a>
  );
}
