// Safes as accounts in a running Vigil, with the real Safe 1.4.1 contracts on anvil: a 2-of-3
// Safe is added (read from the chain, audited, pushed); a threshold
// changed on chain by two owners' signatures is found on refresh, stored, audited once with
// before and after, and pushed; addresses that are not Safes are refused with nothing saved; the
// built-in rule on the Safe's own events fires once for the change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, Safe } from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { saveRule, STANDING, waitForFirings } from '../../helpers/alerts.ts';
import { deployDemoContracts } from '../../helpers/contracts.ts';
import { waitFor } from '../../helpers/serve.ts';
import {
  changeThresholdData,
  createSafe,
  deploySafeContracts,
  execSafeTransaction,
  plainSafeTransaction,
  SAFE_ABI,
  type CreatedSafe,
  type SafeDeployment,
} from '../../helpers/safe-contracts.ts';
import { startVigilInProcess, type VigilUnderTest } from '../../helpers/vigil-in-process.ts';

let anvil: AnvilInstance;
let deployment: SafeDeployment;
let safe: CreatedSafe;
let vigil: VigilUnderTest;

const idOf = (address: string): string => `${anvil.chainId}:${address.toLowerCase()}`;
const auditOf = async (action: string): Promise<AuditEntry[]> =>
  (await vigil.call<{ entries: AuditEntry[] }>('audit.list', { action })).entries;
const safesPushed = (): Safe[][] =>
  vigil.pushes
    .filter((push) => push.name === 'safes.changed')
    .map((push) => (push.payload as { safes: Safe[] }).safes);

async function startVigil(dataDir?: string): Promise<VigilUnderTest> {
  const started = await startVigilInProcess({
    ...(dataDir ? { dataDir } : {}),
    tuning: { safeRefreshMs: 0, proxyCheckIntervalMs: 0 },
  });
  return started;
}

beforeAll(async () => {
  anvil = await startAnvil();
  deployment = await deploySafeContracts(anvil.rpcUrl);
  safe = await createSafe(anvil.rpcUrl, deployment);
  vigil = await startVigil();
  await vigil.call('chains.add', {
    name: 'Anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
  });
}, 120_000);

afterAll(async () => {
  await vigil?.close();
  await anvil?.stop();
});

