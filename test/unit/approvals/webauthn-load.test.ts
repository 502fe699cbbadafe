// @simplewebauthn/server loads the first time a passkey is used. An install where it cannot load
// gets an error that says what failed and what to do, not an internal error, each time it is used.
import { describe, expect, it, vi } from 'vitest';
import { loadWebAuthn } from '../../../src-main/core/approvals/webauthn.ts';

vi.mock('@simplewebauthn/server', () => {
  throw new Error("Cannot find package '@simplewebauthn/server'");
});

describe('the passkey library, loaded on first use', () => {
  it('answers NOT_AVAILABLE, naming the package and saying to reinstall, when it cannot load', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const failure = await loadWebAuthn().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toMatchObject({ code: 'NOT_AVAILABLE' });
      expect((failure as Error).message).toMatch(
        /^Passkeys cannot be checked: @simplewebauthn\/server did not load \(.+\)\. Reinstall Vigil\.$/,
      );
    }
  });
});
