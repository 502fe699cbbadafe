// How far one chain's store trailed its head over the last minutes: blocks on the left axis,
// seconds on the right, one point per drift sample.
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ChainDrift } from '@contract';
import { clockTimeWithSeconds } from '../format.ts';
import { axisStyle, tooltipStyle } from './chart-style.ts';

const series = [
  { dataKey: 'blocks', name: 'lag (blocks)', color: 'var(--accent)' },
  { dataKey: 'seconds', name: 'lag (seconds)', color: 'var(--warn)' },
] as const;

export function LagChart({ samples }: { samples: ChainDrift['history'] }) {
  if (samples.length === 0) return <p className="chart-empty muted">No lag samples yet.</p>;
  const points = samples.map((sample) => ({
    time: clockTimeWithSeconds(sample.at),
    blocks: sample.lagBlocks,
    seconds: sample.lagSeconds === null ? null : Math.round(sample.lagSeconds * 10) / 10,
  }));
  return (
    <div className="chart" data-testid="lag-chart">
      <ResponsiveContainer width="100%" height={180}>
        <LineChart data={points} margin={{ top: 6, right: 4, bottom: 0, left: -12 }}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis dataKey="time" {...axisStyle} minTickGap={40} />
          <YAxis yAxisId="blocks" {...axisStyle} allowDecimals={false} width={48} />
          <YAxis yAxisId="seconds" orientation="right" {...axisStyle} width={40} unit=" s" />
          <Tooltip {...tooltipStyle} />
          <Legend wrapperStyle={{ fontSize: 12, color: 'var(--text-muted)' }} />
          {series.map((line) => (
            <Line
              key={line.dataKey}
              yAxisId={line.dataKey}
              dataKey={line.dataKey}
              name={line.name}
              stroke={line.color}
              dot={false}
              strokeWidth={2}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