describe('safes', () => {
  it('refuses an address with no code and a contract that is not a Safe; nothing is saved', async () => {
    const { token } = await deployDemoContracts(anvil.rpcUrl);
    const noCode = await vigil.refused('safes.add', {
      chainId: anvil.chainId,
      address: '0x000000000000000000000000000000000000dEaD',
    });
    expect(noCode).toMatchObject({ code: 'NO_CODE', field: 'address' });
    const notSafe = await vigil.refused('safes.add', { chainId: anvil.chainId, address: token });
    expect(notSafe).toMatchObject({ code: 'NOT_A_SAFE', field: 'address' });
    expect(notSafe.message).toContain('is not a Safe');
    const strict = await vigil.refused('safes.add', {
      chainId: anvil.chainId,
      address: safe.address,
      threshold: 1,
    });
    expect(strict.code).toBe('INVALID_INPUT');
    expect(await vigil.call('safes.list')).toEqual([]);
    expect(await auditOf('safe.added')).toEqual([]);
    expect(safesPushed()).toEqual([]);
  });

  it('adds a 2-of-3 Safe read from the chain, audited and pushed', async () => {
    const added = await vigil.call<Safe>('safes.add', {
      chainId: anvil.chainId,
      address: safe.address.toLowerCase(),
      name: 'Treasury',
    });
    expect(added).toMatchObject({
      id: idOf(safe.address),
      chainId: anvil.chainId,
      address: safe.address,
      name: 'Treasury',
      version: '1.4.1',
      owners: safe.owners.map((owner) => owner.address),
      threshold: 2,
      nonce: '0',
      modules: [],
      guard: null,
      fallbackHandler: deployment.fallbackHandler,
    });
    expect(await vigil.call('safes.list')).toEqual([added]);
    const [entry, ...more] = await auditOf('safe.added');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: 'alice', subject: `safe:${added.id}` });
    expect(safesPushed().at(-1)).toEqual([added]);
    const again = await vigil.refused('safes.add', {
      chainId: anvil.chainId,
      address: safe.address,
    });
    expect(again.code).toBe('ALREADY_EXISTS');
  });

  it('finds a threshold changed on chain: stored, audited once with before and after, pushed; the built-in rule fires once', async () => {
    const id = idOf(safe.address);
    // Not watched as a contract yet: no rule to offer.
    expect((await vigil.refused('safes.changeRules', { id })).code).toBe('INVALID_STATE');
    await vigil.call('contracts.add', {
      chainId: anvil.chainId,
      address: safe.address,
      abi: SAFE_ABI,
      name: 'Treasury',
    });
    const rules = await vigil.call<{ eventName: string }[]>('safes.changeRules', { id });
    expect(rules.map((rule) => rule.eventName)).toEqual([
      'AddedOwner',
      'RemovedOwner',
      'ChangedThreshold',
      'EnabledModule',
      'DisabledModule',
      'ChangedGuard',
      'ChangedFallbackHandler',
    ]);
    const thresholdRule = await saveRule(
      vigil.call,
      rules.find((rule) => rule.eventName === 'ChangedThreshold') as never,
    );

    await execSafeTransaction(
      anvil.rpcUrl,
      anvil.chainId,
      safe.address,
      plainSafeTransaction({ to: safe.address, data: changeThresholdData(3), nonce: 0n }),
      [safe.owners[2]!, safe.owners[0]!],
    );
    const pushesBefore = safesPushed().length;
    // Two refreshes at once must not audit the change twice.
    const [first, second] = await Promise.all([
      vigil.call<Safe>('safes.refresh', { id }),
      vigil.call<Safe>('safes.refresh', { id }),
    ]);
    expect(first).toMatchObject({ threshold: 3, nonce: '1' });
    expect(second).toEqual(first);
    const changed = await auditOf('safe.changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({
      actor: 'system',
      subject: `safe:${id}`,
      details: { changes: { threshold: { before: 2, after: 3 } } },
    });
    expect(Object.keys(changed[0]!.details as object)).toEqual(['chainId', 'address', 'changes']);
    expect(safesPushed()).toHaveLength(pushesBefore + 1);
    expect(safesPushed().at(-1)![0]).toMatchObject({ threshold: 3, nonce: '1' });
    // Nothing new on chain: a third read records nothing.
    await vigil.call('safes.refresh', { id });
    expect(await auditOf('safe.changed')).toHaveLength(1);

    const [fired] = await waitForFirings(vigil.call, thresholdRule.id, 1, STANDING);
    expect(fired!.event).toMatchObject({
      contractId: id,
      eventName: 'ChangedThreshold',
      args: { threshold: '3' },
    });
  });

  it('moves the nonce quietly: stored, pushed, not audited', async () => {
    const id = idOf(safe.address);
    const [a, b, c] = safe.owners;
    await execSafeTransaction(
      anvil.rpcUrl,
      anvil.chainId,
      safe.address,
      plainSafeTransaction({ to: safe.address, nonce: 1n }),
      [a!, b!, c!],
    );
    expect(await vigil.call<Safe>('safes.refresh', { id })).toMatchObject({ nonce: '2' });
    expect(await auditOf('safe.changed')).toHaveLength(1);
  });

  it('removes the Safe (audited); a refresh of it is then NOT_FOUND', async () => {
    const id = idOf(safe.address);
    await vigil.call('safes.remove', { id });
    expect(await vigil.call('safes.list')).toEqual([]);
    const removed = await auditOf('safe.removed');
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({ actor: 'alice', subject: `safe:${id}` });
    expect(safesPushed().at(-1)).toEqual([]);
    expect((await vigil.refused('safes.refresh', { id })).code).toBe('NOT_FOUND');
  });

  it('watches the Safe as a contract when asked, and re-reads every Safe on its timer', async () => {
    const other = await createSafe(anvil.rpcUrl, deployment, { saltNonce: 99n });
    const timed = await startVigilInProcess({
      tuning: { safeRefreshMs: 100, proxyCheckIntervalMs: 0 },
    });
    try {
      await timed.call('chains.add', {
        name: 'Anvil',
        chainId: anvil.chainId,
        rpcUrls: [anvil.rpcUrl],
      });
      // Watched as a contract too: the built-in rules are offered with no contract added by hand.
      const added = await timed.call<Safe>('safes.add', {
        chainId: anvil.chainId,
        address: other.address,
        watch: true,
      });
      const watched = await timed.call<{ id: string; eventNames: string[] }[]>('contracts.list');
      expect(watched.map((contract) => contract.id)).toEqual([added.id]);
      expect(watched[0]!.eventNames).toEqual(
        expect.arrayContaining(['ChangedThreshold', 'ExecutionSuccess', 'ApproveHash']),
      );
      expect(await timed.call<unknown[]>('safes.changeRules', { id: added.id })).toHaveLength(7);
      await execSafeTransaction(
        anvil.rpcUrl,
        anvil.chainId,
        other.address,
        plainSafeTransaction({ to: other.address, data: changeThresholdData(1), nonce: 0n }),
        other.owners.slice(0, 2),
      );
      const [seen] = await waitFor(async () => {
        const list = await timed.call<Safe[]>('safes.list');
        return list[0]?.threshold === 1 ? list : undefined;
      }, 20_000);
      expect(seen).toMatchObject({ threshold: 1, nonce: '1' });
      const entries = (
        await timed.call<{ entries: AuditEntry[] }>('audit.list', { action: 'safe.changed' })
      ).entries;
      expect(entries).toHaveLength(1);
    } finally {
      await timed.close();
    }
  });
});
