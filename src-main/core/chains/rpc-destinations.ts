// Which RPC URLs Vigil may connect to for a request. An RPC URL that reaches loopback, a private
// network, a link-local address or a metadata service is the operator's own node only when the
// operator said so: started with --allow-private-rpc, given in the workspace file at start, or
// approved by a person (chains.add and chains.update ask one for an inward address literal or
// `localhost`). A client alone cannot point Vigil inward; it is refused before any request goes
// out, since verifying the chain id is itself a request to the URL.
import { inwardAddressOf, isLiterallyInward, type ResolveHost } from '../destinations/index.ts';
import { VigilError } from '../errors/index.ts';
import { redactUrl } from './redact-url.ts';

/** The URLs among `rpcUrls` that a person must approve (those seen as inward without DNS). */
export function literallyInwardRpcUrls(rpcUrls: readonly string[]): string[] {
  return rpcUrls.filter((url) => {
    try {
      return isLiterallyInward(url);
    } catch {
      return false; // not a URL: the chain checks say so in their own words
    }
  });
}

export async function checkRpcDestinations(
  rpcUrls: readonly string[],
  options: {
    /** The operator allowed inward RPC URLs for this request (flag, start file or person). */
    allowInward: boolean;
    /** Prefix of the field named in the error, e.g. `chains[0].`. */
    field?: string;
    resolve?: ResolveHost;
  },
): Promise<void> {
  if (options.allowInward) return;
  for (const [index, url] of rpcUrls.entries()) {
    let found: string | null;
    try {
      found = await inwardAddressOf(url, options.resolve);
    } catch {
      continue; // a name that does not resolve: the chain check reports it unreachable
    }
    if (found === null) continue;
    const shown = redactUrl(url);
    // A person is asked only for what can be seen as inward without DNS (the address itself).
    const howToAllow = isLiterallyInward(url)
      ? 'add the chain in the app (a person approves it), list it in the workspace file Vigil starts with, or start Vigil with --allow-private-rpc'
      : `give the address itself (${found}) so a person can approve it, list it in the workspace file Vigil starts with, or start Vigil with --allow-private-rpc`;
    throw new VigilError(
      'FORBIDDEN',
      `RPC ${shown} reaches ${found}, a loopback, private, link-local or metadata address. Vigil connects there only when the operator says so: ${howToAllow}.`,
      { field: `${options.field ?? ''}rpcUrls[${index}]`, details: { url: shown, address: found } },
    );
  }
}
