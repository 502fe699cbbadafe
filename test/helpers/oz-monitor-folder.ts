// The OpenZeppelin Monitor fixture folder made importable on a test's anvil: its Ethereum network
// pointed at anvil, its monitored addresses at contracts deployed there, its hooks at nowhere.
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Address } from 'viem';
import type { AnvilInstance } from './anvil.ts';
import { FIXTURE_KEEPER, FIXTURE_TOKEN } from './import-stack.ts';

export const OZ_MONITOR_FIXTURE = 'test/fixtures/imports/oz-monitor';

/** The fixture folder with its network on anvil and its addresses deployed there. */
export function writeImportFolder(
  into: string,
  { anvil, token, keeper }: { anvil: AnvilInstance; token: Address; keeper: Address },
): void {
  cpSync(OZ_MONITOR_FIXTURE, into, { recursive: true });
  // Base's RPC is not reachable from a test; the folder keeps Ethereum (now anvil) and Stellar,
  // and monitors no longer name Base (a network no file defines is refused).
  rmSync(join(into, 'networks/base_mainnet.json'));
  const network = JSON.parse(readFileSync(join(into, 'networks/ethereum_mainnet.json'), 'utf8'));
  network.chain_id = anvil.chainId;
  network.rpc_urls[0].url.value = anvil.rpcUrl;
  writeFileSync(join(into, 'networks/ethereum_mainnet.json'), JSON.stringify(network, null, 2));
  for (const name of readdirSync(join(into, 'monitors'))) {
    const path = join(into, 'monitors', name);
    writeFileSync(
      path,
      readFileSync(path, 'utf8')
        .replaceAll(FIXTURE_TOKEN, token)
        .replaceAll(FIXTURE_KEEPER, keeper)
        .replaceAll(', "base_mainnet"', ''),
    );
  }
  // Deliveries go nowhere: this test is about which events fire, not about the channels.
  for (const name of readdirSync(join(into, 'triggers'))) {
    const path = join(into, 'triggers', name);
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(
        /https:\/\/(hooks\.slack\.com|alerts\.ops\.example)[^"]*/g,
        'http://127.0.0.1:9/hook',
      ),
    );
  }
}
