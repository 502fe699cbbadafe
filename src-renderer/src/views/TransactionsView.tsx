// The transaction queue: proposals awaiting approval (by signer and nonce), transactions in
// flight with live status, and history; the selected one opens in the detail pane, where it is
// approved or rejected by hand. "New transaction" composes a proposal.
import { useMemo, type KeyboardEvent } from 'react';
import { visibleText, type Transaction } from '@contract';
import { useConfig, chainName, findChain, findWatched } from '../stores/config.ts';
import { AWAITING, IN_FLIGHT, useTransactions } from '../stores/transactions.ts';
import { safeNonceConflicts } from '../safe-conflicts.ts';
import { EmptyState, Loadable } from '../components/StateViews.tsx';
import { TransactionDetail } from '../components/TransactionDetail.tsx';
import { ComposeTransaction } from '../components/ComposeTransaction.tsx';
import { SafeProposalDetail } from '../components/SafeProposalDetail.tsx';
import { findSafe, useSafes } from '../stores/safes.ts';
import { TxStatusBadge, callSummary } from '../components/tx-display.tsx';
import { nativeLabel } from '../units.ts';
import { hrefFor, navigate, useRouteParams } from '../route.ts';
import { Address } from '../components/Address.tsx';
import { shortHex } from '../format.ts';

const HISTORY_ROWS = 200;

export function TransactionsView() {
  const { byId, loaded, error, load } = useTransactions();
  const params = useRouteParams();
  const selectedId = Number(params.get('id')) || null;
  const composing = params.get('compose') === '1';
  const selected = selectedId === null ? undefined : byId.get(selectedId);

  const { awaiting, inFlight, history } = useMemo(() => {
    const all = [...byId.values()];
    return {
      // The order approvals would take nonces in: by signer, then oldest first.
      awaiting: all
        .filter((tx) => AWAITING.includes(tx.status))
        .sort((a, b) => a.from.localeCompare(b.from) || a.id - b.id),
      inFlight: all
        .filter((tx) => IN_FLIGHT.includes(tx.status))
        .sort(
          (a, b) => a.from.localeCompare(b.from) || (a.nonce ?? 0) - (b.nonce ?? 0) || a.id - b.id,
        ),
      history: all
        .filter((tx) => !AWAITING.includes(tx.status) && !IN_FLIGHT.includes(tx.status))
        .sort((a, b) => b.updatedAt - a.updatedAt)
        .slice(0, HISTORY_ROWS),
    };
  }, [byId]);

  return (
    <section className="view">
      <header className="view-header">
        <h1>Transactions</h1>
        <a className="button button-primary" href={hrefFor('transactions', { compose: 1 })}>
          New transaction
        </a>
      </header>
      <div className="tx-layout">
        <div className="tx-lists">
          <Loadable
            what="transactions"
            loaded={loaded}
            error={error}
            onRetry={() => void load()}
            empty={
              byId.size === 0 ? (
                // "New transaction" is in the header already: one button, not two.
                <EmptyState>
                  Nothing proposed yet. Proposals wait here until you approve or reject them;
                  nothing is sent without your approval.
                </EmptyState>
              ) : null
            }
          >
            <TxSection
              title="Awaiting approval"
              txs={awaiting}
              selectedId={selectedId}
              empty="Nothing awaits approval."
            />
            <TxSection
              title="In flight"
              txs={inFlight}
              selectedId={selectedId}
              empty="Nothing in flight."
            />
            <TxSection
              title="History"
              txs={history}
              selectedId={selectedId}
              empty="No history yet."
            />
          </Loadable>
        </div>
        {composing ? (
          <ComposeTransaction />
        ) : selected?.safe ? (
          <SafeProposalDetail tx={selected} />
        ) : selected ? (
          <TransactionDetail tx={selected} />
        ) : selectedId !== null && loaded ? (
          <aside className="card tx-detail">
            <p className="muted">No transaction has id {selectedId}.</p>
          </aside>
        ) : null}
      </div>
    </section>
  );
}

