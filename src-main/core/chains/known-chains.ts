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
