// JSON-RPC 2.0 framing for the contract: requests by method name, answers with result or error
// (the contract error in error.data), pushes as notifications.
import type { ContractError, Envelope } from '../ipc/contract.ts';
import { defaultMessageLimits, jsonDepthExceeds, type MessageLimits } from './request-guards.ts';

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id?: string | number | null;
  method: string;
  params?: unknown;
}

export const jsonRpcErrorCodes = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  application: -32000,
} as const;

export function jsonRpcCodeFor(error: ContractError): number {
  switch (error.code) {
    case 'UNKNOWN_METHOD':
      return jsonRpcErrorCodes.methodNotFound;
    case 'INVALID_INPUT':
      return jsonRpcErrorCodes.invalidParams;
    case 'INTERNAL':
      return jsonRpcErrorCodes.internal;
    default:
      return jsonRpcErrorCodes.application;
  }
}

/** More requests than this in one batch are refused whole: one message, one bounded piece of work. */
export const MAX_BATCH = 100;

export function parseJsonRpcMessage(
  text: string,
  limits: MessageLimits = defaultMessageLimits,
): JsonRpcRequest[] | { error: ContractError; code: number } {
  if (text.length > limits.maxLength) {
    return {
      error: {
        code: 'INVALID_INPUT',
        message: `Message too large: ${text.length} characters, at most ${limits.maxLength}.`,
      },
      code: jsonRpcErrorCodes.invalidRequest,
    };
  }
  // Before JSON.parse and zod, which both recurse and would overflow the stack.
  if (jsonDepthExceeds(text, limits.maxDepth)) {
    return {
      error: {
        code: 'INVALID_INPUT',
        message: `Message nested too deeply: at most ${limits.maxDepth} levels of arrays and objects.`,
      },
      code: jsonRpcErrorCodes.invalidRequest,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      error: { code: 'INVALID_INPUT', message: 'Not valid JSON.' },
      code: jsonRpcErrorCodes.parseError,
    };
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length === 0 || list.length > MAX_BATCH) {
    return {
      error: {
        code: 'INVALID_INPUT',
        message: `A batch holds 1 to ${MAX_BATCH} requests; this one holds ${list.length}.`,
      },
      code: jsonRpcErrorCodes.invalidRequest,
    };
  }
  const requests: JsonRpcRequest[] = [];
  for (const item of list) {
    if (
      typeof item !== 'object' ||
      item === null ||
      (item as JsonRpcRequest).jsonrpc !== '2.0' ||
      typeof (item as JsonRpcRequest).method !== 'string'
    ) {
      return {
        error: {
          code: 'INVALID_INPUT',
          message: 'Not a JSON-RPC 2.0 request: needs jsonrpc "2.0" and a method.',
        },
        code: jsonRpcErrorCodes.invalidRequest,
      };
    }
    requests.push(item as JsonRpcRequest);
  }
  return requests;
}

/** The response's JSON text, around an answer already made JSON (see handleAsJson). */
export function jsonRpcResponseText(id: JsonRpcRequest['id'], envelope: Envelope<string>): string {
  return envelope.ok
    ? `{"jsonrpc":"2.0","id":${JSON.stringify(id ?? null)},"result":${envelope.value}}`
    : JSON.stringify({
        jsonrpc: '2.0',
        id: id ?? null,
        error: {
          code: jsonRpcCodeFor(envelope.error),
          message: envelope.error.message,
          data: envelope.error,
        },
      });
}
