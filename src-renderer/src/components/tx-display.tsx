// Small pieces every transaction view shows the same way: the status badge and a one-line
// summary of the call.
import type { Chain, Transaction, WatchedContract } from '@contract';
import { argumentAmount } from '../amounts.ts';
import { argDisplay, shortHex } from '../format.ts';
import { nativeLabel } from '../units.ts';

export function TxStatusBadge({
  tx,
  conflict = false,
  threshold,
}: {
  tx: Transaction;
  conflict?: boolean;
  /** A Safe proposal's: shown as signatures of threshold. */
  threshold?: number | undefined;
}) {
  const settled = tx.safe?.settledBy?.kind;
  return (
    <>
      <span className={`badge tx-status tx-status-${tx.status}`}>
        {settled === 'superseded' || settled === 'executed-elsewhere' ? settled : tx.status}
      </span>
      {tx.safe && tx.status === 'proposed' && (
        <span className="badge" title="Owners' signatures collected">
          {tx.safe.signatures.length}
          {threshold === undefined ? '' : ` of ${threshold}`} signed
        </span>
      )}
      {conflict && (
        <span
          className="badge tx-status-stuck"
          title="Another live proposal of this Safe has the same Safe nonce: only one can execute"
        >
          nonce conflict
        </span>
      )}
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
  if (tx.executesSafeProposal !== undefined)
    return `execTransaction of Safe proposal ${tx.executesSafeProposal}`;
  if (tx.safe?.purpose === 'rejection') return `rejection at Safe nonce ${tx.safe.nonce}`;
  if (tx.safe?.batch) return `batch of ${tx.safe.batch.length} calls (MultiSendCallOnly)`;
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
