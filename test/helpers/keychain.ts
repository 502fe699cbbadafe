// Signer tests use the real OS keychain. On Linux `npm test` provides one: a private D-Bus session
// with its own unlocked gnome-keyring (scripts/test.ts). Run alone, a test says how to get one.
import { createOsKeychain } from '../../src-main/core/keys/index.ts';

export async function requireKeychain(): Promise<void> {
  const keychain = createOsKeychain('vigil-test-probe');
  try {
    await keychain.set('probe', 'probe');
    await keychain.remove('probe');
  } catch (error) {
    throw new Error(
      `These tests need a working OS keychain and found none: ${(error as Error).message}\nRun them through \`npm test\` (it starts a private D-Bus session with an unlocked gnome-keyring), or inside \`dbus-run-session\` after \`echo -n pw | gnome-keyring-daemon --unlock --components=secrets\`.`,
    );
  }
}
