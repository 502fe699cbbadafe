// A hostile client with a valid token, over the headless server's WebSocket, tries to make Vigil
// send on its own: create a policy, widen or enable one, resume the switch, or reuse a person's
// approval of a narrower policy for a wider one. Each is refused and nothing changes; pausing,
// which only takes automatic signing away, works for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutomationPolicy } from '../../../src-main/ipc/contract.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { deployDemoContracts, loadArtifact } from '../../helpers/contracts.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import { approvalFor, makePerson, type ContractCall, type Person } from '../../helpers/person.ts';
import {
  connectRpc,
  refusal,
  startServe,
  type RpcClient,
  type ServeProcess,
} from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const dataDir = makeTempDir('vigil-hostile-automation-');
let anvil: AnvilInstance;
let server: ServeProcess;
let hostile: RpcClient;
let ops: RpcClient;
let token: string;
let signer: string;
let alice: Person;

const policy = (overrides: Record<string, unknown> = {}) => ({
  id: 'keeper',
  name: 'Keeper',
  chainId: anvil.chainId,
  signer,
  targets: [{ address: token, functions: [{ function: 'transfer', condition: 'value <= 10' }] }],
  maxValuePerTx: '0',
  maxFeePerGas: '1000000000',
  dailyBudget: '1000000000000000',
  maxPerHour: 1,
  enabled: false,
  ...overrides,
});
const stored = async () =>
  (await hostile.call<{ policies: AutomationPolicy[] }>('automation.policies.list')).policies;

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  ({ token } = await deployDemoContracts(anvil.rpcUrl));
  server = await startServe({ dataDir: dataDir.path });
  alice = makePerson('alice', `http://localhost:${server.port}`);
  hostile = await connectRpc(server.wsUrl, {}, { person: null });
  ops = await connectRpc(server.wsUrl, {}, { person: alice });
  await ops.call('chains.add', { name: 'anvil', chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] });
  await ops.call('contracts.add', {
    chainId: anvil.chainId,
    address: token,
    abi: loadArtifact('DemoToken').abi,
    startBlock: 0,
  });
  ({ address: signer } = await ops.call<{ address: string }>('signers.generate', {
    label: 'keeper',
  }));
}, 120_000);

afterAll(async () => {
  hostile?.close();
  ops?.close();
  await server?.kill('SIGKILL');
  await anvil?.stop();
  dataDir.remove();
});

describe('automation needs a person to send more', () => {
  it('refuses a token-only client creating, widening or enabling a policy, or resuming', async () => {
    expect(await refusal(hostile.call('automation.policies.save', policy()))).toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    expect(await stored()).toEqual([]);

    const created = await ops.call<AutomationPolicy>('automation.policies.save', policy());
    for (const widening of [
      { maxPerHour: 1000 },
      { targets: [{ address: token, functions: [{ function: 'transfer' }] }] },
      { enabled: true },
    ])
      expect(
        await refusal(hostile.call('automation.policies.save', policy(widening))),
      ).toMatchObject({ code: 'APPROVAL_REQUIRED' });
    expect(
      await refusal(
        hostile.call('automation.policies.setEnabled', { id: 'keeper', enabled: true }),
      ),
    ).toMatchObject({ code: 'APPROVAL_REQUIRED' });
    expect(await stored()).toEqual([created]);

    expect(await hostile.call('automation.pause', {})).toMatchObject({ paused: true });
    expect(await refusal(hostile.call('automation.resume', {}))).toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    expect(await hostile.call('automation.status')).toMatchObject({ paused: true });
  });

  it("refuses a person's approval of one policy used for a wider one", async () => {
    // The person approves enabling the policy as it is now (the challenge is asked by the operator).
    const opsCall: ContractCall = (name, input) => ops.call(name, input);
    const narrow = policy({ enabled: true });
    const approval = await approvalFor(opsCall, alice, 'automation.policies.save', narrow);
    expect(
      await refusal(
        hostile.call('automation.policies.save', {
          ...policy({ enabled: true, maxPerHour: 1000 }),
          approval,
        }),
      ),
    ).toMatchObject({ code: 'APPROVAL_MISMATCH' });
    expect(await stored()).toMatchObject([{ enabled: false, maxPerHour: 1 }]);
  });
});
