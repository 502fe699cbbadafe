// Wires pushes into the stores once, and refetches everything on each (re)connect: pushes sent
// while the link was down are gone, so the stores start again from the server's state.
import { vigil, useConnection } from '../client/index.ts';
import { useAuditLog, useAuditStatus } from './audit.ts';
import { useAlerts } from './alerts.ts';
import { refreshAutomation } from './automation.ts';
import { useConfig } from './config.ts';
import { useDrift } from './drift.ts';
import { useEvents } from './events.ts';
import { useStatus } from './status.ts';
import { useSigners } from './signers.ts';
import { useStoreHealth } from './store-health.ts';
import { useTransactions } from './transactions.ts';
import type { WatchedContract } from '@contract';

/** Whether a contract watched before and after has another ABI now. */
function abiChanged(before: WatchedContract[], after: WatchedContract[]): boolean {
  const abis = new Map(before.map((contract) => [contract.id, JSON.stringify(contract.abi)]));
  return after.some((contract) => {
    const previous = abis.get(contract.id);
    return previous !== undefined && previous !== JSON.stringify(contract.abi);
  });
}

export function startSync(): void {
  // Main reads stored events with each contract's current ABI: rows already shown were decoded
  // with the old one (or not at all), so the window is read again. Whichever brings the new list
  // first (the push, or a view's own load after its request) is the one seen here.
  useConfig.subscribe((state, previous) => {
    if (abiChanged(previous.contracts, state.contracts)) void useEvents.getState().reload();
  });
  vigil.subscribe('config.changed', (payload) => {
    useConfig.getState().applyChange(payload);
    useStatus.getState().keepOnly(payload.chains.map((chain) => chain.chainId));
    // A new chain or contract is worth a fresh status read; the push may lag a little.
    void useStatus.getState().load();
  });
  vigil.subscribe('status.changed', (payload) => useStatus.getState().merge(payload.chains));
  vigil.subscribe('events.batch', (payload) => useEvents.getState().applyBatch(payload.rows));
  vigil.subscribe('txs.changed', (payload) => {
    useTransactions.getState().merge(payload.txs);
    // A policy's decision (and the budget it used) comes with its transaction.
    if (payload.txs.some((tx) => tx.policyDecision)) refreshAutomation();
  });
  vigil.subscribe('signers.changed', (payload) => useSigners.getState().apply(payload.signers));
  vigil.subscribe('drift.changed', (payload) => useDrift.getState().apply(payload.chains));
  vigil.subscribe('audit.appended', (payload) => {
    useAuditStatus.getState().applyAppended(payload.head, payload.count);
    void useAuditLog.getState().catchUp(payload.head.seq);
    refreshAutomation();
  });
  vigil.subscribe('alerts.changed', (payload) => useAlerts.getState().applyChange(payload));
  vigil.subscribe('store.healthChanged', (payload) => useStoreHealth.getState().apply(payload));
  vigil.subscribe('integrity.safeModeChanged', (payload) =>
    useStatus.getState().setSafeMode(payload),
  );

  let seenSession = 0;
  const refetchOnNewSession = (sessionCount: number): void => {
    if (sessionCount === seenSession) return;
    seenSession = sessionCount;
    void useConfig.getState().load();
    void useStatus.getState().load();
    void useEvents.getState().reload();
    void useSigners.getState().load();
    void useTransactions.getState().load();
    void useDrift.getState().load();
    void useAuditStatus.getState().load();
    if (useAuditLog.getState().loaded) void useAuditLog.getState().reload();
    void useAlerts.getState().load();
    void useStoreHealth.getState().load();
    refreshAutomation();
  };
  refetchOnNewSession(useConnection.getState().sessionCount);
  useConnection.subscribe((state) => refetchOnNewSession(state.sessionCount));
}
