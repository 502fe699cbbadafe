// The OpenZeppelin Relayer fixture copied into an operator-chosen folder, with its sepolia network
// pointed at a test's anvil, its webhook at nowhere, and the test's own edits made.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnvilInstance } from './anvil.ts';

export const ozRelayerFixture = 'test/fixtures/imports/oz-relayer';

/** An edit of config.json or a network file; `from` must be in it. */
export interface FixtureEdit {
  file: string;
  from: string;
  to: string;
}

export function ozRelayerFolder(
  root: string,
  name: string,
  anvil: Pick<AnvilInstance, 'chainId' | 'rpcUrl'>,
  edits: readonly FixtureEdit[] = [],
): string {
  const folder = join(root, name);
  cpSync(ozRelayerFixture, folder, { recursive: true });
  const all: FixtureEdit[] = [
    {
      file: 'config/networks/ethereum.json',
      from: '"chain_id": 11155111',
      to: `"chain_id": ${anvil.chainId}`,
    },
    {
      file: 'config/networks/ethereum.json',
      from: '"https://sepolia.drpc.org"',
      to: JSON.stringify(anvil.rpcUrl),
    },
    {
      file: 'config/config.json',
      from: 'https://alerts.ops.example/relayer',
      to: 'http://127.0.0.1:9/hook',
    },
    ...edits,
  ];
  for (const edit of all) {
    const path = join(folder, edit.file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(edit.from)) throw new Error(`${edit.file} has no ${edit.from} to change`);
    writeFileSync(path, text.replace(edit.from, edit.to));
  }
  return folder;
}
