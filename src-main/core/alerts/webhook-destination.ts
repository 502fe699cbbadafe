// Where a webhook may be sent. A rule's URL is operator input that may come from a workspace
// file: pointed at loopback, a private network, a link-local address or a cloud metadata service
// it would make Vigil a way into those. Such destinations are refused unless the operator allows
// them (--allow-private-webhooks), and the check is made on the addresses the name resolves to
// at sending time, so a public-looking name that resolves inward is refused too.
import {
  hostOf,
  inwardAddressOf,
  isInwardAddress,
  resolveWithDns,
  type ResolveHost,
} from '../destinations/index.ts';
import type { HttpPost } from './delivery-queue.ts';

export { isInwardAddress, type ResolveHost };

/** Why `url` may not be sent to, or null when it may. */
export async function webhookDestinationProblem(
  url: string,
  resolve: ResolveHost = resolveWithDns,
): Promise<string | null> {
  const host = hostOf(url);
  const found = await inwardAddressOf(url, resolve);
  return found === null
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
