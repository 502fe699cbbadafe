// The OS keychain (macOS Keychain, Windows Credential Vault, a Secret Service such as
// gnome-keyring on Linux) through keytar. Signer keys live here and nowhere else: when no
// keychain can be used, Vigil says what is missing and refuses, never falling back to a file.
import { createRequire } from 'node:module';
import { VigilError } from '../errors/index.ts';

export interface Keychain {
  /** Stores (or replaces) a secret. */
  set(account: string, secret: string): Promise<void>;
  get(account: string): Promise<string | null>;
  /** True if something was deleted. */
  remove(account: string): Promise<boolean>;
}

/** The keychain service every signer key is stored under. */
export const KEYCHAIN_SERVICE = 'vigil';

interface Keytar {
  setPassword(service: string, account: string, password: string): Promise<void>;
  getPassword(service: string, account: string): Promise<string | null>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

let keytar: Keytar | undefined;

function loadKeytar(): Keytar {
  if (keytar) return keytar;
  try {
    // A native module: required at run time, never bundled.
    keytar = createRequire(import.meta.url)('keytar') as Keytar;
    return keytar;
  } catch (error) {
    throw new VigilError(
      'KEYCHAIN_UNAVAILABLE',
      `The OS keychain module (keytar) could not be loaded: ${(error as Error).message.split('\n')[0]}. Signer keys cannot be stored or used until it loads; on Linux it needs libsecret (apt install libsecret-1-0), elsewhere reinstall Vigil.`,
      { cause: error },
    );
  }
}

/** Turns keytar's terse failures into what the operator must fix. */
export function keychainError(error: unknown, doing: string): VigilError {
  if (error instanceof VigilError) return error;
  const text = error instanceof Error ? error.message : String(error);
  let hint =
    'Check that the OS keychain is available and unlocked. Vigil keeps signer keys only there and never in plain text.';
  if (
    /D-?Bus|DISPLAY|org\.freedesktop\.secrets|ServiceUnknown|was not provided by any \.service/i.test(
      text,
    )
  ) {
    hint =
      'No Secret Service answered on the D-Bus session bus. On Linux, run a Secret Service such as gnome-keyring inside a D-Bus session and unlock it (on a machine with no desktop: `dbus-run-session -- sh -c "echo PASSWORD | gnome-keyring-daemon --unlock --components=secrets; npm run serve -- …"`). Vigil keeps signer keys only in the OS keychain and will not store them in plain text.';
  } else if (/locked|cancel|dismiss|denied|not allowed/i.test(text)) {
    hint = 'The keychain is locked or refused access: unlock it (or allow Vigil) and try again.';
  }
  return new VigilError(
    'KEYCHAIN_UNAVAILABLE',
    `Could not ${doing} in the OS keychain: ${text.split('\n')[0]}. ${hint}`,
    {
      details: { keychainError: text.split('\n')[0] },
    },
  );
}

export function createOsKeychain(service: string = KEYCHAIN_SERVICE): Keychain {
  return {
    async set(account, secret) {
      try {
        await loadKeytar().setPassword(service, account, secret);
      } catch (error) {
        throw keychainError(error, 'store the key');
      }
    },
    async get(account) {
      try {
        return await loadKeytar().getPassword(service, account);
      } catch (error) {
        throw keychainError(error, 'read the key');
      }
    },
    async remove(account) {
      try {
        return await loadKeytar().deletePassword(service, account);
      } catch (error) {
        throw keychainError(error, 'delete the key');
      }
    },
  };
}
