// A contract's ABI and name from where it was verified: Sourcify (API v2, no key) or an
// Etherscan-family explorer (API v2, one URL for every chain with `chainid`, a key). Each way a
// fetch can fail gets its own message, so an operator knows whether to wait, paste the ABI, or
// fix a key; the key itself never appears in one. When Etherscan says the address is a proxy
// (getsourcecode's `Proxy: "1"` and `Implementation`), the implementation's ABI is fetched too and
// merged in, and the result says so: a proxy's own ABI shows nothing useful.
import { getAddress, isAddress } from 'viem';
import { fetchFailureReason, retryAfterSeconds, VigilError } from '../errors/index.ts';
import { mergeAbis } from './merge-abis.ts';

export type VerifiedSourceKind = 'sourcify' | 'etherscan';

export interface FetchVerifiedAbiParameters {
  source: VerifiedSourceKind;
  chainId: number;
  address: string;
  /** Sourcify's server (https://sourcify.dev/server) or the explorer's API (https://api.etherscan.io/v2/api). */
  baseUrl: string;
  /** Etherscan's key; Sourcify needs none. */
  apiKey?: string;
  timeoutMs?: number;
  /** Which input the error names ("source" in a workspace file, "address" in the form). */
  field?: string;
  /** Whether an implementation Etherscan names is fetched too; not for the implementation itself. */
  followProxy?: boolean;
}

/** The implementation Etherscan says a proxy delegates to, and whether its ABI was merged in. */
export interface VerifiedImplementation {
  address: string;
  name: string;
  /** Its ABI is part of `abi`. */
  merged: boolean;
  /** Why it is not, when it is not (not verified, rate-limited …). */
  problem?: string;
}

export interface FetchVerifiedAbiReturnType {
  name: string;
  abi: unknown[];
  source: VerifiedSourceKind;
  /** When the source says the contract was verified (Sourcify gives it; Etherscan does not). */
  verifiedAt?: string;
  /** Set when the explorer says the address is a proxy (Etherscan's Proxy / Implementation). */
  implementation?: VerifiedImplementation;
}

export const defaultVerifiedSourceUrls: Record<VerifiedSourceKind, string> = {
  sourcify: 'https://sourcify.dev/server',
  etherscan: 'https://api.etherscan.io/v2/api',
};

const serviceName: Record<VerifiedSourceKind, string> = {
  sourcify: 'Sourcify',
  etherscan: 'Etherscan',
};

const pasteHint = 'Paste the ABI instead, or try again later.';

