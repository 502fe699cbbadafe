// Sync drift, one card per chain: how far the store trails the head (now and over time), how each
// RPC provider is doing and whether they disagree, the reorg log, and reconciliation of stored
// ranges against the chain, with repair where they differ.
import { visibleText } from '@contract';
import type { ChainDrift, Envelope, ProviderStatus, Reconciliation, ReorgRecord } from '@contract';
import { TableScroll } from '../components/TableScroll.tsx';
import { vigil } from '../client/index.ts';
import { useConfig } from '../stores/config.ts';
import { useDrift } from '../stores/drift.ts';
import { ErrorState, FieldError, Loading, NoChainsYet } from '../components/StateViews.tsx';
import { useRequest } from '../components/use-request.ts';
import { LagTimeStat, Stat } from '../components/Stat.tsx';
import { LagChart } from '../components/LagChart.tsx';
import { StoreHealthCard } from '../components/StoreHealthCard.tsx';
import { clockTimeWithSeconds, formatCount, rate, shortHex } from '../format.ts';

export function DriftView() {
  const { chains, loaded, error, load } = useDrift();
  const { chains: configuredChains, loaded: configLoaded } = useConfig();
  return (
    <section className="view">
      <header className="view-header">
        <h1>Sync drift</h1>
      </header>
      {error && !loaded ? (
        <ErrorState message={error} onRetry={() => void load()} />
      ) : !loaded || !configLoaded ? (
        <Loading what="sync drift" />
      ) : configuredChains.length === 0 ? (
        <NoChainsYet>
          No chains yet — add one to see how far its store trails the chain.
        </NoChainsYet>
      ) : chains.length === 0 ? (
        // A chain was just added; its first drift figures are on their way.
        <Loading what="sync drift" />
      ) : (
        <div className="drift-list">
          {chains.map((chain) => (
            <ChainDriftCard key={chain.chainId} drift={chain} />
          ))}
        </div>
      )}
      <div className="store-section">
        <StoreHealthCard />
      </div>
    </section>
  );
}

function ChainDriftCard({ drift }: { drift: ChainDrift }) {
  return (
    <article className="card drift-card" aria-label={`${visibleText(drift.name)} drift`}>
      <header className="card-header">
        <h2>{visibleText(drift.name)}</h2>
        <span className="muted">#{drift.chainId}</span>
        <span className="card-header-aside muted small">
          confirmed at {drift.confirmations} block{drift.confirmations === 1 ? '' : 's'}
        </span>
      </header>
      <dl className="stats stats-6">
        <Stat label="Head" value={formatCount(drift.headBlock)} testId="head-block" />
        <Stat
          label="Indexed through"
          value={formatCount(drift.indexedThrough)}
          testId="indexed-through"
        />
        <Stat
          label="Confirmed through"
          value={formatCount(drift.confirmedThrough)}
          testId="confirmed-through"
        />
        <Stat
          label="Lag (blocks)"
          value={formatCount(drift.lagBlocks)}
          warn={(drift.lagBlocks ?? 0) > Math.max(drift.confirmations, 5)}
          testId="lag-blocks"
          rawValue={drift.lagBlocks}
        />
        <LagTimeStat seconds={drift.lagSeconds} testId="lag-seconds" />
        <Stat label="Reorgs" value={formatCount(drift.reorgCount)} testId="reorg-count" />
      </dl>
      <h3 className="chart-title">Lag over time</h3>
      <LagChart samples={drift.history} />

      <h3>Providers</h3>
      <ProviderTable providers={drift.providers} />

      <h3>Provider disagreements</h3>
      <DisagreementTable disagreements={drift.disagreements} />

      <h3>Reorgs</h3>
      <ReorgLog drift={drift} />

      <div className="section-title">
        <h3>Reconciliation</h3>
        <RunReconciliationButton chainId={drift.chainId} />
      </div>
      <ReconciliationTable reconciliations={drift.reconciliations} />
    </article>
  );
}

const outOfRotationLabel: Record<NonNullable<ProviderStatus['outOfRotation']>, string> = {
  'wrong-chain': 'wrong chain',
  disagrees: 'disagrees',
  behind: 'far behind',
  'rate-limited': 'rate-limited',
  'backing-off': 'backing off',
};

