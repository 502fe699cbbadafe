// JSON-RPC 2.0 framing for the contract: requests by method name, answers with result or error
// (the contract error in error.data), pushes as notifications.
import type { ContractError, Envelope } from '../ipc/contract.ts';

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

export function parseJsonRpcMessage(
  text: string,
): JsonRpcRequest[] | { error: ContractError; code: number } {
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

export function jsonRpcResponse(id: JsonRpcRequest['id'], envelope: Envelope<unknown>): object {
  return envelope.ok
    ? { jsonrpc: '2.0', id: id ?? null, result: envelope.value }
    : {
        jsonrpc: '2.0',
        id: id ?? null,
        error: {
          code: jsonRpcCodeFor(envelope.error),
          message: envelope.error.message,
          data: envelope.error,
        },
      };
}
