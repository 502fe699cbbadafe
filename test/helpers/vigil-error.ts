// The VigilError a promise rejects with; the test fails if it resolves or rejects with another.
import { expect } from 'vitest';
import { VigilError } from '../../src-main/core/errors/index.ts';

export async function vigilErrorOf(promise: Promise<unknown>): Promise<VigilError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VigilError);
  return error as VigilError;
}