function ProviderTable({ providers }: { providers: ProviderStatus[] }) {
  if (providers.length === 0) return <p className="muted small">No RPC status yet.</p>;
  return (
    <TableScroll label="Providers">
      <table className="table table-compact" aria-label="Providers">
        <thead>
          <tr>
            <th>URL</th>
            <th>State</th>
            <th className="numeric">Head</th>
            <th className="numeric">Latency</th>
            <th className="numeric">Requests</th>
            <th className="numeric">Errors</th>
            <th className="numeric" title="Errors per request over the last 5 minutes">
              Error rate
            </th>
          </tr>
        </thead>
        <tbody>
          {providers.map((provider) => (
            <tr key={provider.url} data-testid="provider-row" data-url={provider.url}>
              <td className="mono small provider-url">
                {provider.url}
                {provider.preferred && <span className="badge badge-accent tag">in use</span>}
              </td>
              <td>
                <div className="provider-state">
                  <span className={provider.inRotation ? 'dot dot-ok' : 'dot dot-bad'} />
                  <span>
                    {provider.outOfRotation === null
                      ? 'in rotation'
                      : `out: ${outOfRotationLabel[provider.outOfRotation]}`}
                    {provider.retryAt !== null && (
                      <span className="muted"> until {clockTimeWithSeconds(provider.retryAt)}</span>
                    )}
                    {provider.reason && <span className="reason">{provider.reason}</span>}
                  </span>
                </div>
              </td>
              <td className="numeric mono">{formatCount(provider.headBlock)}</td>
              <td className="numeric mono">
                {provider.latencyMs === null ? '—' : `${Math.round(provider.latencyMs)} ms`}
              </td>
              <td className="numeric mono">{formatCount(provider.requests)}</td>
              <td
                className="numeric mono"
                title={provider.lastError ? `Last error: ${provider.lastError}` : undefined}
              >
                {formatCount(provider.errors)}
              </td>
              <td className={`numeric mono${provider.errorRate > 0.1 ? ' warn' : ''}`}>
                {rate(provider.errorRate)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function Hash({ value }: { value: string | null }) {
  if (value === null) return <span className="muted">none</span>;
  return (
    <span className="mono small" title={value}>
      {shortHex(value, 8)}
    </span>
  );
}

const decidedByText: Record<ChainDrift['disagreements'][number]['decidedBy'], string> = {
  majority: 'majority of providers',
  store: 'hash in the store',
  'self-check': 'own-block check',
  undecided: 'undecided',
};

function DisagreementTable({ disagreements }: { disagreements: ChainDrift['disagreements'] }) {
  if (disagreements.length === 0)
    return <p className="muted small">No disagreements between providers.</p>;
  return (
    <TableScroll label="Provider disagreements">
      <table className="table table-compact" aria-label="Provider disagreements">
        <thead>
          <tr>
            <th>When</th>
            <th className="numeric">Block</th>
            <th>Answers</th>
            <th>In the store</th>
            <th>Decided by</th>
          </tr>
        </thead>
        <tbody>
          {disagreements.map((disagreement) => (
            <tr
              key={`${disagreement.at}:${disagreement.blockNumber}`}
              data-testid="disagreement-row"
            >
              <td className="nowrap">{clockTimeWithSeconds(disagreement.at)}</td>
              <td className="numeric mono">{formatCount(disagreement.blockNumber)}</td>
              <td>
                {disagreement.hashes.map((answer) => (
                  <div key={answer.url} className="answer">
                    <span className="mono small">{answer.url}</span> <Hash value={answer.hash} />
                    {disagreement.suspects.includes(answer.url) && (
                      <span className="badge badge-removed tag">wrong</span>
                    )}
                  </div>
                ))}
              </td>
              <td>
                <Hash value={disagreement.storedHash} />
              </td>
              <td className="nowrap">{decidedByText[disagreement.decidedBy]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** Blocks shown per reorg; a deep one lists its first ones and says how many more. */
const REORG_BLOCKS_SHOWN = 3;

function ReorgLog({ drift }: { drift: ChainDrift }) {
  const { reorgs, reorgsLoaded, reorgsError, loadReorgs } = useDrift();
  const forChain = reorgs.filter((reorg) => reorg.chainId === drift.chainId);
  // A push can announce a reorg before reorgs.list has been asked again.
  if (drift.lastReorg && !forChain.some((reorg) => reorg.id === drift.lastReorg!.id))
    forChain.unshift(drift.lastReorg);
  if (reorgsError && !reorgsLoaded)
    return <ErrorState message={reorgsError} onRetry={() => void loadReorgs()} />;
  if (!reorgsLoaded && forChain.length === 0) return <Loading what="the reorg log" />;
  if (forChain.length === 0) return <p className="muted small">No reorgs seen on this chain.</p>;
  return (
    <TableScroll label="Reorgs">
      <table className="table table-compact" aria-label="Reorgs">
        <thead>
          <tr>
            <th>Detected</th>
            <th className="numeric">Fork block</th>
            <th className="numeric">Depth</th>
            <th>Replaced blocks (old → new hash)</th>
            <th className="numeric">Events removed</th>
            <th className="numeric">Events added</th>
          </tr>
        </thead>
        <tbody>
          {forChain.map((reorg) => (
            <ReorgRow key={reorg.id} reorg={reorg} />
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function ReorgRow({ reorg }: { reorg: ReorgRecord }) {
  const newHashAt = new Map(reorg.newBlocks.map((block) => [block.number, block.hash]));
  const shown = reorg.oldBlocks.slice(0, REORG_BLOCKS_SHOWN);
  return (
    <tr data-testid="reorg-row">
      <td className="nowrap">{clockTimeWithSeconds(reorg.detectedAt)}</td>
      <td className="numeric mono">{formatCount(reorg.forkBlock)}</td>
      <td className="numeric mono" data-testid="reorg-depth">
        {reorg.depth}
      </td>
      <td>
        {shown.map((block) => (
          <div key={block.number} className="answer">
            <span className="mono small">#{block.number}</span> <Hash value={block.hash} />{' '}
            <span className="muted">→</span> <Hash value={newHashAt.get(block.number) ?? null} />
          </div>
        ))}
        {reorg.oldBlocks.length > shown.length && (
          <div className="muted small">
            and {reorg.oldBlocks.length - shown.length} more block(s)
          </div>
        )}
        {reorg.beyondWindow && (
          <div className="warn small">
            Deeper than the stored header window: repaired by refetching the range.
          </div>
        )}
      </td>
      <td className="numeric mono">{formatCount(reorg.eventsRemoved)}</td>
      <td className="numeric mono">{formatCount(reorg.eventsAdded)}</td>
    </tr>
  );
}

/** A reconcile.run or reconcile.repair from a button, its result shown at once. */
function useReconciliationRequest(send: () => Promise<Envelope<Reconciliation>>) {
  return useRequest(send, (result) => useDrift.getState().showReconciliation(result));
}

function RunReconciliationButton({ chainId }: { chainId: number }) {
  const { busy, error, run } = useReconciliationRequest(() =>
    vigil.call('reconcile.run', { chainId }),
  );
  return (
    <span className="inline-action">
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
      <button type="button" className="button-small" disabled={busy} onClick={() => void run()}>
        {busy ? 'Reconciling…' : 'Run reconciliation'}
      </button>
    </span>
  );
}

const statusBadge: Record<Reconciliation['status'], string> = {
  ok: 'badge-confirmed',
  repaired: 'badge-confirmed',
  mismatch: 'badge-removed',
  failed: 'badge-pending',
};

function ReconciliationTable({ reconciliations }: { reconciliations: Reconciliation[] }) {
  if (reconciliations.length === 0)
    return (
      <p className="muted small">
        No reconciliations yet. One re-fetches the stored range from the chain and compares it event
        by event.
      </p>
    );
  return (
    <TableScroll label="Reconciliations">
      <table className="table table-compact" aria-label="Reconciliations">
        <thead>
          <tr>
            <th>When</th>
            <th>Blocks</th>
            <th className="numeric">Stored</th>
            <th className="numeric">On chain</th>
            <th className="numeric">Missing</th>
            <th className="numeric">Extra</th>
            <th>Result</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {reconciliations.map((reconciliation) => (
            <ReconciliationRow key={reconciliation.id} reconciliation={reconciliation} />
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function ReconciliationRow({ reconciliation }: { reconciliation: Reconciliation }) {
  const {
    busy,
    error,
    run: repair,
  } = useReconciliationRequest(() => vigil.call('reconcile.repair', { id: reconciliation.id }));
  const differences = [...reconciliation.missing, ...reconciliation.extra];
  return (
    <tr data-testid="reconciliation-row">
      <td className="nowrap">{clockTimeWithSeconds(reconciliation.at)}</td>
      <td className="mono nowrap">
        {formatCount(reconciliation.fromBlock)}–{formatCount(reconciliation.toBlock)}
      </td>
      <td className="numeric mono">{formatCount(reconciliation.storedCount)}</td>
      <td className="numeric mono">{formatCount(reconciliation.chainCount)}</td>
      <td className="numeric mono">{formatCount(reconciliation.missing.length)}</td>
      <td className="numeric mono">{formatCount(reconciliation.extra.length)}</td>
      <td>
        <span className={`badge ${statusBadge[reconciliation.status]}`}>
          {reconciliation.status}
        </span>
        {reconciliation.error && <div className="reason">{reconciliation.error}</div>}
        {differences.length > 0 && (
          <div className="reason" title={differences.map((event) => event.blockHash).join('\n')}>
            first difference in block {formatCount(differences[0]!.blockNumber)}
          </div>
        )}
        <FieldError message={error} />
      </td>
      <td className="actions">
        {reconciliation.status === 'mismatch' && (
          <button
            type="button"
            className="button-small"
            disabled={busy}
            onClick={() => void repair()}
          >
            {busy ? 'Repairing…' : 'Repair'}
          </button>
        )}
      </td>
    </tr>
  );
}
