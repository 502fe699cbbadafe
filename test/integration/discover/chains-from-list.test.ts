// Adding a chain from viem's list through the contract: the preset fills what the operator would
// otherwise look up, the explorer URL is kept on the chain (editable, audited, exported), and the
// request schema is strict.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, Chain, ChainPreset } from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';

let anvil: AnvilInstance;
let vigil: VigilUnderTest;

beforeAll(async () => {
  anvil = await startAnvil();
  vigil = await startVigilInProcess();
});

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

describe('chains from a list', () => {
  it('finds presets by name or id and refuses a key the contract does not know', async () => {
    const presets = await vigil.call<ChainPreset[]>('chains.presets', { query: 'anvil' });
    const local = presets.find((preset) => preset.chainId === anvil.chainId)!;
    expect(local).toMatchObject({ name: 'Anvil', confirmations: 2, confirmationsKnown: true });
    expect(local.publicRpcUrls).toContain('http://127.0.0.1:8545');
    const byId = await vigil.call<ChainPreset[]>('chains.presets', { query: '8453', limit: 1 });
    expect(byId).toMatchObject([{ chainId: 8453, explorerUrl: 'https://basescan.org' }]);
    const refused = await vigil.refused('chains.presets', { qurey: 'base' });
    expect(refused.code).toBe('INVALID_INPUT');
    expect(refused.message).toContain('qurey');
  });

  it('adds a chain from its preset with the explorer URL, then edits and clears it', async () => {
    const [local] = await vigil.call<ChainPreset[]>('chains.presets', {
      query: String(anvil.chainId),
    });
    const added = await vigil.call<Chain>('chains.add', {
      name: local!.name,
      chainId: local!.chainId,
      rpcUrls: [anvil.rpcUrl],
      explorerUrl: 'https://explorer.example/',
    });
    // The trailing slash goes so links can be joined with a path; the preset's depth applies.
    expect(added).toMatchObject({ explorerUrl: 'https://explorer.example', confirmations: 2 });

    const bad = await vigil.refused('chains.update', {
      chainId: anvil.chainId,
      explorerUrl: 'javascript:alert(1)',
    });
    expect(bad).toMatchObject({ code: 'INVALID_INPUT', field: 'explorerUrl' });

    await vigil.call('chains.update', {
      chainId: anvil.chainId,
      explorerUrl: 'https://scan.example',
    });
    const { yaml } = await vigil.call<{ yaml: string }>('workspace.export');
    expect(yaml).toContain('explorerUrl: https://scan.example');

    await vigil.call('chains.update', { chainId: anvil.chainId, explorerUrl: null });
    const [chain] = await vigil.call<Chain[]>('chains.list');
    expect(chain).not.toHaveProperty('explorerUrl');

    const changes = (
      await vigil.call<{ entries: AuditEntry[] }>('audit.list', {
        action: 'chain.changed',
        order: 'asc',
      })
    ).entries.map((entry) => entry.details['changes']);
    expect(changes).toEqual([
      { explorerUrl: { from: 'https://explorer.example', to: 'https://scan.example' } },
      { explorerUrl: { from: 'https://scan.example', to: null } },
    ]);
  });
});
