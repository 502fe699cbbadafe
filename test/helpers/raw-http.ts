// Speaks HTTP by hand, byte for byte, so a test can send what no well-behaved client would
// (`GET //`, a bad escape, a foreign Host) and read the status line that comes back.
import { connect } from 'node:net';

/** Sends `text` as is and resolves with the first line of the answer ('' if none came). */
export function rawRequest(port: number, text: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${JSON.stringify(text.slice(0, 80))} in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) socket.destroy();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer.split('\r\n')[0] ?? '');
    });
    socket.on('error', () => undefined);
    socket.write(text, 'latin1');
  });
}

/** A GET of `target` with the given Host (our own by default) and extra header lines. */
export function rawGet(
  port: number,
  target: string,
  headers: string[] = [],
  host?: string,
): Promise<string> {
  const lines = [
    `GET ${target} HTTP/1.1`,
    `Host: ${host ?? `127.0.0.1:${port}`}`,
    ...headers,
    'Connection: close',
  ];
  return rawRequest(port, `${lines.join('\r\n')}\r\n\r\n`);
}
