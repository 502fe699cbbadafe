// Headless mode started again and again on one data directory, as the kill -9 tests need it.
// Whatever is still running after the test file is killed, and the directory removed.
import { afterAll } from 'vitest';
import { connectRpc, startServe, type RpcClient, type ServeProcess } from './serve.ts';
import { makeTempDir } from './temp-dir.ts';

export interface ServeRestarts {
  dataDir: string;
  /** Starts headless mode on the data directory and connects to it. */
  start(options?: {
    env?: Record<string, string | undefined>;
    args?: string[];
  }): Promise<{ server: ServeProcess; rpc: RpcClient }>;
}

export function useServeRestarts(prefix?: string): ServeRestarts {
  const dir = makeTempDir(prefix);
  const running: ServeProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map((server) => server.kill('SIGKILL')));
    dir.remove();
  });
  return {
    dataDir: dir.path,
    async start(options = {}) {
      const server = await startServe({ dataDir: dir.path, ...options });
      running.push(server);
      return { server, rpc: await connectRpc(server.wsUrl) };
    },
  };
}
