// End-to-end backfill in this process: createVigil on a fresh data directory, the chain and the
// contract added through the contract server as the UI would, timed from contracts.add until
// the contract's cursor reaches the head and status.get counts every event. A push listener
// serialises every batch as headless mode does, so main pays what it pays for a real view.
import type { Abi, Address } from 'viem';
import { createVigil, type Logger } from '../../src-main/core/app.ts';
import { createContractServer, type ContractServer } from '../../src-main/ipc/server.ts';
import type { ChainStatus, WatchedContract } from '../../src-main/ipc/contract.ts';
import { startProcessMonitor, type ProcessMonitorReport } from './process-monitor.ts';
import { sleep } from './stats.ts';

export interface BackfillOptions {
  dataDir: string;
  chainId: number;
  rpcUrl: string;
  address: Address;
  abi: Abi;
  startBlock: number;
  headBlock: number;
  events: number;
  timeoutMs?: number;
}

export interface BackfillResult {
  /** contracts.add until the contract's indexedThrough reached the head. */
  seconds: number;
  eventsPerSecond: number;
  /** When status.get first agreed: totalEvents === events and indexedThrough >= head. */
  statusAgreedSeconds: number;
  totalEvents: number;
  during: ProcessMonitorReport;
  /** core.close(), which writes the final snapshot. */
  closeSeconds: number;
  closing: ProcessMonitorReport;
  statusGetMs: number;
  pushes: number;
  pushedRows: number;
  pushedMegabytes: number;
  engineMessages: string[];
}

async function call<T>(server: ContractServer, name: string, input: unknown): Promise<T> {
  const envelope = await server.handle(name, input);
  if (!envelope.ok)
    throw new Error(`${name} failed: ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

function capturingLogger(messages: string[]): Logger {
  return {
    info: (message) => void messages.push(`info: ${message}`),
    warn: (message) => void messages.push(`warn: ${message}`),
    error: (message) => void messages.push(`error: ${message}`),
  };
}

export async function measureBackfill(options: BackfillOptions): Promise<BackfillResult> {
  const engineMessages: string[] = [];
  const core = await createVigil({
    dataDir: options.dataDir,
    log: capturingLogger(engineMessages),
    // The bench's anvil is on this machine, as an operator's own node would be.
    tuning: { allowPrivateRpc: true },
  });
  const server = createContractServer(core);
  let pushes = 0;
  let pushedRows = 0;
  let pushedBytes = 0;
  const unsubscribe = server.onPush((name, payload) => {
    pushes++;
    if (name === 'events.batch') pushedRows += (payload as { rows: unknown[] }).rows.length;
    pushedBytes += JSON.stringify({ jsonrpc: '2.0', method: name, params: payload }).length;
  });

  try {
    await call(server, 'chains.add', {
      name: 'bench',
      chainId: options.chainId,
      rpcUrls: [options.rpcUrl],
    });
    const deadline = Date.now() + (options.timeoutMs ?? 240_000);
    const monitor = startProcessMonitor();
    const started = performance.now();
    const added = await call<WatchedContract>(server, 'contracts.add', {
      chainId: options.chainId,
      address: options.address,
      abi: options.abi,
      startBlock: options.startBlock,
      name: 'Emitter',
    });

    // contracts.list is cheap; status.get counts every stored row, so it is asked only at the end
    // to keep the bench from slowing the worker it measures.
    let reachedHeadAt: number | undefined;
    while (reachedHeadAt === undefined) {
      if (Date.now() > deadline)
        throw new Error(`Backfill did not reach block ${options.headBlock} in time.`);
      const contract = (await call<WatchedContract[]>(server, 'contracts.list', undefined)).find(
        (c) => c.id === added.id,
      );
      if (contract?.indexedThrough !== null && contract!.indexedThrough >= options.headBlock)
        reachedHeadAt = performance.now();
      else await sleep(100);
    }
    let status: ChainStatus | undefined;
    let statusGetMs = 0;
    for (;;) {
      const asked = performance.now();
      status = (await call<{ chains: ChainStatus[] }>(server, 'status.get', undefined)).chains.find(
        (chain) => chain.chainId === options.chainId,
      );
      statusGetMs = performance.now() - asked;
      if (
        status &&
        status.totalEvents === options.events &&
        (status.indexedThrough ?? -1) >= options.headBlock
      )
        break;
      if (Date.now() > deadline)
        throw new Error(`status.get never agreed: ${JSON.stringify(status)}`);
      await sleep(200);
    }
    const agreedAt = performance.now();
    const during = monitor.stop();

    const closeMonitor = startProcessMonitor();
    const closeStarted = performance.now();
    unsubscribe();
    const closed = await Promise.race([
      core.close().then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 60_000).unref()),
    ]);
    // The data directory stays locked until the engine has stopped; headless mode cannot follow.
    if (!closed)
      throw new Error(
        'core.close() did not finish within 60 s; the engine thread still holds the data directory.',
      );
    const closeSeconds = (performance.now() - closeStarted) / 1000;
    const closing = closeMonitor.stop();

    const seconds = (reachedHeadAt - started) / 1000;
    return {
      seconds,
      eventsPerSecond: options.events / seconds,
      statusAgreedSeconds: (agreedAt - started) / 1000,
      totalEvents: status.totalEvents,
      during,
      closeSeconds,
      closing,
      statusGetMs,
      pushes,
      pushedRows,
      pushedMegabytes: pushedBytes / 1e6,
      engineMessages,
    };
  } catch (error) {
    unsubscribe();
    await core.close().catch(() => undefined);
    throw error;
  }
}
