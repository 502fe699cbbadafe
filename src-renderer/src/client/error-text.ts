// Errors as an operator reads them. The server's input errors start with the request's name
// and the field's path ("alerts.rules.save: name: must not be empty"), which is right in a log
// and wrong on a screen: here they become "Name must not be empty." The field stays on the error
// (error.field), so forms still put the message under the right input.
import type { ContractError } from '@contract';

/** "retention.days" → "Retention days", "rpcUrls[1]" → "RPC URL 2", "startBlock" → "Start block". */
export function fieldLabel(path: string): string {
  const words = path
    .replace(/\[(\d+)\]/g, (_match, index: string) => ` ${Number(index) + 1}`)
    .replace(/rpcUrls?/g, 'RPC URL')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/\./g, ' ')
    .toLowerCase()
    .replace(/\brpc url\b/g, 'RPC URL')
    .replace(/\babi\b/g, 'ABI')
    .replace(/\bid\b/g, 'ID')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

/** A request's name at the start of a message: "alerts.rules.save: ". */
const METHOD_PREFIX = /^[a-z]+(?:\.[a-zA-Z]+)+: /;

/** The message an operator sees for a refused request. */
export function operatorMessage(error: ContractError): string {
  const problems = error.details?.['problems'] as { field: string; message: string }[] | undefined;
  const first = Array.isArray(problems) ? problems[0] : undefined;
  if (error.code === 'INVALID_INPUT' && first) {
    const more = problems!.length - 1;
    const tail = more > 0 ? ` (and ${more} more problem${more > 1 ? 's' : ''})` : '';
    if (!first.field) return sentence(`${first.message}${tail}`);
    // "must not be empty" reads on from the field's name; "Too small: …" needs a colon.
    const joined = /^[a-z]/.test(first.message)
      ? `${fieldLabel(first.field)} ${first.message}`
      : `${fieldLabel(first.field)}: ${first.message.charAt(0).toLowerCase()}${first.message.slice(1)}`;
    return sentence(`${joined}${tail}`);
  }
  // Other messages are written for people already; only a leading request name goes.
  return METHOD_PREFIX.test(error.message)
    ? sentence(error.message.replace(METHOD_PREFIX, ''))
    : error.message;
}

/** The same envelope with its error's message made readable. */
export function withOperatorMessage<T extends { ok: boolean; error?: ContractError }>(
  envelope: T,
): T {
  if (envelope.ok || !envelope.error) return envelope;
  return { ...envelope, error: { ...envelope.error, message: operatorMessage(envelope.error) } };
}
