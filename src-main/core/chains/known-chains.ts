// Confirmation depths for chains whose reorg behaviour is known; anything else gets a
// conservative default. The operator can override per chain.
const confirmationsByChainId: Record<number, number> = {
  1: 65, // Ethereum
  11155111: 65, // Sepolia
  137: 200, // Polygon PoS
  42161: 240, // Arbitrum One
  10: 30, // OP Mainnet
  8453: 30, // Base
  31337: 2, // anvil / hardhat devnets
  1337: 2,
};

export function defaultConfirmations(chainId: number): number {
  return confirmationsByChainId[chainId] ?? 12;
}

/** Whether the depth for this chain comes from the table above rather than the default. */
export function hasKnownConfirmations(chainId: number): boolean {
  return chainId in confirmationsByChainId;
}

/**
 * Chains whose block headers' Bloom filter leaves some logs out: Polygon PoS (and its testnet)
 * adds its state-sync logs to blocks without them. A header's filter is not evidence there that
 * a block has none of a contract's logs.
 */
const partialLogBloomChains = new Set([137, 80002]);

export function headerBloomCoversLogs(chainId: number): boolean {
  return !partialLogBloomChains.has(chainId);
}
