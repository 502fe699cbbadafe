// Errors on screen read as sentences without request names (issue 18).
import { describe, expect, it } from 'vitest';
import { fieldLabel, operatorMessage } from '../../../src-renderer/src/client/error-text.ts';

describe('operatorMessage', () => {
  it('turns an input error into a sentence about the field', () => {
    expect(
      operatorMessage({
        code: 'INVALID_INPUT',
        message: 'alerts.rules.save: name: must not be empty',
        field: 'name',
        details: { problems: [{ field: 'name', message: 'must not be empty' }] },
      }),
    ).toBe('Name must not be empty.');
  });

  it('names a nested field and counts the other problems', () => {
    expect(
      operatorMessage({
        code: 'INVALID_INPUT',
        message: 'contracts.update: retention.days: Too small: expected number to be >0',
        field: 'retention.days',
        details: {
          problems: [
            { field: 'retention.days', message: 'Too small: expected number to be >0' },
            { field: 'name', message: 'Required' },
          ],
        },
      }),
    ).toBe('Retention days: too small: expected number to be >0 (and 1 more problem)');
  });

  it('drops a leading request name from other errors and leaves the rest alone', () => {
    expect(operatorMessage({ code: 'NOT_FOUND', message: 'txs.get: no transaction 7' })).toBe(
      'No transaction 7.',
    );
    const written = 'RPC http://x answered chain id 1, but this chain is configured as 8453';
    expect(operatorMessage({ code: 'CHAIN_MISMATCH' as never, message: written })).toBe(written);
  });
});

describe('fieldLabel', () => {
  it('reads paths as words', () => {
    expect(fieldLabel('startBlock')).toBe('Start block');
    expect(fieldLabel('rpcUrls[1]')).toBe('RPC URL 2');
    expect(fieldLabel('abi')).toBe('ABI');
  });
});
