// A small card holding one tool's form (export, verify), named for screen readers by its title.
import type { FormEvent, ReactNode } from 'react';

interface ToolFormProps {
  title: string;
  label: string;
  onSubmit: () => Promise<void>;
  children: ReactNode;
}

export function ToolForm({ title, label, onSubmit, children }: ToolFormProps) {
  return (
    <form
      className="card audit-tool"
      aria-label={label}
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        void onSubmit();
      }}
      noValidate
    >
      <h2>{title}</h2>
      {children}
    </form>
  );
}
