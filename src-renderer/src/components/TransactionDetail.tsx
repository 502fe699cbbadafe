// One transaction in full. For a proposal this is the approval screen: exactly what will be
// signed (chain, from, to, value, decoded call, nonce, gas limit, fee caps), the simulation,
// and Approve / Reject. Approval sends only the id and the simulation the operator looked at;
// main signs its own stored copy.
import { useEffect, useRef, useState } from 'react';
import {
  visibleText,
  type Approver,
  type EventRow,
  type FeePlan,
  type Transaction,
} from '@contract';
import { callOrThrow, vigil } from '../client/index.ts';
import { chainName, useConfig } from '../stores/config.ts';
import { signerLabel, useSigners } from '../stores/signers.ts';
import { argDisplay, formatCount } from '../format.ts';
import { nativeLabel, weiToGwei } from '../units.ts';
import { hrefFor, navigate } from '../route.ts';
import { ArgList, DetailItem } from './DetailItem.tsx';
import { argumentAmount } from '../amounts.ts';
import { useChain, useWatchedContract } from '../stores/config.ts';
import { DecisionWhy } from './DecisionsPanel.tsx';
import { DetailPane } from './DetailPane.tsx';
import { Time } from './Time.tsx';
import { FormError } from './StateViews.tsx';
import { TxStatusBadge } from './tx-display.tsx';
import { useRequest } from './use-request.ts';

export function TransactionDetail({ tx }: { tx: Transaction }) {
  const chains = useConfig((state) => state.chains);
  const signers = useSigners((state) => state.signers);
  const plan = tx.status === 'proposed' ? tx.simulation : null;
  const nonce = tx.nonce ?? plan?.nonce ?? null;
  const gasLimit = tx.gasLimit ?? plan?.gasLimit ?? null;
  const fees = tx.fees ?? plan?.fees ?? null;
  const from = signerLabel(signers, tx.from);
  const chain = useChain(tx.chainId);
  return (
    <DetailPane
      label={`Transaction ${tx.id}`}
      title={`Transaction ${tx.id}`}
      aside={<TxStatusBadge tx={tx} />}
      onClose={() => navigate('transactions')}
      itemKey={tx.id}
      className="tx-detail"
    >
      <p className="muted small">
        Proposed by {tx.source}
        {tx.note ? ` — ${visibleText(tx.note)}` : ''}
      </p>
      {tx.executeUnder !== undefined && <PolicyDecisionSection tx={tx} />}
      {tx.executesSafeProposal !== undefined && (
        <p className="small">
          Executes{' '}
          <a href={hrefFor('transactions', { id: tx.executesSafeProposal })}>
            Safe proposal {tx.executesSafeProposal}
          </a>{' '}
          (execTransaction with its owners&apos; signatures).
        </p>
      )}

      <h3>{tx.status === 'proposed' ? 'What approving signs' : 'What was signed'}</h3>
      <dl className="detail-list" aria-label="What will be signed">
        <DetailItem label="Chain" value={`${chainName(chains, tx.chainId)} (#${tx.chainId})`} />
        <DetailItem
          label="From"
          value={from ? `${from} — ${tx.from}` : tx.from}
          copy={tx.from}
          mono
          explorer={{ chainId: tx.chainId, kind: 'address', value: tx.from }}
        />
        <DetailItem
          label="To"
          value={tx.call.targetName ? `${visibleText(tx.call.targetName)} — ${tx.to}` : tx.to}
          copy={tx.to}
          mono
          explorer={{ chainId: tx.chainId, kind: 'address', value: tx.to }}
        />
        <DetailItem
          label="Value"
          value={`${nativeLabel(tx.value, chain)} (${tx.value} wei)`}
          copy={tx.value}
        />
        <DetailItem label="Nonce" value={nonce === null ? 'not yet known' : String(nonce)} />
        <DetailItem
          label="Gas limit"
          value={gasLimit === null ? 'not yet known' : formatCount(Number(gasLimit))}
        />
        <DetailItem label="Fee caps" value={fees ? feeText(fees) : 'not yet known'} />
        {plan && (
          <DetailItem
            label="Most it can cost"
            value={`${nativeLabel(plan.maxTotalCost, chain)} (${plan.maxTotalCost} wei)`}
          />
        )}
      </dl>
      <DecodedCall tx={tx} />
      <Simulation tx={tx} />
      {tx.status === 'proposed' && <ApprovalActions tx={tx} />}
      {(tx.status === 'sent' || tx.status === 'signed') && <ReplaceActions tx={tx} />}
      <Outcome tx={tx} />
      <CausedEvents tx={tx} />
      <Timeline tx={tx} />
    </DetailPane>
  );
}

