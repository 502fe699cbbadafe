// The store's health, on the Dashboard and in Sync drift: size on disk, memory, segments, the head,
// the write rate with its recent history, and any damaged file the store moved aside.
import { Area, AreaChart, ResponsiveContainer, Tooltip, YAxis } from 'recharts';
import type { StoreHealth, StoreProblem } from '@contract';
import { useStoreHealth, type WriteRateSample } from '../stores/store-health.ts';
import { clockTimeWithSeconds, formatBytes, formatCount, formatDuration } from '../format.ts';
import { ErrorState, Loading } from './StateViews.tsx';
import { Stat } from './Stat.tsx';
import { tooltipStyle } from './chart-style.ts';

/** A minute of writing beyond this is worth a second look on a store that should write little. */
const WRITE_RATE_WARNING = 100 * 1000 * 1000;

export function StoreHealthCard() {
  const { health, writeRates, loaded, error, load } = useStoreHealth();
  return (
    <article className="card store-card" aria-label="Store health">
      <header className="card-header">
        <h2>Store</h2>
        {health && health.problems.length > 0 && (
          <span className="badge badge-pending" data-testid="store-problem-count">
            {health.problems.length} damaged file{health.problems.length === 1 ? '' : 's'}
          </span>
        )}
        {health && (
          <span className="card-header-aside muted small">
            measured {clockTimeWithSeconds(health.at)}
          </span>
        )}
      </header>
      {error && !loaded ? (
        <ErrorState message={error} onRetry={() => void load()} />
      ) : !health ? (
        <Loading what="store health" />
      ) : (
        <>
          <StoreFigures health={health} />
          <p className="muted small store-detail">
            {formatBytes(health.segmentBytes)} in sealed segments ·{' '}
            {formatCount(health.openSegments)} open in memory (
            {formatBytes(health.openSegmentBytes)}) · engine heap {formatBytes(health.heapBytes)}
          </p>
          <h3 className="chart-title">Write rate</h3>
          <WriteRateSparkline samples={writeRates} />
          <StoreProblems problems={health.problems} />
        </>
      )}
    </article>
  );
}

type Figure = {
  [K in keyof StoreHealth]: StoreHealth[K] extends number ? K : never;
}[keyof StoreHealth];

/** Each figure with the field it shows, its test id (`store-…`) and its unit. */
const figures: {
  label: string;
  field: Figure;
  testId: string;
  format: (value: number) => string;
}[] = [
  { label: 'Size on disk', field: 'bytesOnDisk', testId: 'bytes-on-disk', format: formatBytes },
  { label: 'Memory', field: 'memoryBytes', testId: 'memory', format: formatBytes },
  { label: 'Segments', field: 'segments', testId: 'segments', format: formatCount },
  { label: 'Head events', field: 'headEvents', testId: 'head-events', format: formatCount },
  {
    label: 'Write rate',
    field: 'writeBytesPerMinute',
    testId: 'write-rate',
    format: (value) => `${formatBytes(value)}/min`,
  },
  {
    label: 'Written since start',
    field: 'bytesWrittenTotal',
    testId: 'bytes-written',
    format: formatBytes,
  },
];

function StoreFigures({ health }: { health: StoreHealth }) {
  return (
    <dl className="stats stats-6">
      {figures.map(({ label, field, testId, format }) => {
        const value = health[field];
        return (
          <Stat
            key={field}
            label={label}
            value={format(value)}
            warn={field === 'writeBytesPerMinute' && value > WRITE_RATE_WARNING}
            testId={`store-${testId}`}
            rawValue={value}
          />
        );
      })}
    </dl>
  );
}

function WriteRateSparkline({ samples }: { samples: WriteRateSample[] }) {
  if (samples.length < 2) return <p className="chart-empty muted">Measuring the write rate…</p>;
  const points = samples.map((sample) => ({
    time: clockTimeWithSeconds(sample.at),
    rate: sample.bytesPerMinute,
  }));
  const peak = Math.max(...samples.map((sample) => sample.bytesPerMinute));
  const spanMs = samples[samples.length - 1]!.at - samples[0]!.at;
  return (
    <div className="chart" data-testid="store-write-rate-chart">
      <p className="muted small sparkline-caption">
        last {formatDuration(spanMs / 1000)} · peak {formatBytes(peak)}/min
      </p>
      <ResponsiveContainer width="100%" height={56}>
        <AreaChart data={points} margin={{ top: 4, right: 4, bottom: 0, left: 4 }}>
          <YAxis hide domain={[0, 'auto']} />
          <Tooltip
            {...tooltipStyle}
            labelFormatter={(_, payload) => payload[0]?.payload.time ?? ''}
            formatter={(value) => [`${formatBytes(Number(value))}/min`, 'write rate']}
          />
          {/* Filled down to zero, so a steady rate reads against its baseline. */}
          <Area
            dataKey="rate"
            stroke="var(--accent)"
            fill="var(--accent)"
            fillOpacity={0.15}
            dot={false}
            strokeWidth={2}
            isAnimationActive={false}
          />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

function StoreProblems({ problems }: { problems: StoreProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <>
      <h3 className="warn">Damaged files, moved aside</h3>
      <ul className="store-problems" aria-label="Store problems">
        {problems.map((problem) => (
          <li key={`${problem.path}:${problem.movedTo ?? ''}`} data-testid="store-problem">
            <span>{problem.message}</span>
            <span className="muted small">
              file <span className="mono">{problem.path}</span>
            </span>
            {problem.movedTo && (
              <span className="muted small">
                moved to <span className="mono">{problem.movedTo}</span>
              </span>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
