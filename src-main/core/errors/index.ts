// Vigil's one error type: a short message a person can act on, which input was wrong, and the
// details behind it. It crosses the contract as an envelope (see ipc/contract.ts).
import type { ContractError, ErrorCode } from '../../ipc/contract.ts';

export interface VigilErrorOptions {
  /** Which input was wrong, e.g. "rpcUrls[1]" or "contracts[2].address". */
  field?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class VigilError extends Error {
  override readonly name = 'VigilError';
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: VigilErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }

  toContractError(): ContractError {
    return {
      code: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** Any thrown value as a contract error; unexpected ones keep their message but not their stack. */
export function toContractError(thrown: unknown): ContractError {
  if (thrown instanceof VigilError) return thrown.toContractError();
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { code: 'INTERNAL', message: `Internal error: ${message}` };
}

export { closestMatch } from './closest-match.ts';
export { fetchFailureReason, retryAfterSeconds } from './fetch-failure.ts';
