// A Vigil core in this process whose node sits behind a fault proxy in front of a test anvil: the
// set-up of tests that put a slow or misbehaving node between the watcher and the chain. Spoken to
// through the contract server, as the renderer and headless clients speak to it.
import { createVigil, type VigilCore } from '../../src-main/core/app.ts';
import type { EngineTuning } from '../../src-main/core/engine/engine.ts';
import { createContractServer, type ContractServer } from '../../src-main/ipc/server.ts';
import type { AnvilInstance } from './anvil.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { makeLogger, makeTempDir } from './temp-dir.ts';

export interface ProxiedVigil {
  proxy: FaultProxy;
  core: VigilCore;
  server: ContractServer;
  /** Closes the core and the proxy and removes the data directory (the anvil is the caller's). */
  close(): Promise<void>;
}

export async function startProxiedVigil(
  anvil: AnvilInstance,
  options: { log?: ReturnType<typeof makeLogger>; tuning?: EngineTuning } = {},
): Promise<ProxiedVigil> {
  const dataDir = makeTempDir();
  const proxy = await startFaultProxy(anvil.rpcUrl);
  const core = await createVigil({
    dataDir: dataDir.path,
    log: options.log ?? makeLogger(),
    tuning: {
      allowPrivateRpc: true,
      pollIntervalMs: 250,
      reconcileIntervalMs: 0,
      ...options.tuning,
    },
  });
  return {
    proxy,
    core,
    server: createContractServer(core),
    async close() {
      await core.close();
      await proxy.close();
      dataDir.remove();
    },
  };
}
