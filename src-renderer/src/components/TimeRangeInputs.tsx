// A From/To pair of local date-time inputs, for the Audit view's filter and export range. Values
// are the inputs' own text ("2025-01-01T09:00:00"); localInputToMs turns them into times.
interface TimeRangeInputsProps {
  /** Prefix of the inputs' ids, so their labels are unique on the page. */
  idPrefix: string;
  from: string;
  to: string;
  onChange: (range: { from: string; to: string }) => void;
}

export function TimeRangeInputs({ idPrefix, from, to, onChange }: TimeRangeInputsProps) {
  const input = (which: 'from' | 'to', label: string, value: string) => (
    <>
      <label htmlFor={`${idPrefix}-${which}`} className="inline-label">
        {label}
      </label>
      <input
        id={`${idPrefix}-${which}`}
        type="datetime-local"
        step={1}
        value={value}
        onChange={(e) =>
          onChange(which === 'from' ? { from: e.target.value, to } : { from, to: e.target.value })
        }
      />
    </>
  );
  return (
    <>
      {input('from', 'From', from)}
      {input('to', 'To', to)}
    </>
  );
}
