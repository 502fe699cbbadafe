// Signer tests use the real OS keychain. On Linux `npm test` provides one: a private D-Bus session
// with its own unlocked gnome-keyring (scripts/test.ts). Run alone, a test says how to get one.
import { execFileSync } from 'node:child_process';
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

/**
 * A keychain entry read in a child process, as another program on the machine would read it.
 * (keytar loaded into two threads of one process could hang libsecret; Vigil's engine now asks
 * the thread that started it, see keychain-channel.ts, so reading here is about the point of
 * view, no longer about that hang.)
 */
export function readKeychainInChild(service: string, account: string): string | null {
  const script = `require('keytar').getPassword(${JSON.stringify(service)}, ${JSON.stringify(account)}).then((value) => process.stdout.write(JSON.stringify(value)))`;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 }),
  ) as string | null;
}
