// Small pieces every transaction view shows the same way: the status badge and a one-line
// summary of the call.
import type { Chain, Transaction, WatchedContract } from '@contract';
import { argumentAmount } from '../amounts.ts';
import { argDisplay, shortHex } from '../format.ts';
import { nativeLabel } from '../units.ts';

export function TxStatusBadge({ tx }: { tx: Transaction }) {
  return (
    <>
      <span className={`badge tx-status tx-status-${tx.status}`}>{tx.status}</span>
      {tx.stuck && tx.status === 'sent' && (
        <span className="badge tx-status-stuck" title="Sent, and not mined for a long time">
          stuck
        </span>
      )}
    </>
  );
}

/**
 * "DemoToken.transfer(to: 0xdead…, value: 40 DEMO)", "send 1.5 ETH", "call 0xa9059cbb on 0x…".
 * With the target's watched contract, its token's amounts read with the symbol.
 */
export function callSummary(
  tx: Transaction,
  target: WatchedContract | undefined,
  chain: Chain | undefined,
): string {
  const targetLabel = tx.call.targetName ?? shortHex(tx.to);
  if (tx.kind === 'cancel') return `cancel of tx ${tx.replacesId}`;
  const prefix = tx.kind === 'speedUp' ? `speed-up of tx ${tx.replacesId}: ` : '';
  if (tx.call.kind === 'transfer')
    return `${prefix}send ${nativeLabel(tx.value, chain)} to ${targetLabel}`;
  if (tx.call.kind === 'function') {
    const item = { type: 'function' as const, name: tx.call.functionName };
    const args = Object.entries(tx.call.args ?? {})
      .map(
        ([name, value]) =>
          `${name}: ${argumentAmount(target, item, name, value)?.text ?? shortHex(argDisplay(value), 8)}`,
      )
      .join(', ');
    return `${prefix}${targetLabel}.${tx.call.functionName}(${args})`;
  }
  return `${prefix}call ${tx.call.selector ?? 'with data'} on ${targetLabel}`;
}
