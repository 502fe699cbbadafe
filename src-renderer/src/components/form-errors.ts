// Maps validation problems (the contract's zod issues here, or a server ContractError) onto
// the top-level form field they belong to: "rpcUrls[1]" → "rpcUrls".
import type { ContractError } from '@contract';
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export function fieldOf(path: string | undefined): string {
  if (!path) return 'form';
  return path.split(/[.[]/)[0] || 'form';
}

export function errorsFromIssues(issues: z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : 'form';
    const where =
      issue.path.length > 1
        ? ` (${issue.path
            .slice(1)
            .map((part) => (typeof part === 'number' ? `#${part + 1}` : String(part)))
            .join('.')})`
        : '';
    errors[field] ??= `${capitalize(issue.message)}${where}`;
  }
  return errors;
}

/** Puts the server's error under the field it names, or under the form when no field shows it. */
export function errorsFromContractError(
  error: ContractError,
  formFields: readonly string[],
): FieldErrors {
  const field = fieldOf(error.field);
  return { [formFields.includes(field) ? field : 'form']: error.message };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A non-negative whole number typed into a text box, or a message saying what is wrong. */
export function wholeNumberProblem(text: string, example: string): string | null {
  const value = text.trim();
  if (value === '') return `Required, e.g. ${example}.`;
  if (!/^\d+$/.test(value)) return `Must be a whole number, e.g. ${example}.`;
  if (!Number.isSafeInteger(Number(value))) return 'Too large.';
  return null;
}