/** Arrow keys and j/k move focus between a list's rows; the row keeps the Tab stop it had. */
function moveBetweenRows(event: KeyboardEvent<HTMLTableSectionElement>): void {
  const row = (event.target as HTMLElement).closest('tr');
  if (!row || event.target !== row || event.altKey || event.ctrlKey || event.metaKey) return;
  const step = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 }[event.key];
  const next =
    event.key === 'Home'
      ? row.parentElement?.firstElementChild
      : event.key === 'End'
        ? row.parentElement?.lastElementChild
        : step === 1
          ? row.nextElementSibling
          : step === -1
            ? row.previousElementSibling
            : null;
  if (!(next instanceof HTMLElement)) return;
  event.preventDefault();
  row.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}

function TxSection({
  title,
  txs,
  selectedId,
  empty,
}: {
  title: string;
  txs: Transaction[];
  selectedId: number | null;
  empty: string;
}) {
  const chains = useConfig((state) => state.chains);
  const contracts = useConfig((state) => state.contracts);
  const byId = useTransactions((state) => state.byId);
  const conflicts = useMemo(() => safeNonceConflicts([...byId.values()]), [byId]);
  const { safes } = useSafes();
  return (
    <section className="card tx-section" aria-label={title}>
      <h2>
        {title} <span className="muted">({txs.length})</span>
      </h2>
      {txs.length === 0 ? (
        <p className="muted small">{empty}</p>
      ) : (
        <table className="table compact tx-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Status</th>
              <th>Chain</th>
              <th>From</th>
              <th>Call</th>
              <th>Value</th>
              <th>Nonce</th>
            </tr>
          </thead>
          <tbody onKeyDown={moveBetweenRows}>
            {txs.map((tx, index) => (
              <tr
                key={tx.id}
                className={tx.id === selectedId ? 'selected' : undefined}
                aria-selected={tx.id === selectedId}
                data-tx-id={tx.id}
                data-row-index={index}
                // One Tab stop per list: the open transaction's row, else the first.
                tabIndex={
                  tx.id === selectedId ||
                  (index === 0 && !txs.some((other) => other.id === selectedId))
                    ? 0
                    : -1
                }
                onClick={() => navigate('transactions', { id: tx.id })}
                onKeyDown={(event) => {
                  if (event.key === 'Enter' && event.target === event.currentTarget) {
                    event.preventDefault();
                    navigate('transactions', { id: tx.id });
                  }
                }}
              >
                <td>
                  <a
                    href={hrefFor('transactions', { id: tx.id })}
                    aria-label={`Open transaction ${tx.id}`}
                    tabIndex={-1}
                  >
                    {tx.id}
                  </a>
                </td>
                <td className={tx.safe ? 'tx-status-cell' : 'nowrap'}>
                  <TxStatusBadge
                    tx={tx}
                    conflict={conflicts.has(tx.id)}
                    threshold={
                      tx.safe ? findSafe(safes, tx.chainId, tx.safe.safe)?.threshold : undefined
                    }
                  />
                </td>
                <td title={chainName(chains, tx.chainId)}>{chainName(chains, tx.chainId)}</td>
                <td>
                  {tx.safe ? (
                    <span title={tx.from}>
                      Safe{' '}
                      {visibleText(findSafe(safes, tx.chainId, tx.from)?.name ?? shortHex(tx.from))}
                    </span>
                  ) : (
                    <Address address={tx.from} chainId={tx.chainId} />
                  )}
                </td>
                <td
                  className="ellipsis"
                  title={callSummary(
                    tx,
                    findWatched(contracts, tx.chainId, tx.to),
                    findChain(chains, tx.chainId),
                  )}
                >
                  {callSummary(
                    tx,
                    findWatched(contracts, tx.chainId, tx.to),
                    findChain(chains, tx.chainId),
                  )}
                </td>
                <td className="mono nowrap">
                  {tx.value === '0' ? '—' : nativeLabel(tx.value, findChain(chains, tx.chainId))}
                </td>
                <td className="mono" title={tx.safe ? 'Safe nonce' : undefined}>
                  {tx.safe ? tx.safe.nonce : (tx.nonce ?? tx.simulation?.nonce ?? '—')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
