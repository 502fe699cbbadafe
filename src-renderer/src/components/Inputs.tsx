// Small form pieces the rule editor and the condition builder use many times.
import type { ReactNode } from 'react';
import { Field } from './Field.tsx';

/** A checkbox with its label beside it. */
export function Checkbox({
  checked,
  onChange,
  className = 'cb-inline',
  children,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  className?: string;
  children: ReactNode;
}) {
  return (
    <label className={className}>
      <input
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
      />
      {children}
    </label>
  );
}

/** A labelled one-line text box. */
export function TextField({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  placeholder,
  className,
  inputMode,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  placeholder?: string;
  className?: string;
  inputMode?: 'numeric' | 'decimal' | 'text';
}) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        inputMode={inputMode}
        className={className}
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}

/** A labelled text box for a whole number; the server's schema says what is wrong with it. */
export function NumberField(props: Omit<Parameters<typeof TextField>[0], 'inputMode'>) {
  return <TextField {...props} inputMode="numeric" />;
}
