// A wedged server must fail a test with the method that got no answer, not with a bare timeout
// of the whole test two minutes later.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { connectRpc } from '../../helpers/serve.ts';

describe('test helper RPC calls', () => {
  let server: WebSocketServer | undefined;
  afterEach(
    () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  );

  it('name the method that got no answer', async () => {
    // Accepts the connection and every request, answers nothing.
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server!.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const rpc = await connectRpc(`ws://127.0.0.1:${port}/rpc`);
    try {
      await expect(rpc.call('audit.verify', {}, 200)).rejects.toThrow(
        'audit.verify got no answer from Vigil in 200 ms',
      );
    } finally {
      rpc.close();
    }
  });
});
