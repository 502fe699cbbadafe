// The recent event rate of one chain, one bar per minute.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChainStatus } from '@contract';
import { clockTime, minuteToMs } from '../format.ts';
import { axisStyle, tooltipStyle } from './chart-style.ts';

export function EventsPerMinuteChart({ buckets }: { buckets: ChainStatus['eventsPerMinute'] }) {
  if (buckets.length === 0)
    return <p className="chart-empty muted">No events in the last minutes.</p>;
  const points = buckets.map((bucket) => ({
    time: clockTime(minuteToMs(bucket.minute)),
    count: bucket.count,
  }));
  return (
    <div className="chart" data-testid="events-per-minute-chart">
      <ResponsiveContainer width="100%" height={140}>
        <BarChart data={points} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis dataKey="time" {...axisStyle} minTickGap={24} />
          <YAxis {...axisStyle} allowDecimals={false} width={48} />
          <Tooltip cursor={{ fill: 'var(--hover)' }} {...tooltipStyle} />
          <Bar dataKey="count" name="events" fill="var(--accent)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
