// A policy's condition on a call's arguments: the alert condition language, checked against the
// function's inputs (and tx.from, tx.to, tx.value) when the policy is saved, compiled when used.
import type { AbiFunction } from 'viem';
import {
  compileCondition,
  ConditionSyntaxError,
  formatCondition,
  functionFields,
  normalizeCondition,
  parseCondition,
  type CompiledCondition,
} from '../alerts/index.ts';
import { VigilError } from '../errors/index.ts';

/**
 * The condition compiled against `fn`, with its canonical text; a condition that does not parse
 * or does not fit the function's arguments is a VigilError naming `field`.
 */
export function compileArgumentCondition(
  fn: AbiFunction,
  text: string,
  field: string,
  label: string,
): { compiled: CompiledCondition; text: string } {
  let parsed;
  try {
    parsed = parseCondition(text);
  } catch (error) {
    if (!(error instanceof ConditionSyntaxError)) throw error;
    throw new VigilError('CONDITION_SYNTAX', `${field}: ${error.message}`, {
      field,
      details: { offset: error.offset },
    });
  }
  try {
    const compiled = compileCondition(parsed.condition, functionFields(fn), label);
    return { compiled, text: formatCondition(normalizeCondition(parsed.condition)) };
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    throw new VigilError(error.code, `${field}: ${error.message}`, {
      field,
      ...(error.details ? { details: error.details } : {}),
    });
  }
}