export async function fetchVerifiedAbi(
  parameters: FetchVerifiedAbiParameters,
): Promise<FetchVerifiedAbiReturnType> {
  const { source, chainId, address } = parameters;
  const field = parameters.field ?? 'address';
  const service = serviceName[source];
  const where = `${address} on chain ${chainId}`;
  const base = parameters.baseUrl.replace(/\/+$/, '');
  if (source === 'etherscan' && !parameters.apiKey)
    throw new VigilError(
      'NOT_AVAILABLE',
      `No Etherscan API key is set: give one (the Contracts form asks for it; headless: explorers.setApiKey), or fetch from Sourcify, which needs none.`,
      { field: 'source' },
    );
  const url =
    source === 'sourcify'
      ? `${base}/v2/contract/${chainId}/${address}?fields=abi,compilation`
      : `${base}?chainid=${chainId}&module=contract&action=getsourcecode&address=${address}&apikey=${encodeURIComponent(parameters.apiKey!)}`;
  // Never show the URL with its key: messages name the service's base and the address.
  const shownUrl = base;

  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(parameters.timeoutMs ?? 15_000),
    });
  } catch (error) {
    const reason = fetchFailureReason(error);
    throw new VigilError(
      'SOURCE_UNREACHABLE',
      `${service} (${shownUrl}) could not be reached for ${where}: ${reason}. Vigil may be offline. ${pasteHint}`,
      { field, details: { source } },
    );
  }

  if (response.status === 429) {
    const wait = retryAfterSeconds(response.headers.get('retry-after'));
    throw new VigilError(
      'RATE_LIMITED',
      `${service} is limiting requests (HTTP 429)${wait === undefined ? '' : `; it asks to wait ${wait} s`}. Try again then, or paste the ABI.`,
      { field, details: { source, ...(wait === undefined ? {} : { retryAfterSeconds: wait }) } },
    );
  }
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const malformed = (what: string): VigilError =>
    new VigilError(
      'SOURCE_INVALID',
      `${service} answered for ${where} with something Vigil cannot read (${what}). ${pasteHint}`,
      { field, details: { source, status: response.status } },
    );

  if (source === 'sourcify') {
    if (response.status === 404)
      throw new VigilError(
        'NOT_VERIFIED',
        `${where} is not verified on Sourcify. Try Etherscan, or paste the ABI.`,
        { field, details: { source } },
      );
    if (!response.ok) {
      const message = (body as { message?: unknown } | undefined)?.message;
      // 4xx is a refusal of this request (an unsupported chain); 5xx, the service being down.
      throw new VigilError(
        response.status < 500 ? 'NOT_AVAILABLE' : 'SOURCE_UNREACHABLE',
        `Sourcify answered HTTP ${response.status} for ${where}${typeof message === 'string' ? `: ${message.slice(0, 200)}` : ''}. ${pasteHint}`,
        { field, details: { source, status: response.status } },
      );
    }
    const found = body as
      | {
          abi?: unknown;
          compilation?: { name?: unknown };
          verifiedAt?: unknown;
        }
      | undefined;
    if (!found || typeof found !== 'object') throw malformed('not JSON');
    if (!Array.isArray(found.abi)) throw malformed('no abi list');
    const name = found.compilation?.name;
    return {
      name: typeof name === 'string' && name ? name : '',
      abi: found.abi,
      source,
      ...(typeof found.verifiedAt === 'string' ? { verifiedAt: found.verifiedAt } : {}),
    };
  }

  // Etherscan answers HTTP 200 with {status, message, result} for nearly everything.
  if (!response.ok)
    throw new VigilError(
      'SOURCE_UNREACHABLE',
      `Etherscan answered HTTP ${response.status} for ${where}. ${pasteHint}`,
      { field, details: { source, status: response.status } },
    );
  const answer = body as { status?: unknown; message?: unknown; result?: unknown } | undefined;
  if (!answer || typeof answer !== 'object') throw malformed('not JSON');
  if (answer.status === '0') {
    const result = typeof answer.result === 'string' ? answer.result : '';
    if (/rate limit/i.test(result))
      throw new VigilError(
        'RATE_LIMITED',
        `Etherscan is limiting requests ("${result.slice(0, 120)}"). Wait a second and try again, or paste the ABI.`,
        { field, details: { source } },
      );
    if (/api ?key/i.test(result))
      throw new VigilError(
        'INVALID_KEY',
        `Etherscan refused the API key ("${result.slice(0, 120)}"). Set a valid key, or fetch from Sourcify.`,
        { field: 'source', details: { source } },
      );
    if (/chainid/i.test(result))
      throw new VigilError(
        'NOT_AVAILABLE',
        `Etherscan does not serve chain ${chainId} ("${result.slice(0, 120)}"). Try Sourcify, or paste the ABI.`,
        { field, details: { source } },
      );
    throw new VigilError(
      'SOURCE_INVALID',
      `Etherscan refused the request for ${where}: ${result.slice(0, 200) || String(answer.message)}. ${pasteHint}`,
      { field, details: { source } },
    );
  }
  const entry = Array.isArray(answer.result)
    ? (answer.result[0] as
        | { ABI?: unknown; ContractName?: unknown; Proxy?: unknown; Implementation?: unknown }
        | undefined)
    : undefined;
  if (answer.status !== '1' || !entry || typeof entry.ABI !== 'string')
    throw malformed('no result with an ABI');
  if (/not verified/i.test(entry.ABI))
    throw new VigilError(
      'NOT_VERIFIED',
      `${where} is not verified on Etherscan. Try Sourcify, or paste the ABI.`,
      { field, details: { source } },
    );
  let abi: unknown;
  try {
    abi = JSON.parse(entry.ABI);
  } catch {
    throw malformed('its ABI is not JSON');
  }
  if (!Array.isArray(abi)) throw malformed('its ABI is not a list');
  const found = {
    name: typeof entry.ContractName === 'string' ? entry.ContractName : '',
    abi,
    source,
  };
  const implementation =
    entry.Proxy === '1' &&
    typeof entry.Implementation === 'string' &&
    isAddress(entry.Implementation, { strict: false })
      ? getAddress(entry.Implementation.toLowerCase())
      : undefined;
  if (
    parameters.followProxy === false ||
    !implementation ||
    implementation.toLowerCase() === address.toLowerCase()
  )
    return found;
  // The proxy's own ABI is still worth having (its admin functions and upgrade events); a failure
  // to fetch the implementation's is said, not thrown.
  try {
    const target = await fetchVerifiedAbi({
      ...parameters,
      address: implementation,
      followProxy: false,
    });
    return {
      ...found,
      abi: mergeAbis(abi, target.abi),
      implementation: { address: implementation, name: target.name, merged: true },
    };
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    return {
      ...found,
      implementation: { address: implementation, name: '', merged: false, problem: error.message },
    };
  }
}