function feeText(fees: FeePlan): string {
  return fees.type === 'eip1559'
    ? `max ${weiToGwei(fees.maxFeePerGas)} gwei, priority ${weiToGwei(fees.maxPriorityFeePerGas)} gwei`
    : `gas price ${weiToGwei(fees.gasPrice)} gwei (legacy)`;
}

export function DecodedCall({ tx }: { tx: Transaction }) {
  const { call } = tx;
  const target = useWatchedContract(tx.chainId, tx.to);
  return (
    <section aria-label="Decoded call">
      <h3>Call</h3>
      {call.kind === 'transfer' ? (
        <p className="small">
          A plain transfer of the native currency; no contract code is called.
        </p>
      ) : call.kind === 'function' ? (
        <>
          <p className="mono small signature">{call.signature}</p>
          <ArgList
            args={call.args ?? {}}
            amountOf={(name, value) =>
              argumentAmount(target, { type: 'function', name: call.functionName }, name, value)
            }
          />
        </>
      ) : (
        <p className="small warn">
          Calldata Vigil cannot decode (selector {call.selector ?? 'none'}): the target is not a
          watched contract or its ABI has no such function. Check it elsewhere before approving.
        </p>
      )}
      <details className="raw-data">
        <summary className="small muted">Raw calldata ({(tx.data.length - 2) / 2} bytes)</summary>
        <pre className="mono small break">{tx.data}</pre>
      </details>
    </section>
  );
}

export function Simulation({ tx }: { tx: Transaction }) {
  const chain = useChain(tx.chainId);
  const simulation = tx.simulation;
  const { busy, error, run: again } = useRequest(() => vigil.call('txs.simulate', { id: tx.id }));
  return (
    <section aria-label="Simulation">
      <div className="section-title">
        <h3>Simulation</h3>
        {tx.status === 'proposed' && (
          <button
            type="button"
            className="button-small"
            disabled={busy}
            onClick={() => void again()}
          >
            {busy ? 'Simulating…' : 'Simulate again'}
          </button>
        )}
      </div>
      {!simulation ? (
        <p className="warn small">
          Not simulated yet{tx.timeline.at(-1)?.note ? `: ${tx.timeline.at(-1)!.note}` : '.'}
        </p>
      ) : (
        <>
          <p className={simulation.success ? 'sim-ok' : 'sim-revert'} role="status">
            {simulation.success ? 'Succeeds' : `Reverts: ${simulation.revertReason}`}
            <span className="muted small">
              {' '}
              at block {formatCount(simulation.blockNumber)}, <Time ms={simulation.at} relative />
            </span>
          </p>
          <dl className="detail-list">
            <DetailItem label="Gas estimate" value={simulation.gasEstimate ?? '—'} />
            <DetailItem
              label={tx.safe ? 'Safe balance' : 'Signer balance'}
              value={`${nativeLabel(simulation.balance, chain)} (${simulation.balance} wei)`}
            />
            {simulation.baseFeePerGas && (
              <DetailItem label="Base fee" value={`${weiToGwei(simulation.baseFeePerGas)} gwei`} />
            )}
          </dl>
        </>
      )}
      <FormError message={error} />
    </section>
  );
}

