// Small pieces every transaction view shows the same way: the status badge and a one-line
// summary of the call.
import type { Transaction } from '@contract';
import { argDisplay, shortHex } from '../format.ts';
import { etherLabel } from '../units.ts';

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

/** "DemoToken.transfer(to: 0xdead…, value: 40)", "send 1.5 ETH", "call 0xa9059cbb on 0x…". */
export function callSummary(tx: Transaction): string {
  const target = tx.call.targetName ?? shortHex(tx.to);
  if (tx.kind === 'cancel') return `cancel of tx ${tx.replacesId}`;
  const prefix = tx.kind === 'speedUp' ? `speed-up of tx ${tx.replacesId}: ` : '';
  if (tx.call.kind === 'transfer') return `${prefix}send ${etherLabel(tx.value)} to ${target}`;
  if (tx.call.kind === 'function') {
    const args = Object.entries(tx.call.args ?? {})
      .map(([name, value]) => `${name}: ${shortHex(argDisplay(value), 8)}`)
      .join(', ');
    return `${prefix}${target}.${tx.call.functionName}(${args})`;
  }
  return `${prefix}call ${tx.call.selector ?? 'with data'} on ${target}`;
}
