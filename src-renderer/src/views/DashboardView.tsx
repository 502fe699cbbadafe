// One card per chain: how far the local store is behind the head (in blocks and, from the drift
// push, in time), reorgs and provider trouble, backfill progress, RPC health and the event rate.
import { visibleText } from '@contract';
import type { ChainStatus } from '@contract';
import { useConfig } from '../stores/config.ts';
import { useChainDrift } from '../stores/drift.ts';
import { useStatus } from '../stores/status.ts';
import { ErrorState, Loading, NoChainsYet } from '../components/StateViews.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { LagTimeStat, Stat } from '../components/Stat.tsx';
import { EventsPerMinuteChart } from '../components/EventsPerMinuteChart.tsx';
import { StoreHealthCard } from '../components/StoreHealthCard.tsx';
import { clockTimeWithSeconds, formatCount, percent } from '../format.ts';
import { hrefFor } from '../route.ts';

export function DashboardView() {
  const {
    chains: configuredChains,
    loaded: configLoaded,
    error: configError,
    load: loadConfig,
  } = useConfig();
  const { chains, loaded: statusLoaded, error: statusError, load: loadStatus } = useStatus();
  const error = (!configLoaded && configError) || (!statusLoaded && statusError) || null;
  const retry = (): void => {
    void loadConfig();
    void loadStatus();
  };
  return (
    <section className="view">
      <header className="view-header">
        <h1>Dashboard</h1>
      </header>
      {error ? (
        <ErrorState message={error} onRetry={retry} />
      ) : !statusLoaded || !configLoaded ? (
        <Loading what="chain status" />
      ) : configuredChains.length === 0 ? (
        <NoChainsYet>No chains yet — add one to start watching.</NoChainsYet>
      ) : (
        <div className="card-grid">
          {chains.map((chain) => (
            <ChainCard key={chain.chainId} status={chain} />
          ))}
        </div>
      )}
      <div className="store-section">
        <StoreHealthCard />
      </div>
    </section>
  );
}

function ChainCard({ status }: { status: ChainStatus }) {
  const { backfill } = status;
  return (
    <article className="card chain-card" aria-label={`${visibleText(status.name)} status`}>
      <header className="card-header">
        <h2>{visibleText(status.name)}</h2>
        <span className="muted">#{status.chainId}</span>
        <span className={`phase phase-${status.phase}`}>{status.phase}</span>
      </header>
      <dl className="stats">
        <Stat label="Head" value={formatCount(status.headBlock)} />
        <Stat label="Indexed through" value={formatCount(status.indexedThrough)} />
        <Stat
          label="Lag"
          value={status.lag === null ? '—' : `${formatCount(status.lag)} blocks`}
          warn={(status.lag ?? 0) > 50}
        />
        <Stat label="Events" value={formatCount(status.totalEvents)} testId="total-events" />
      </dl>
      <DriftStats chainId={status.chainId} />
      <ProgressBar
        label={`Backfill ${percent(backfill.progress)}`}
        fraction={backfill.progress}
        detail={`${formatCount(backfill.doneBlocks)} / ${formatCount(backfill.totalBlocks)} blocks`}
      />
      <RpcHealthDots status={status} />
      {status.lastError && (
        <p className="card-error" role="alert">
          {status.lastError}
        </p>
      )}
      <h3 className="chart-title">Events per minute</h3>
      <EventsPerMinuteChart buckets={status.eventsPerMinute} />
    </article>
  );
}

function RpcHealthDots({ status }: { status: ChainStatus }) {
  if (status.rpc.length === 0) return <p className="muted">No RPC status yet.</p>;
  return (
    <ul className="rpc-list" aria-label="RPC health">
      {status.rpc.map((rpc) => {
        const describe = rpc.healthy
          ? `healthy${rpc.latencyMs === null ? '' : `, ${Math.round(rpc.latencyMs)} ms`}`
          : `out of rotation${rpc.lastError ? `: ${rpc.lastError}` : ''}`;
        return (
          <li key={rpc.url} title={`${rpc.url} — ${describe} (${rpc.errorCount} errors)`}>
            <span className={rpc.healthy ? 'dot dot-ok' : 'dot dot-bad'} aria-hidden="true" />
            <span className="rpc-url">{rpc.url}</span>
            {rpc.healthy ? (
              <span className="muted">
                {rpc.latencyMs === null ? 'ok' : `${Math.round(rpc.latencyMs)} ms`}
              </span>
            ) : (
              <span className="warn rpc-reason">{rpc.lastError ?? 'out of rotation'}</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** Lag in time, reorgs and provider trouble, kept live by the drift push. */
function DriftStats({ chainId }: { chainId: number }) {
  const drift = useChainDrift(chainId);
  if (!drift) return null;
  const inRotation = drift.providers.filter((provider) => provider.inRotation).length;
  return (
    <>
      <dl className="stats drift-stats" aria-label="Sync drift">
        <LagTimeStat seconds={drift.lagSeconds} testId="dashboard-lag-seconds" />
        <Stat label="Reorgs" value={formatCount(drift.reorgCount)} testId="dashboard-reorgs" />
        <Stat
          label="In rotation"
          value={`${inRotation} of ${drift.providers.length}`}
          warn={inRotation < drift.providers.length}
          testId="dashboard-providers"
        />
        <Stat
          label="Disagreements"
          value={formatCount(drift.disagreements.length)}
          warn={drift.disagreements.length > 0}
        />
      </dl>
      <p className="drift-note muted small">
        <span data-testid="dashboard-last-reorg">
          {drift.lastReorg
            ? `Last reorg: depth ${drift.lastReorg.depth} at ${clockTimeWithSeconds(drift.lastReorg.detectedAt)}`
            : 'No reorgs seen.'}
        </span>
        <a href={hrefFor('drift')}>Sync drift →</a>
      </p>
    </>
  );
}
