// The fetch behind every HTTP RPC URL, which refuses an answer larger than the pool reads.
//
// viem can cap an answer itself, but then it reads every answer chunk by chunk, decoding each chunk
// into a string it keeps growing; JSON.parse must then flatten that string. Reading and parsing
// 8,000-log answers took 1.1–1.8 times as much CPU that way as reading each answer whole.
// Here the cap is checked from Content-Length before a byte is read, and viem reads the answer in
// one piece (response.text()). An answer without a length, or compressed (its length is not that
// of the text), is read as bytes under the cap first, and handed on whole.
import { ResponseBodyTooLargeError } from 'viem';

export function createCappedFetch(maxBytes: number, fetchFrom: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await fetchFrom(input, init);
    const declared = response.headers.get('content-length');
    const encoding = response.headers.get('content-encoding');
    const lengthIsTheText = encoding === null || encoding.toLowerCase() === 'identity';
    if (declared !== null && lengthIsTheText) {
      const size = Number(declared);
      if (size > maxBytes) {
        await response.body?.cancel();
        throw new ResponseBodyTooLargeError({ maxSize: maxBytes, size });
      }
      return response;
    }
    if (!response.body) return response;
    const bytes = await readAtMost(response.body, maxBytes);
    return new Response(bytes, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new ResponseBodyTooLargeError({ maxSize: maxBytes, size });
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
