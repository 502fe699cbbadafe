// An RPC URL with a provider key and a webhook rule with a secret: the chain is watched through
// the keyed URL (anvil behind a proxy that answers only its key), the webhook is signed with the
// real secret, and neither the key nor the secret is in the data directory (journal, snapshot,
// audit log), an audit export, a workspace export, the server's output, or anything it pushed or
// answered. After a restart the key is read back from the keychain and the chain still works.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chain } from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { mineBlocks } from '../../helpers/chain-control.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { filesUnder, placesHoldingText, type Haystack } from '../../helpers/key-leaks.ts';
import { startRpcProxy, type RpcProxy } from '../../helpers/rpc-proxy.ts';
import {
  connectRpc,
  startServe,
  waitFor,
  type RpcClient,
  type ServeProcess,
} from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts';

const dataDir = makeTempDir('vigil-secrets-at-rest-');
const PROVIDER_KEY = randomBytes(16).toString('hex');
const WEBHOOK_SECRET = `whsec-${randomBytes(18).toString('base64url')}`;
let anvil: AnvilInstance;
let proxy: RpcProxy;
let receiver: WebhookReceiver;
let server: ServeProcess;
let rpc: RpcClient;
/** Everything the server said, over every run: its output and every message it sent. */
const heard: Haystack[] = [];

async function serve(): Promise<void> {
  server = await startServe({ dataDir: dataDir.path, args: ['--allow-private-webhooks'] });
  rpc = await connectRpc(server.wsUrl);
}

async function stop(): Promise<void> {
  heard.push({ where: 'server messages', text: rpc.received.join('\n') });
  rpc.close();
  await server.kill('SIGTERM');
  heard.push({ where: 'server output', text: server.output() });
}

async function headSeen(): Promise<number> {
  return waitFor(async () => {
    const { chains } = await rpc.call<{ chains: { headBlock: number | null }[] }>('drift.get');
    return chains[0]?.headBlock ?? null;
  });
}

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  proxy = await startRpcProxy(anvil.rpcUrl, { requirePath: `/v3/${PROVIDER_KEY}` });
  receiver = await startWebhookReceiver(WEBHOOK_SECRET);
  await serve();
}, 120_000);

afterAll(async () => {
  rpc?.close();
  await server?.kill('SIGKILL');
  await receiver?.close();
  await proxy?.close();
  await anvil?.stop();
  dataDir.remove();
});

describe('provider keys and webhook secrets', () => {
  it('work from the keychain and show up nowhere else', async () => {
    const keyedUrl = `${proxy.url}/v3/${PROVIDER_KEY}`;
    const chain = await rpc.call<Chain>('chains.add', {
      name: 'anvil',
      chainId: anvil.chainId,
      rpcUrls: [keyedUrl],
    });
    expect(chain.rpcUrls).toEqual([`${proxy.url}/v3/***`]);
    // The chain is watched through the keyed URL: the proxy answers nothing else.
    await mineBlocks(anvil.rpcUrl, 2);
    expect(await headSeen()).toBeGreaterThan(0);

    // A rule that fires at once (a fresh signer holds nothing), delivered to a signed webhook.
    const { address } = await rpc.call<{ address: string }>('signers.generate', { label: 'hot' });
    await rpc.call('alerts.rules.save', {
      name: 'Hot wallet empty',
      kind: 'balance',
      chainId: anvil.chainId,
      address,
      below: '1000',
      enabled: true,
      channels: [{ type: 'webhook', url: receiver.url, secret: WEBHOOK_SECRET }],
    });
    await waitFor(async () => {
      await mineBlocks(anvil.rpcUrl, 1);
      return receiver.accepted().length > 0;
    });
    expect(receiver.accepted()[0]!.signatureValid).toBe(true);

    // A rename is a journaled change of the chain too; then every place things are written.
    await rpc.call('chains.update', { chainId: anvil.chainId, rpcUrls: chain.rpcUrls });
    const exported = await rpc.call<{ path: string }>('audit.export', { format: 'jsonl' });
    const exportedCsv = await rpc.call<{ path: string }>('audit.export', { format: 'csv' });
    const { yaml } = await rpc.call<{ yaml: string }>('workspace.export');
    expect(yaml).toContain(`${proxy.url}/v3/***`);
    expect(readFileSync(exported.path, 'utf8')).toContain('/v3/***');
    expect(readFileSync(exportedCsv.path, 'utf8')).toContain('/v3/***');

    // Restarted, the key comes back from the keychain and the chain is watched again.
    await stop();
    await serve();
    const before = await headSeen();
    await waitFor(async () => {
      await mineBlocks(anvil.rpcUrl, 1);
      return (await headSeen()) > before;
    });
    await stop();

    const haystacks = [
      ...filesUnder(dataDir.path),
      { where: 'workspace export', text: yaml },
      ...heard,
    ];
    expect(placesHoldingText(PROVIDER_KEY, haystacks)).toEqual([]);
    expect(placesHoldingText(WEBHOOK_SECRET, haystacks)).toEqual([]);
    // The search does find a key where there is one.
    expect(placesHoldingText(PROVIDER_KEY, [{ where: 'url', text: keyedUrl }])).toEqual([
      'url (text)',
    ]);
    await serve();
  });
});
