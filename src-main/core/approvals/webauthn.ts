// @simplewebauthn/server, loaded the first time a passkey is enrolled or an approval checked.
// Importing it (with the certificate libraries under it) took 140 ms of a fresh process, about a
// fifth of the engine's start, for something most starts never use.
import { VigilError } from '../errors/index.ts';

type WebAuthn = typeof import('@simplewebauthn/server');

let loading: Promise<WebAuthn> | undefined;

export function loadWebAuthn(): Promise<WebAuthn> {
  loading ??= import('@simplewebauthn/server').catch((error: unknown) => {
    throw new VigilError(
      'NOT_AVAILABLE',
      `Passkeys cannot be checked: @simplewebauthn/server did not load (${(error as Error).message}). Reinstall Vigil.`,
    );
  });
  return loading;
}
