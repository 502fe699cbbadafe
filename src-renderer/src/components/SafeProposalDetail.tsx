// One Safe proposal in full: the Safe transaction its owners sign (Safe, Safe nonce, the
// safeTxHash Vigil computed, to, value, operation, each call of a batch decoded), the simulation
// as the Safe runs it, the owners' signatures against the threshold, a conflict with another
// proposal at the same Safe nonce, and the actions: sign as a keychain owner (the same approval
// by a person as any transaction), execute from a keychain signer once enough owners signed,
// propose the rejection, or turn it down in Vigil.
import { useState } from 'react';
import { visibleText, type Transaction } from '@contract';
import { vigil } from '../client/index.ts';
import { chainName, useChain, useConfig } from '../stores/config.ts';
import { findSafe, useSafes } from '../stores/safes.ts';
import { signerLabel, useSigners } from '../stores/signers.ts';
import { useTransactions } from '../stores/transactions.ts';
import { safeNonceConflicts } from '../safe-conflicts.ts';
import { nativeLabel } from '../units.ts';
import { hrefFor, navigate } from '../route.ts';
import { DetailItem } from './DetailItem.tsx';
import { DetailPane } from './DetailPane.tsx';
import { FormError } from './StateViews.tsx';
import { CausedEvents, DecodedCall, Outcome, Simulation, Timeline } from './TransactionDetail.tsx';
import { TxStatusBadge } from './tx-display.tsx';
import { SafeSignatureExchange } from './SafeSignatureExchange.tsx';

export function SafeProposalDetail({ tx }: { tx: Transaction }) {
  const safeTx = tx.safe!;
  const chains = useConfig((state) => state.chains);
  const chain = useChain(tx.chainId);
  const { safes } = useSafes();
  const safe = findSafe(safes, tx.chainId, safeTx.safe);
  const byId = useTransactions((state) => state.byId);
  const all = [...byId.values()];
  const conflicting = safeNonceConflicts(all).has(tx.id)
    ? all.filter(
        (other) =>
          other.id !== tx.id &&
          other.safe?.safe.toLowerCase() === safeTx.safe.toLowerCase() &&
          other.safe.nonce === safeTx.nonce &&
          other.status === 'proposed',
      )
    : [];
  const open = tx.status === 'proposed' && safeTx.settledBy === null;
  return (
    <DetailPane
      label={`Safe proposal ${tx.id}`}
      title={`Safe proposal ${tx.id}`}
      aside={
        <TxStatusBadge tx={tx} conflict={conflicting.length > 0} threshold={safe?.threshold} />
      }
      onClose={() => navigate('transactions')}
      itemKey={tx.id}
      className="tx-detail"
    >
      <p className="muted small">
        Proposed by {tx.source}
        {tx.note ? ` — ${visibleText(tx.note)}` : ''}
      </p>
      {conflicting.length > 0 && (
        <p className="warn small" role="status" aria-label="Safe nonce conflict">
          Conflict: {conflicting.map((other) => `proposal ${other.id}`).join(', ')} also{' '}
          {conflicting.length === 1 ? 'has' : 'have'} Safe nonce {safeTx.nonce}. Only one can
          execute; executing one supersedes the others.
        </p>
      )}
      <h3>What owners sign</h3>
      <dl className="detail-list" aria-label="Safe transaction">
        <DetailItem label="Chain" value={`${chainName(chains, tx.chainId)} (#${tx.chainId})`} />
        <DetailItem
          label="Safe"
          value={safe ? `${visibleText(safe.name)} — ${safeTx.safe}` : safeTx.safe}
          copy={safeTx.safe}
          mono
          explorer={{ chainId: tx.chainId, kind: 'address', value: safeTx.safe }}
        />
        <DetailItem label="Safe nonce" value={safeTx.nonce} />
        <DetailItem
          label="Safe transaction hash"
          value={safeTx.safeTxHash}
          copy={safeTx.safeTxHash}
          mono
        />
        <DetailItem
          label="To"
          value={
            tx.call.targetName ? `${visibleText(tx.call.targetName)} — ${safeTx.to}` : safeTx.to
          }
          copy={safeTx.to}
          mono
        />
        <DetailItem
          label="Value"
          value={`${nativeLabel(safeTx.value, chain)} (${safeTx.value} wei)`}
        />
        <DetailItem
          label="Operation"
          value={
            safeTx.operation === 1
              ? 'DELEGATECALL to MultiSendCallOnly (a batch)'
              : safeTx.purpose === 'rejection'
                ? 'CALL — the rejection: a zero-value call from the Safe to itself'
                : 'CALL'
          }
        />
      </dl>
      {safeTx.batch ? (
        <Batch tx={tx} />
      ) : safeTx.purpose === 'rejection' ? (
        <section aria-label="Decoded call">
          <h3>Call</h3>
          <p className="small">
            None: the Safe calls itself with no value and no data. Executed, it only uses up Safe
            nonce {safeTx.nonce}, so no other proposal at that nonce can execute.
          </p>
        </section>
      ) : (
        <DecodedCall tx={tx} />
      )}
      <Simulation tx={tx} />
      <Signatures tx={tx} owners={safe?.owners ?? []} threshold={safe?.threshold ?? null} />
      <SafeSignatureExchange tx={tx} />
      {open && <SafeActions tx={tx} owners={safe?.owners ?? []} ready={ready(tx, safe)} />}
      {safeTx.settledBy && (
        <p className="small" role="status" aria-label="Settled">
          {safeTx.settledBy.kind === 'superseded'
            ? `Superseded: Safe nonce ${safeTx.nonce} was used by ${safeTx.settledBy.proposalId ? `proposal ${safeTx.settledBy.proposalId}` : 'another transaction'}.`
            : safeTx.settledBy.kind === 'execution-failed'
              ? 'Its execution failed.'
              : `Executed${safeTx.settledBy.kind === 'executed-elsewhere' ? ' outside Vigil' : ''}.`}
          {safeTx.settledBy.txHash ? ` Transaction ${safeTx.settledBy.txHash}.` : ''}
        </p>
      )}
      {safeTx.executionTxId !== null && (
        <p className="small">
          Execution:{' '}
          <a href={hrefFor('transactions', { id: safeTx.executionTxId })}>
            transaction {safeTx.executionTxId}
          </a>
        </p>
      )}
      <Outcome tx={tx} />
      <CausedEvents tx={tx} />
      <Timeline tx={tx} />
    </DetailPane>
  );
}

