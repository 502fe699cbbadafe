// Checks, before a chain is saved, that every RPC URL answers and serves the chain id the
// operator gave: a URL for another network would otherwise fill the store with foreign data.
import { VigilError } from '../errors/index.ts';
import { errorText } from './rpc-errors.ts';
import { redactUrl, redactUrlsIn } from './redact-url.ts';
import { createRpcPool } from './rpc-pool.ts';

export async function verifyRpcUrls(
  chainId: number,
  rpcUrls: readonly string[],
  timeoutMs = 8_000,
): Promise<void> {
  for (const [index, given] of rpcUrls.entries()) {
    const pool = createRpcPool([given], { timeoutMs });
    // Errors travel to logs and other views: they name the provider, never its key.
    const url = redactUrl(given);
    let answered: number;
    try {
      answered = Number.parseInt(await pool.request<string>('eth_chainId'), 16);
    } catch (error) {
      throw new VigilError(
        'RPC_UNREACHABLE',
        `RPC ${url} did not answer eth_chainId: ${redactUrlsIn(errorText((error as { cause?: unknown }).cause ?? error).split('\n')[0]!)}. Check the URL and that the node is running.`,
        { field: `rpcUrls[${index}]`, details: { url } },
      );
    } finally {
      pool.close();
    }
    if (answered !== chainId) {
      throw new VigilError(
        'CHAIN_ID_MISMATCH',
        `RPC ${url} answered chain id ${answered}, but this chain is configured as ${chainId}.`,
        { field: `rpcUrls[${index}]`, details: { url, expected: chainId, answered } },
      );
    }
  }
}
