// Where Vigil may reach on the operator's behalf. A URL that comes through the contract (an RPC
// URL, a webhook) is input from a client Vigil does not trust: pointed at loopback, a private
// network, a link-local address or a cloud metadata service it would make Vigil a way into
// those. This room says which addresses those are, and which one a URL reaches, on the
// addresses its name resolves to (so a public-looking name that resolves inward counts too).
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const inward = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  inward.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  inward.addSubnet(network, prefix, 'ipv6');

/** True for loopback, private, shared, link-local (metadata: 169.254.169.254) and the like. */
export function isInwardAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isInwardAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  return inward.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type ResolveHost = (host: string) => Promise<string[]>;

export const resolveWithDns: ResolveHost = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/** The host of `url` as an address or name: brackets of an IPv6 literal removed. */
export function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '');
}

/**
 * True when `url` names an inward place without asking DNS: an inward address literal, or
 * `localhost` and its subdomains (which resolve to loopback by definition, RFC 6761).
 */
export function isLiterallyInward(url: string): boolean {
  const host = hostOf(url).toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && isInwardAddress(host);
}

/** The inward address `url` reaches (the host itself, or what its name resolves to), or null. */
export async function inwardAddressOf(
  url: string,
  resolve: ResolveHost = resolveWithDns,
): Promise<string | null> {
  const host = hostOf(url);
  if (isLiterallyInward(url)) return host;
  const addresses = isIP(host) ? [host] : await resolve(host);
  return addresses.find(isInwardAddress) ?? null;
}
