// An engine stopped and started again in the same process, as the desktop app does when the
// operator switches data directories and as tests do. keytar used to be loaded into each new
// engine worker thread, and a second load in one process could hang the start for ever (seen
// in clean-clone CI runs). keytar now lives in the thread that starts engines, once.
import { describe, expect, it } from 'vitest';
import type { Signer } from '../../../src-main/ipc/contract.ts';
import { startVigilInProcess } from '../../helpers/vigil-in-process.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

describe('an engine restarted in the same process', () => {
  it('starts each time, reads and writes the keychain, and keeps what was done', async () => {
    const temp = makeTempDir();
    const generated: string[] = [];
    for (let start = 0; start < 2; start++) {
      // Each start reads the directory's MAC key from the keychain before anything else.
      const vigil = await startVigilInProcess({ dataDir: temp.path });
      try {
        const before = await vigil.call<Signer[]>('signers.list');
        expect(before.map((signer) => signer.address).sort()).toEqual([...generated].sort());
        const signer = await vigil.call<Signer>('signers.generate', { label: `key ${start}` });
        generated.push(signer.address);
      } finally {
        await vigil.close({ keepDataDir: true });
      }
    }
    // Every key is still in the keychain: a backup reads each one (through the person gate).
    const vigil = await startVigilInProcess({ dataDir: temp.path });
    try {
      for (const address of generated) {
        const backup = await vigil.call<{ address: string }>('signers.backup', {
          address,
          passphrase: 'correct horse battery',
        });
        expect(backup.address.toLowerCase()).toBe(address.toLowerCase());
      }
    } finally {
      await vigil.close({ keepDataDir: true });
      temp.remove();
    }
  }, 120_000);
});
