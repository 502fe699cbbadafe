// The parts of an imported event rule that every format makes the same way: the event's
// canonical signature (to find it in the ABI and to name an overloaded one), the event's own
// condition joined to what the source asks of the transaction, and the channels it notifies.
import type { z } from 'zod';
import type { AlertChannelInput } from '../../../ipc/contract.ts';

type Channel = z.output<typeof AlertChannelInput>;

/** The most channels a rule may have (alerts.rules.save refuses more). */
const maxChannels = 10;

interface EventInput {
  type: string;
  components?: unknown[];
}

/** `Transfer(address,address,uint256)`, tuples written out as `(…)`: how sources name events. */
export function eventSignature(event: { name: string; inputs: readonly EventInput[] }): string {
  const typeOf = (input: EventInput): string =>
    input.type.startsWith('tuple')
      ? `(${((input.components ?? []) as EventInput[]).map(typeOf).join(',')})${input.type.slice('tuple'.length)}`
      : input.type;
  return `${event.name}(${event.inputs.map(typeOf).join(',')})`;
}

/**
 * The event's condition and the transaction's, both to hold; either may be empty. A part with a
 * top-level `or` is bracketed so `and` does not bind into it.
 */
export function bothConditions(eventCondition: string, transactionCondition: string): string {
  return [eventCondition, transactionCondition]
    .filter((part) => part !== '')
    .map((part, _, all) => (all.length > 1 && / or /.test(part) ? `(${part})` : part))
    .join(' and ');
}

/** Each channel once, as many as a rule may have; in-app when the source names none. */
export function ruleChannels(channels: readonly Channel[]): Channel[] {
  const seen = new Set<string>();
  const once = channels.filter((channel) => {
    const key = JSON.stringify(channel);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return once.length > 0 ? once.slice(0, maxChannels) : [{ type: 'in-app' }];
}