function ApprovalActions({ tx }: { tx: Transaction }) {
  const [override, setOverride] = useState(false);
  const [reason, setReason] = useState('');
  const [rejecting, setRejecting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [enrolled, setEnrolled] = useState<Approver[]>([]);
  // The transaction says how many it needs once one approved; before that, its signer does.
  const signerRequires = useSigners(
    (state) =>
      state.signers.find((signer) => signer.address.toLowerCase() === tx.from.toLowerCase())
        ?.approvalsRequired,
  );
  const required = tx.approvalsRequired ?? signerRequires ?? 1;
  const severalNeeded = required > 1;
  useEffect(() => {
    if (!severalNeeded) return;
    let current = true;
    void vigil.call('approvers.list', {}).then((result) => {
      if (current && result.ok) setEnrolled(result.value.approvers);
    });
    return () => {
      current = false;
    };
  }, [severalNeeded, tx.approvals?.length]);
  const reverts = tx.simulation !== null && !tx.simulation.success;
  const rejectRef = useRef<HTMLButtonElement>(null);
  const stopRejecting = (): void => {
    setRejecting(false);
    requestAnimationFrame(() => rejectRef.current?.focus());
  };

  const approve = async (): Promise<void> => {
    if (!tx.simulation) return;
    setBusy(true);
    const result = await vigil.call('txs.approve', {
      id: tx.id,
      seenSimulation: tx.simulation.id,
      ...(reverts && override ? { overrideRevert: true } : {}),
    });
    setBusy(false);
    setError(result.ok ? null : result.error.message);
  };
  const reject = async (): Promise<void> => {
    if (!reason.trim()) {
      setError('Say why you reject it: the reason goes into the audit log.');
      return;
    }
    setBusy(true);
    const result = await vigil.call('txs.reject', { id: tx.id, reason });
    setBusy(false);
    setError(result.ok ? null : result.error.message);
  };

  const approvals = tx.approvals ?? [];
  const missing = Math.max(0, required - approvals.length);
  // Who could still approve: every enrolled approver who has not yet.
  const awaited = enrolled.filter(
    (approver) => !approvals.some((approval) => approval.credentialId === approver.credentialId),
  );
  return (
    <section className="approval" aria-label="Approval">
      {required > 1 && (
        <p className="small" role="status" aria-label="Approvals so far">
          {approvals.length > 0
            ? `Approved by ${approvals.map((approval) => visibleText(approval.name)).join(', ')}`
            : 'No approvals yet'}{' '}
          ({approvals.length} of {required});{' '}
          <span aria-label="Awaiting">
            awaiting {missing} more
            {awaited.length > 0
              ? ` from ${awaited.map((approver) => visibleText(approver.name)).join(', ')}`
              : ''}
            .
          </span>
        </p>
      )}
      {reverts && (
        <label className="checkbox warn">
          <input
            type="checkbox"
            checked={override}
            onChange={(event) => setOverride(event.target.checked)}
          />
          Send it although the simulation reverts (it will fail on chain and still cost gas)
        </label>
      )}
      {rejecting ? (
        <div
          className="form"
          onKeyDown={(event) => {
            // Escape closes the Reject form only, not the pane around it.
            if (event.key !== 'Escape') return;
            event.preventDefault();
            stopRejecting();
          }}
        >
          <label htmlFor={`reject-${tx.id}`}>Reason for rejecting</label>
          <textarea
            id={`reject-${tx.id}`}
            // Focus moves into the form that just opened.
            autoFocus
            rows={2}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
          <div className="form-row">
            <button
              type="button"
              className="button-danger"
              disabled={busy}
              onClick={() => void reject()}
            >
              Reject transaction
            </button>
            <button type="button" onClick={stopRejecting}>
              Back
            </button>
          </div>
        </div>
      ) : (
        <div className="form-row">
          <button
            type="button"
            className="button-primary"
            data-shortcut="approve"
            disabled={busy || !tx.simulation || (reverts && !override)}
            onClick={() => void approve()}
          >
            {busy ? 'Approving…' : 'Approve and send'}
          </button>
          <button type="button" ref={rejectRef} disabled={busy} onClick={() => setRejecting(true)}>
            Reject…
          </button>
        </div>
      )}
      <FormError message={error} />
    </section>
  );
}

function ReplaceActions({ tx }: { tx: Transaction }) {
  const [error, setError] = useState<string | null>(null);
  const propose = async (name: 'txs.speedUp' | 'txs.cancel'): Promise<void> => {
    const result = await vigil.call(name, { id: tx.id });
    if (!result.ok) setError(result.error.message);
    else navigate('transactions', { id: result.value.id });
  };
  return (
    <section aria-label="Replace">
      <p className="small muted">
        Not mined yet. A speed-up or a cancel is a new proposal with the same nonce and higher fees;
        it needs your approval too.
      </p>
      <div className="form-row">
        <button type="button" onClick={() => void propose('txs.speedUp')}>
          Speed up…
        </button>
        <button
          type="button"
          className="button-danger-quiet"
          onClick={() => void propose('txs.cancel')}
        >
          Cancel…
        </button>
      </div>
      <FormError message={error} />
    </section>
  );
}

/** A proposal a rule or schedule asked a policy to approve: what the policy decided, and why. */
function PolicyDecisionSection({ tx }: { tx: Transaction }) {
  const chain = useChain(tx.chainId);
  const decision = tx.policyDecision;
  return (
    <section aria-label="Policy decision">
      <h3>Policy</h3>
      <p className="small">
        Executed under policy{' '}
        <a href={hrefFor('automation')}>{visibleText(tx.executeUnder ?? '')}</a>:{' '}
        {decision === undefined
          ? 'not decided yet (it is decided once simulated).'
          : decision.approved
            ? 'approved by it, within every limit.'
            : 'left for a person — approving it is yours.'}
      </p>
      {decision && (
        <div className="small">
          <DecisionWhy decision={decision} chain={chain} />
        </div>
      )}
    </section>
  );
}

export function Outcome({ tx }: { tx: Transaction }) {
  if (!tx.hash && !tx.rejectReason && !tx.failureReason) return null;
  return (
    <section aria-label="Outcome">
      <h3>Outcome</h3>
      <dl className="detail-list">
        {tx.hash && (
          <DetailItem
            label="Hash"
            value={tx.hash}
            copy={tx.hash}
            mono
            explorer={{ chainId: tx.chainId, kind: 'tx', value: tx.hash }}
          />
        )}
        {tx.status !== 'proposed' && (tx.approvals?.length ?? 0) > 0 && (
          <DetailItem
            label="Approved by"
            value={tx.approvals!.map((approval) => visibleText(approval.name)).join(', ')}
          />
        )}
        {tx.receipt && (
          <>
            <DetailItem
              label="Block"
              value={formatCount(tx.receipt.blockNumber)}
              copy={String(tx.receipt.blockNumber)}
            />
            <DetailItem label="Gas used" value={formatCount(Number(tx.receipt.gasUsed))} />
            <DetailItem label="Confirmations" value={String(tx.confirmations)} />
          </>
        )}
        {tx.rejectReason && (
          <DetailItem label="Rejected because" value={visibleText(tx.rejectReason)} />
        )}
        {tx.failureReason && (
          <DetailItem label="Failed because" value={visibleText(tx.failureReason)} />
        )}
      </dl>
    </section>
  );
}

export function CausedEvents({ tx }: { tx: Transaction }) {
  const [events, setEvents] = useState<EventRow[] | null>(null);
  const hash = tx.receipt ? tx.hash : null;
  const block = tx.receipt?.blockNumber;
  useEffect(() => {
    if (!hash || block === undefined) return;
    let current = true;
    // The block narrows the search to a handful of rows (the receipt says which block).
    void callOrThrow('events.query', {
      chainId: tx.chainId,
      transactionHash: hash,
      fromBlock: block,
      toBlock: block,
    }).then(
      (page) => current && setEvents(page.rows),
      () => current && setEvents([]),
    );
    return () => {
      current = false;
    };
  }, [hash, block, tx.chainId, tx.status]);
  if (!hash) return null;
  return (
    <section aria-label="Events it caused">
      <h3>Events it caused</h3>
      {events === null ? (
        <p className="muted small">Loading…</p>
      ) : events.length === 0 ? (
        <p className="muted small">No events of watched contracts (yet).</p>
      ) : (
        <ul className="plain-list">
          {events.map((row) => (
            <li key={`${row.blockHash}:${row.logIndex}`}>
              <a href={hrefFor('events')} className="event-name">
                {row.eventName ?? 'undecoded log'}
              </a>{' '}
              <span className="small mono">
                {Object.entries(row.args ?? {})
                  .map(([name, value]) => `${name}=${argDisplay(value)}`)
                  .join(' ')}
              </span>{' '}
              <span className={`badge badge-${row.status}`}>{row.status}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function Timeline({ tx }: { tx: Transaction }) {
  return (
    <section aria-label="Timeline">
      <h3>Timeline</h3>
      <ol className="timeline">
        {tx.timeline.map((entry, index) => (
          <li key={index}>
            <span className="mono small muted">
              <Time ms={entry.at} />
            </span>{' '}
            <strong>{entry.status}</strong>
            {entry.note && <span className="small"> — {visibleText(entry.note)}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
