// The dark theme's look for recharts, shared by every chart so they read as one family.
export const axisStyle = {
  stroke: 'var(--text-muted)',
  fontSize: 11,
  tickLine: false,
} as const;

export const tooltipStyle = {
  contentStyle: {
    background: 'var(--surface-2)',
    border: '1px solid var(--border)',
    color: 'var(--text)',
  },
  labelStyle: { color: 'var(--text-muted)' },
} as const;
