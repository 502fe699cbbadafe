// Plain JSON-RPC over fetch against the node, so the bench's own setup and its raw baseline do
// not go through viem or Vigil.

export class NodeRpcError extends Error {
  constructor(
    readonly method: string,
    readonly rpcError: { code: number; message: string },
  ) {
    super(`${method}: ${rpcError.message} (code ${rpcError.code})`);
  }
}

interface JsonRpcReply {
  id: number;
  result?: unknown;
  error?: { code: number; message: string };
}

export async function nodeRpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const reply = (await response.json()) as JsonRpcReply;
  if (reply.error) throw new NodeRpcError(method, reply.error);
  return reply.result as T;
}

/** Several calls in one HTTP request (a JSON-RPC batch); answers come back in call order. */
export async function nodeRpcBatch(
  url: string,
  calls: { method: string; params: unknown[] }[],
): Promise<unknown[]> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map((call, index) => ({ jsonrpc: '2.0', id: index, ...call }))),
  });
  const replies = (await response.json()) as JsonRpcReply[];
  replies.sort((a, b) => a.id - b.id);
  return replies.map((reply) => {
    if (reply.error) throw new NodeRpcError(calls[reply.id]!.method, reply.error);
    return reply.result;
  });
}

export const hexToNumber = (hex: string): number => Number.parseInt(hex, 16);
export const toHex = (value: number | bigint): string => `0x${value.toString(16)}`;
