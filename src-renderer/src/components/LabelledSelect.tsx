// A drop-down with its label beside it, for filter bars and compact tool forms.
interface LabelledSelectProps<Value extends string> {
  id: string;
  label: string;
  value: Value;
  options: readonly { value: Value; label: string }[];
  onChange: (value: Value) => void;
}

export function LabelledSelect<Value extends string>({
  id,
  label,
  value,
  options,
  onChange,
}: LabelledSelectProps<Value>) {
  return (
    <>
      <label htmlFor={id} className="inline-label">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Value)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </>
  );
}