function ready(
  tx: Transaction,
  safe: { owners: string[]; threshold: number } | undefined,
): boolean {
  if (!safe) return false;
  const owners = new Set(safe.owners.map((owner) => owner.toLowerCase()));
  return (
    tx.safe!.signatures.filter((signature) => owners.has(signature.owner)).length >= safe.threshold
  );
}

function Batch({ tx }: { tx: Transaction }) {
  const chain = useChain(tx.chainId);
  return (
    <section aria-label="Batched calls">
      <h3>Calls ({tx.safe!.batch!.length}, through MultiSendCallOnly)</h3>
      <ol className="plain-list">
        {tx.safe!.batch!.map((call, index) => (
          <li key={index} className="small">
            <span className="mono">
              {call.call.signature ?? (call.data === '0x' ? 'transfer' : call.call.selector)}
            </span>{' '}
            to <span className="mono">{call.call.targetName ?? call.to}</span>
            {call.value !== '0' ? `, value ${nativeLabel(call.value, chain)}` : ''}
            {call.call.args && (
              <span className="mono muted">
                {' '}
                (
                {Object.entries(call.call.args)
                  .map(([name, value]) => `${name}: ${String(value)}`)
                  .join(', ')}
                )
              </span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Signatures({
  tx,
  owners,
  threshold,
}: {
  tx: Transaction;
  owners: string[];
  threshold: number | null;
}) {
  const signers = useSigners((state) => state.signers);
  const signed = new Map(tx.safe!.signatures.map((signature) => [signature.owner, signature]));
  const counted = owners.filter((owner) => signed.has(owner.toLowerCase())).length;
  return (
    <section aria-label="Signatures">
      <h3>
        Signatures{' '}
        <span className="muted" aria-label="Signatures of threshold">
          ({counted} of {threshold ?? '?'})
        </span>
      </h3>
      <ul className="plain-list">
        {owners.map((owner) => {
          const signature = signed.get(owner.toLowerCase());
          const label = signerLabel(signers, owner);
          return (
            <li key={owner} className="small">
              <span className={signature ? 'sim-ok' : 'muted'}>
                {signature ? '✓ signed' : '… not yet'}
              </span>{' '}
              <span className="mono">{owner}</span>
              {label ? ` (${visibleText(label)}, in this keychain)` : ''}
              {signature ? <span className="muted"> — {signature.source}</span> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function SafeActions({ tx, owners, ready }: { tx: Transaction; owners: string[]; ready: boolean }) {
  const signers = useSigners((state) => state.signers);
  const signedBy = new Set(tx.safe!.signatures.map((signature) => signature.owner));
  const ownersHere = signers.filter(
    (signer) =>
      owners.some((owner) => owner.toLowerCase() === signer.address.toLowerCase()) &&
      !signedBy.has(signer.address.toLowerCase()),
  );
  const [signer, setSigner] = useState('');
  const [executor, setExecutor] = useState('');
  const [override, setOverride] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // An owner chosen before who has signed since is no longer offered: the next one is.
  const chosenSigner = ownersHere.some((owner) => owner.address === signer)
    ? signer
    : (ownersHere[0]?.address ?? '');
  // Whoever executes pays the gas: by default the signer with the most on this chain.
  const balanceOn = (address: string): bigint =>
    BigInt(
      signers
        .find((candidate) => candidate.address === address)
        ?.balances.find((entry) => entry.chainId === tx.chainId)?.balance ?? '0',
    );
  const richest = [...signers].sort((a, b) =>
    balanceOn(b.address) > balanceOn(a.address) ? 1 : -1,
  )[0];
  const chosenExecutor = executor || richest?.address || '';
  const reverts = tx.simulation !== null && !tx.simulation.success;

  const run = async (work: () => Promise<{ ok: boolean; error?: { message: string } }>) => {
    setBusy(true);
    const result = await work();
    setBusy(false);
    setError(result.ok ? null : (result.error?.message ?? 'failed'));
    return result;
  };
  const sign = () =>
    run(() =>
      vigil.call('txs.approve', {
        id: tx.id,
        signer: chosenSigner,
        ...(tx.simulation ? { seenSimulation: tx.simulation.id } : {}),
        ...(reverts && override ? { overrideRevert: true } : {}),
      }),
    );
  const execute = async () => {
    setBusy(true);
    const result = await vigil.call('txs.executeSafe', { id: tx.id, executor: chosenExecutor });
    setBusy(false);
    if (!result.ok) setError(result.error.message);
    else navigate('transactions', { id: result.value.id });
  };
  const proposeRejection = async () => {
    setBusy(true);
    const result = await vigil.call('txs.proposeSafeRejection', { id: tx.id });
    setBusy(false);
    if (!result.ok) setError(result.error.message);
    else navigate('transactions', { id: result.value.id });
  };

  return (
    <section className="approval" aria-label="Safe actions">
      {ownersHere.length > 0 ? (
        <div className="form-row">
          <label htmlFor={`safe-signer-${tx.id}`} className="small">
            Sign as
          </label>
          <select
            id={`safe-signer-${tx.id}`}
            value={chosenSigner}
            onChange={(event) => setSigner(event.target.value)}
          >
            {ownersHere.map((owner) => (
              <option key={owner.address} value={owner.address}>
                {visibleText(owner.label)} — {owner.address}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button-primary"
            data-shortcut="approve"
            disabled={busy || !tx.simulation || (reverts && !override)}
            onClick={() => void sign()}
          >
            {busy ? 'Signing…' : 'Approve and sign'}
          </button>
        </div>
      ) : (
        <p className="small muted">
          No owner of this Safe in this keychain has still to sign: the other owners sign in their
          own wallet or Vigil.
        </p>
      )}
      {reverts && (
        <label className="checkbox warn">
          <input
            type="checkbox"
            checked={override}
            onChange={(event) => setOverride(event.target.checked)}
          />
          Sign although the simulation reverts
        </label>
      )}
      {ready && (
        <div className="form-row">
          <label htmlFor={`safe-executor-${tx.id}`} className="small">
            Execute from
          </label>
          <select
            id={`safe-executor-${tx.id}`}
            value={chosenExecutor}
            onChange={(event) => setExecutor(event.target.value)}
          >
            {signers.map((candidate) => (
              <option key={candidate.address} value={candidate.address}>
                {visibleText(candidate.label)} — {candidate.address}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button-primary"
            disabled={busy}
            onClick={() => void execute()}
          >
            Execute…
          </button>
        </div>
      )}
      <div className="form-row">
        {tx.safe!.purpose !== 'rejection' && (
          <button type="button" disabled={busy} onClick={() => void proposeRejection()}>
            Propose rejection…
          </button>
        )}
      </div>
      <FormError message={error} />
    </section>
  );
}
