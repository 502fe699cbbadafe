// A client holding the session token alone cannot make Vigil reach into this machine or its
// network through an RPC URL: a chain on a loopback, private, link-local or metadata address
// needs a person's approval (or the operator's --allow-private-rpc, or the start-up workspace
// file), and every refusal comes before any request goes to the URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, Chain } from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { makePerson } from '../../helpers/person.ts';
import { startRpcProxy, type RpcProxy } from '../../helpers/rpc-proxy.ts';
import {
  connectRpc,
  startServe,
  type RpcClient,
  type ServeProcess,
  refusal,
} from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const dataDir = makeTempDir('vigil-private-rpc-');
let anvil: AnvilInstance;
/** The chain as a local node would serve it, counting what reaches it. */
let node: RpcProxy;
let server: ServeProcess;
let hostile: RpcClient;
let operator: RpcClient;

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  node = await startRpcProxy(anvil.rpcUrl);
  server = await startServe({ dataDir: dataDir.path, privateRpc: 'ask' });
  hostile = await connectRpc(server.wsUrl, {}, { person: null });
  operator = await connectRpc(server.wsUrl, {}, { person: makePerson('alice') });
}, 120_000);

afterAll(async () => {
  hostile?.close();
  operator?.close();
  await server?.kill('SIGKILL');
  await node?.close();
  await anvil?.stop();
  dataDir.remove();
});

const port = (): string => new URL(node.url).port;

describe('RPC URLs that reach inward', () => {
  it.each([
    ['the loopback address', () => node.url],
    ['localhost', () => `http://localhost:${port()}`],
    ['the IPv6 loopback', () => `http://[::1]:${port()}`],
    ['a private network address', () => 'http://10.0.0.1:8545'],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('on %s: a client alone is refused, nothing is saved or sent', async (_what, urlOf) => {
    const before = node.requests;
    const refused = await refusal(
      hostile.call('chains.add', { name: 'local', chainId: anvil.chainId, rpcUrls: [urlOf()] }),
    );
    expect(refused.code).toBe('APPROVAL_REQUIRED');
    expect(await hostile.call<Chain[]>('chains.list')).toEqual([]);
    expect(node.requests).toBe(before);
  });

  it('in a workspace imported through the contract: refused, naming the field, nothing added', async () => {
    const before = node.requests;
    const yaml = `version: 1\nchains:\n  - name: local\n    chainId: ${anvil.chainId}\n    rpcUrls: [${node.url}]\n`;
    const refused = await refusal(hostile.call('workspace.import', { yaml }));
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.field).toBe('chains[0].rpcUrls[0]');
    expect(refused.message).toContain('127.0.0.1');
    expect(refused.message).toContain('--allow-private-rpc');
    expect(await hostile.call<Chain[]>('chains.list')).toEqual([]);
    expect(node.requests).toBe(before);
  });

  it('approved by a person: the chain is added, and the approval is in the audit log', async () => {
    const chain = await operator.call<Chain>('chains.add', {
      name: 'local',
      chainId: anvil.chainId,
      rpcUrls: [node.url],
    });
    expect(chain.chainId).toBe(anvil.chainId);
    expect(node.requests).toBeGreaterThan(0);
    const { entries } = await operator.call<{ entries: AuditEntry[] }>('audit.list', {
      action: 'approval.given',
    });
    expect(entries.map((entry) => entry.details['request'])).toContain('chains.add');
  });

  it('changing the chain: a new inward URL needs a person; keeping the stored one does not', async () => {
    const [stored] = await hostile.call<Chain[]>('chains.list');
    const refused = await refusal(
      hostile.call('chains.update', {
        chainId: anvil.chainId,
        rpcUrls: [...stored!.rpcUrls, `http://localhost:${port()}`],
      }),
    );
    expect(refused.code).toBe('APPROVAL_REQUIRED');
    const renamed = await hostile.call<Chain>('chains.update', {
      chainId: anvil.chainId,
      name: 'renamed',
      rpcUrls: stored!.rpcUrls,
    });
    expect(renamed.name).toBe('renamed');
    expect(renamed.rpcUrls).toEqual(stored!.rpcUrls);
  });
});
