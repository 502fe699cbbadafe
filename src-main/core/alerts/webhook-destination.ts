// Where a webhook may be sent. A rule's URL is operator input that may come from a workspace
// file: pointed at loopback, a private network, a link-local address or a cloud metadata service
// it would make Vigil a way into those. Such destinations are refused unless the operator allows
// them (--allow-private-webhooks), and the check is made on the addresses the name resolves to
// at sending time, so a public-looking name that resolves inward is refused too.
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { HttpPost } from './delivery-queue.ts';

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

const resolveWithDns: ResolveHost = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/** Why `url` may not be sent to, or null when it may. */
export async function webhookDestinationProblem(
  url: string,
  resolve: ResolveHost = resolveWithDns,
): Promise<string | null> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await resolve(host);
  const found = addresses.find(isInwardAddress);
  return found === undefined
    ? null
    : `refused: ${host === found ? found : `${host} resolves to ${found}`}, a loopback, private, link-local or metadata address; start Vigil with --allow-private-webhooks to send there`;
}

/** `http`, refusing inward destinations unless they are allowed. */
export function guardWebhookDestinations(
  http: HttpPost,
  options: { allowPrivate: boolean; resolve?: ResolveHost },
): HttpPost {
  if (options.allowPrivate) return http;
  return async (url, request) => {
    const problem = await webhookDestinationProblem(url, options.resolve);
    if (problem) throw new Error(problem);
    return http(url, request);
  };
}
