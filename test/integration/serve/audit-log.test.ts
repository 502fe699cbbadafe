// The audit log through headless mode, as an operator's script drives it: every action that
// exists produces its entry (a table of action → how to trigger it, with the actions of issues
// still to come marked so); an acknowledged entry survives kill -9; exports are written to a
// path or offered for download behind the token; and a data directory whose entries were
// tampered with on disk is reported loudly at start with nothing destroyed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditActions,
  verifyAuditExport,
  verifyAuditExportFile,
  type AuditAction,
  type AuditEntry,
} from '../../../src-main/core/audit/index.ts';
import { startAnvil, type AnvilInstance } from '../../helpers/anvil.ts';
import { emitManyTx, headBlock, mineBlocks, rawRpc, reorg } from '../../helpers/chain-control.ts';
import { fundedKey } from '../../helpers/funded-key.ts';
import { requireKeychain } from '../../helpers/keychain.ts';
import type { SafeMode, Transaction } from '../../../src-main/ipc/contract.ts';
import { deployContract, emitMany, loadArtifact } from '../../helpers/contracts.ts';
import { editSnapshot } from '../../helpers/edit-snapshot.ts';
import {
  connectRpc,
  defaultPerson,
  RpcCallError,
  startServe,
  waitFor,
  type RpcClient,
  type ServeProcess,
} from '../../helpers/serve.ts';
import { enroll, makePerson } from '../../helpers/person.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const PROFILE = 'alice';
let anvil: AnvilInstance;
let emitter: Address;
const dirs: ReturnType<typeof makeTempDir>[] = [];
const running = new Set<ServeProcess>();

function tempDir(): string {
  const dir = makeTempDir();
  dirs.push(dir);
  return dir.path;
}

interface Session {
  server: ServeProcess;
  rpc: RpcClient;
}

async function serve(dataDir: string): Promise<Session> {
  const server = await startServe({ dataDir, args: ['--profile', PROFILE] });
  running.add(server);
  return { server, rpc: await connectRpc(server.wsUrl) };
}

async function stop(session: Session, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  session.rpc.close();
  await session.server.kill(signal);
  running.delete(session.server);
}

interface AuditPage {
  entries: AuditEntry[];
  nextCursor?: string;
  total: number;
}

/** The test anvil as chain "Anvil", events confirmed at once. */
const addAnvilChain = (rpc: RpcClient) =>
  rpc.call('chains.add', {
    name: 'Anvil',
    chainId: anvil.chainId,
    rpcUrls: [anvil.rpcUrl],
    confirmations: 0,
  });

const list = (rpc: RpcClient, filters: Record<string, unknown> = {}) =>
  rpc.call<AuditPage>('audit.list', { limit: 1000, ...filters });

let signerKey: { privateKey: `0x${string}`; address: Address };

beforeAll(async () => {
  await requireKeychain();
  anvil = await startAnvil();
  signerKey = await fundedKey(anvil.rpcUrl);
  emitter = await deployContract(anvil.rpcUrl, 'Emitter');
  for (let i = 0; i < 5; i++) await emitMany(anvil.rpcUrl, emitter, 10);
});

afterAll(async () => {
  await Promise.all([...running].map((server) => server.kill('SIGKILL')));
  await anvil?.stop();
  for (const dir of dirs) dir.remove();
});

// ---- every action, and how to trigger it ------------------------------------------------

interface Scenario {
  session: Session;
  dataDir: string;
  /** Stops serve cleanly and starts it again on the same data directory. */
  restart(): Promise<void>;
}

interface Trigger {
  /** Does what should be recorded; returns the subject the entry must name. */
  run(scenario: Scenario): Promise<string>;
  actor: typeof PROFILE | 'system';
}

/** Actions that belong to work not on this branch yet; their row gets a trigger when it lands. */
interface Pending {
  pending: string;
}

const DEAD = '0x000000000000000000000000000000000000dEaD';

/** A proposal from the imported signer: a value transfer, or `overrides` of it. */
async function proposeFromSigner(
  session: Session,
  overrides: Record<string, unknown> = {},
): Promise<Transaction> {
  return session.rpc.call<Transaction>('txs.propose', {
    chainId: anvil.chainId,
    from: signerKey.address,
    to: DEAD,
    value: '1000',
    ...overrides,
  });
}

/** Waits until the transaction is in one of `statuses` (with automine, sent passes quickly). */
async function txStatus(
  session: Session,
  id: number,
  ...statuses: Transaction['status'][]
): Promise<void> {
  await waitFor(async () =>
    statuses.includes((await session.rpc.call<Transaction>('txs.get', { id })).status),
  );
}

const SENT_OR_LATER: Transaction['status'][] = ['sent', 'mined', 'confirmed'];

/** Proposes and approves a transfer; returns it once one of `statuses` is reached. */
async function sendFromSigner(
  session: Session,
  ...statuses: Transaction['status'][]
): Promise<Transaction> {
  const proposed = await proposeFromSigner(session);
  await session.rpc.call('txs.approve', {
    id: proposed.id,
    seenSimulation: proposed.simulation!.id,
  });
  await txStatus(session, proposed.id, ...statuses);
  return proposed;
}

/** Runs `during` with automine off: transactions wait in the pool until mined by hand. */
async function withoutAutomine<T>(during: () => Promise<T>): Promise<T> {
  await rawRpc(anvil.rpcUrl, 'evm_setAutomine', [false]);
  try {
    return await during();
  } finally {
    await rawRpc(anvil.rpcUrl, 'evm_setAutomine', [true]);
  }
}

/**
 * Sends a transfer with automine off, replaces it while pending (`txs.speedUp` or `txs.cancel`),
 * approves and mines the replacement, and waits for the original to end as `ending`.
 */
function replaceWhileSent(
  session: Session,
  replace: 'txs.speedUp' | 'txs.cancel',
  ending: 'replaced' | 'cancelled',
): Promise<string> {
  return withoutAutomine(async () => {
    const original = await sendFromSigner(session, 'sent');
    const replacement = await session.rpc.call<Transaction>(replace, { id: original.id });
    await session.rpc.call('txs.approve', {
      id: replacement.id,
      seenSimulation: replacement.simulation!.id,
    });
    await txStatus(session, replacement.id, 'sent');
    await mineBlocks(anvil.rpcUrl, 1);
    await txStatus(session, original.id, ending);
    return `tx:${original.id}`;
  });
}

/** Waits until the watcher has stored the chain up to its head (before a reorg replaces it). */
async function indexedToHead(session: Session): Promise<void> {
  const head = await headBlock(anvil.rpcUrl);
  await waitFor(async () => {
    const drift = await session.rpc.call<{ chains: { indexedThrough: number | null }[] }>(
      'drift.get',
    );
    return (drift.chains[0]?.indexedThrough ?? 0) >= head;
  });
}

/** A request only a person may make: the approvals the signer needs, set to what it was. */
async function requireOneApproval(session: Session): Promise<void> {
  await session.rpc.call('signers.setApprovalsRequired', {
    address: signerKey.address,
    required: 1,
  });
}

/** Signers and the transaction queue (issue 4): every step of a transaction's life. */
function transactionTriggers(): Record<
  Extract<AuditAction, `signer.${string}` | `tx.${string}` | `approv${string}`>,
  Trigger
> {
  let generated = '';
  let simulated = 0;
  const sent: Trigger['run'] = async ({ session }) =>
    `tx:${(await sendFromSigner(session, ...SENT_OR_LATER)).id}`;
  const confirmed: Trigger['run'] = async ({ session }) =>
    `tx:${(await sendFromSigner(session, 'confirmed')).id}`;
  return {
    'signer.imported': {
      actor: PROFILE,
      async run({ session }) {
        await session.rpc.call('signers.import', {
          privateKey: signerKey.privateKey,
          label: 'ops',
        });
        return `signer:${signerKey.address}`;
      },
    },
    // The import above needed a person: the test's operator enrolled on first need.
    'approver.enrolled': {
      actor: PROFILE,
      async run({ session }) {
        const second = makePerson('second approver', `http://localhost:${session.server.port}`);
        const asOperator = { ...defaultPerson, origin: second.origin };
        await enroll((name, input) => session.rpc.call(name, input), second, asOperator);
        return `approver:${second.authenticator.credentialId}`;
      },
    },
    'approval.given': {
      actor: PROFILE,
      async run({ session }) {
        await requireOneApproval(session);
        return `approver:${defaultPerson.authenticator.credentialId}`;
      },
    },
    'signer.approvals-changed': {
      actor: PROFILE,
      async run({ session }) {
        await requireOneApproval(session);
        return `signer:${signerKey.address}`;
      },
    },
    'signer.generated': {
      actor: PROFILE,
      async run({ session }) {
        generated = (
          await session.rpc.call<{ address: string }>('signers.generate', { label: 'spare' })
        ).address;
        return `signer:${generated}`;
      },
    },
    'signer.backed-up': {
      actor: PROFILE,
      async run({ session }) {
        await session.rpc.call('signers.backup', {
          address: generated,
          passphrase: 'a passphrase for the audit test',
        });
        return `signer:${generated}`;
      },
    },
    'signer.removed': {
      actor: PROFILE,
      async run({ session }) {
        await session.rpc.call('signers.remove', { address: generated });
        return `signer:${generated}`;
      },
    },
    'tx.proposed': {
      actor: PROFILE,
      async run({ session }) {
        simulated = (await proposeFromSigner(session)).id;
        return `tx:${simulated}`;
      },
    },
    'tx.simulated': {
      actor: PROFILE,
      async run({ session }) {
        await session.rpc.call('txs.simulate', { id: simulated });
        return `tx:${simulated}`;
      },
    },
    'tx.rejected': {
      actor: PROFILE,
      async run({ session }) {
        await session.rpc.call('txs.reject', { id: simulated, reason: 'not needed' });
        return `tx:${simulated}`;
      },
    },
    'tx.approved': { actor: PROFILE, run: sent },
    'tx.signed': { actor: 'system', run: sent },
    'tx.sent': { actor: 'system', run: sent },
    'tx.mined': { actor: 'system', run: confirmed },
    'tx.confirmed': { actor: 'system', run: confirmed },
    'tx.failed': {
      actor: 'system',
      async run({ session }) {
        // Emitter takes no value: the call reverts, and is sent anyway with the override.
        const proposed = await proposeFromSigner(session, { to: emitter, value: '1' });
        await session.rpc.call('txs.approve', { id: proposed.id, overrideRevert: true });
        await txStatus(session, proposed.id, 'failed');
        return `tx:${proposed.id}`;
      },
    },
    'tx.replaced': {
      actor: 'system',
      run: ({ session }) => replaceWhileSent(session, 'txs.speedUp', 'replaced'),
    },
    'tx.cancelled': {
      actor: 'system',
      run: ({ session }) => replaceWhileSent(session, 'txs.cancel', 'cancelled'),
    },
    'tx.dropped': {
      actor: 'system',
      run: ({ session }) =>
        withoutAutomine(async () => {
          const pending = await sendFromSigner(session, 'sent');
          const { hash } = await session.rpc.call<Transaction>('txs.get', { id: pending.id });
          await rawRpc(anvil.rpcUrl, 'anvil_dropTransaction', [hash]);
          await txStatus(session, pending.id, 'dropped');
          return `tx:${pending.id}`;
        }),
    },
    'tx.unmined': {
      actor: 'system',
      run: ({ session }) =>
        withoutAutomine(async () => {
          const pending = await sendFromSigner(session, 'sent');
          await mineBlocks(anvil.rpcUrl, 1);
          await txStatus(session, pending.id, 'confirmed');
          await rawRpc(anvil.rpcUrl, 'anvil_reorg', [1, []]);
          return `tx:${pending.id}`;
        }),
    },
  };
}

/** The newest firing of a rule, once there is one newer than `after` (a firing id). */
async function newFiring(session: Session, ruleId: string, after?: string): Promise<string> {
  return waitFor(async () => {
    const { firings } = await session.rpc.call<{ firings: { id: string }[] }>(
      'alerts.firings.list',
      { ruleId, limit: 1 },
    );
    const newest = firings[0]?.id;
    return newest !== undefined && newest !== after ? newest : undefined;
  });
}

/** Alert rules and firings (issue 6), on the watched Emitter's Ping events. */
function alertTriggers(): Record<
  Extract<AuditAction, `rule.${string}` | `alert.${string}`>,
  Trigger
> {
  const ping = () => ({
    name: 'Pings',
    kind: 'event' as const,
    contractId: contractId(),
    eventName: 'Ping',
    condition: 'seq >= 0',
    channels: [{ type: 'in-app' }, { type: 'desktop' }],
  });
  let ruleId = '';
  let lastFiring: string | undefined;
  /** Emits one Ping and returns the firing it caused. */
  const fireOnce = async (session: Session): Promise<string> => {
    await emitMany(anvil.rpcUrl, emitter, 1);
    lastFiring = await newFiring(session, ruleId, lastFiring);
    return lastFiring;
  };
  return {
    'rule.created': {
      actor: PROFILE,
      async run({ session }) {
        ruleId = (await session.rpc.call<{ rule: { id: string } }>('alerts.rules.save', ping()))
          .rule.id;
        return `rule:${ruleId}`;
      },
    },
    'rule.changed': {
      actor: PROFILE,
      async run({ session }) {
        await session.rpc.call('alerts.rules.save', {
          ...ping(),
          id: ruleId,
          severity: 'critical',
        });
        return `rule:${ruleId}`;
      },
    },
    'rule.enabled': {
      actor: PROFILE,
      async run({ session }) {
        await session.rpc.call('alerts.rules.setEnabled', { id: ruleId, enabled: true });
        return `rule:${ruleId}`;
      },
    },
    'alert.fired': {
      actor: 'system',
      run: async ({ session }) => `firing:${await fireOnce(session)}`,
    },
    // The desktop channel's delivery: handed to the desktop shell (a push) as soon as it fires.
    'alert.delivered': {
      actor: 'system',
      run: async ({ session }) => `firing:${await fireOnce(session)}`,
    },
    'alert.acknowledged': {
      actor: PROFILE,
      async run({ session }) {
        await session.rpc.call('alerts.ack', { ids: [lastFiring] });
        return `firing:${lastFiring}`;
      },
    },
    'alert.suppressed': {
      actor: 'system',
      async run({ session }) {
        await session.rpc.call('alerts.rules.save', {
          ...ping(),
          id: ruleId,
          enabled: true,
          cooldownSeconds: 3600,
        });
        return `firing:${await fireOnce(session)}`;
      },
    },
    'alert.retracted': {
      actor: 'system',
      async run({ session }) {
        await session.rpc.call('alerts.rules.save', { ...ping(), id: ruleId, enabled: true });
        const firing = await fireOnce(session);
        await indexedToHead(session);
        // The Ping's block is replaced by an empty one: its event, and the firing, are gone.
        await reorg(anvil.rpcUrl, 1, []);
        return `firing:${firing}`;
      },
    },
    'alert.resolved': {
      actor: 'system',
      async run({ session }) {
        // A dead-man's switch: no Ping for 2 s fires it; the next Ping ends the episode.
        const silence = (
          await session.rpc.call<{ rule: { id: string } }>('alerts.rules.save', {
            name: 'Pings stopped',
            kind: 'silence',
            contractId: contractId(),
            eventName: 'Ping',
            withinSeconds: 2,
            enabled: true,
          })
        ).rule.id;
        const firing = await newFiring(session, silence);
        await emitMany(anvil.rpcUrl, emitter, 1);
        await waitFor(async () => {
          const { firings } = await session.rpc.call<{ firings: { id: string; state: string }[] }>(
            'alerts.firings.list',
            { ruleId: silence },
          );
          return firings.find((candidate) => candidate.id === firing)?.state === 'resolved';
        });
        await session.rpc.call('alerts.rules.remove', { id: silence });
        return `firing:${firing}`;
      },
    },
    'rule.disabled': {
      actor: PROFILE,
      async run({ session }) {
        await session.rpc.call('alerts.rules.setEnabled', { id: ruleId, enabled: false });
        return `rule:${ruleId}`;
      },
    },
    'rule.removed': {
      actor: PROFILE,
      async run({ session }) {
        await session.rpc.call('alerts.rules.remove', { id: ruleId });
        return `rule:${ruleId}`;
      },
    },
  };
}

const contractId = (): string => `${anvil.chainId}:${emitter.toLowerCase()}`;
const workspaceYaml = (): string =>
  [
    'version: 1',
    'chains:',
    `  - { name: Anvil again, chainId: ${anvil.chainId}, rpcUrls: ['${anvil.rpcUrl}'], confirmations: 0 }`,
    'contracts:',
    `  - { name: Emitter again, chainId: ${anvil.chainId}, address: '${emitter}', startBlock: 0, abi: ['event Ping(uint256 indexed seq, address indexed sender, uint256 value)'] }`,
  ].join('\n');

/**
 * One row per action in actions.ts (the type makes a new action a compile error here until it
 * has a row). Rows run in this order, each on the state the rows before it left.
 */
const triggers: { [A in AuditAction]: Trigger | Pending } = {
  'app.started': { actor: 'system', run: async () => 'app' },
  'chain.added': {
    actor: PROFILE,
    async run({ session }) {
      await addAnvilChain(session.rpc);
      return `chain:${anvil.chainId}`;
    },
  },
  'chain.changed': {
    actor: PROFILE,
    async run({ session }) {
      await session.rpc.call('chains.update', {
        chainId: anvil.chainId,
        name: 'Anvil local',
        rpcUrls: [anvil.rpcUrl, anvil.wsUrl],
      });
      return `chain:${anvil.chainId}`;
    },
  },
  'contract.added': {
    actor: PROFILE,
    async run({ session }) {
      await session.rpc.call('contracts.add', {
        chainId: anvil.chainId,
        address: emitter,
        abi: loadArtifact('Emitter').abi,
        startBlock: 0,
        name: 'Emitter',
      });
      return `contract:${contractId()}`;
    },
  },
  'contract.upgraded': {
    pending:
      'needs a proxy deployed and upgraded; test/integration/discover/proxies.test.ts checks the entry',
  },
  'safe.signed': {
    pending:
      'needs the Safe contracts on anvil; test/integration/safes/safe-proposals.test.ts checks it',
  },
  'safe.signature-imported': {
    pending:
      'needs the Safe contracts on anvil; test/integration/safes/safe-proposals.test.ts checks it',
  },
  'safe.execution-proposed': {
    pending:
      'needs the Safe contracts on anvil; test/integration/safes/safe-proposals.test.ts checks it',
  },
  'safe.executed': {
    pending:
      'needs the Safe contracts on anvil; test/integration/safes/safe-proposals.test.ts checks it',
  },
  'safe.superseded': {
    pending:
      'needs the Safe contracts on anvil; test/integration/safes/safe-proposals.test.ts checks it',
  },
  'safe.proposal-exported': {
    pending:
      'needs a Safe proposal on anvil; test/integration/safes/safe-signature-exchange.test.ts checks it',
  },
  'policy.created': {
    pending:
      'needs a keychain signer and a person for the gate; test/integration/automation/policies.test.ts checks it',
  },
  'policy.changed': {
    pending:
      'needs a keychain signer and a person for the gate; test/integration/automation/policies.test.ts checks it',
  },
  'policy.removed': {
    pending:
      'needs a keychain signer and a person for the gate; test/integration/automation/policies.test.ts checks it',
  },
  'policy.enabled': {
    pending:
      'needs a keychain signer and a person for the gate; test/integration/automation/policies.test.ts checks it',
  },
  'policy.disabled': {
    pending:
      'needs a keychain signer and a person for the gate; test/integration/automation/policies.test.ts checks it',
  },
  'policy.refused': {
    pending:
      'needs a keychain signer, a policy and a rule that executes under it; test/integration/automation/policy-approval.test.ts checks it',
  },
  'automation.paused': {
    pending:
      'needs a keychain signer and a person for the gate; test/integration/automation/policies.test.ts checks it',
  },
  'automation.resumed': {
    pending:
      'needs a keychain signer and a person for the gate; test/integration/automation/policies.test.ts checks it',
  },
  'schedule.created': {
    pending: 'needs a keychain signer; test/integration/automation/schedules.test.ts checks it',
  },
  'schedule.changed': {
    pending: 'needs a keychain signer; test/integration/automation/schedules.test.ts checks it',
  },
  'schedule.removed': {
    pending: 'needs a keychain signer; test/integration/automation/schedules.test.ts checks it',
  },
  'schedule.enabled': {
    pending: 'needs a keychain signer; test/integration/automation/schedules.test.ts checks it',
  },
  'schedule.disabled': {
    pending: 'needs a keychain signer; test/integration/automation/schedules.test.ts checks it',
  },
  'safe.added': {
    pending:
      'needs the Safe contracts on anvil; test/integration/safes/safe-accounts.test.ts checks it',
  },
  'safe.removed': {
    pending:
      'needs the Safe contracts on anvil; test/integration/safes/safe-accounts.test.ts checks it',
  },
  'safe.changed': {
    pending:
      'needs the Safe contracts on anvil; test/integration/safes/safe-accounts.test.ts checks it',
  },
  'contract.changed': {
    actor: PROFILE,
    async run({ session }) {
      await session.rpc.call('contracts.update', { id: contractId(), name: 'Emitter (ops)' });
      return `contract:${contractId()}`;
    },
  },
  ...transactionTriggers(),
  ...alertTriggers(),
  'reorg.detected': {
    actor: 'system',
    async run({ session }) {
      await emitMany(anvil.rpcUrl, emitter, 3);
      await emitMany(anvil.rpcUrl, emitter, 3);
      await indexedToHead(session);
      await reorg(anvil.rpcUrl, 2, [{ tx: emitManyTx(emitter, 2), offset: 0 }]);
      return `chain:${anvil.chainId}`;
    },
  },
  'contract.removed': {
    actor: PROFILE,
    async run({ session }) {
      await session.rpc.call('contracts.remove', { id: contractId() });
      return `contract:${contractId()}`;
    },
  },
  'chain.removed': {
    actor: PROFILE,
    async run({ session }) {
      await session.rpc.call('chains.remove', { chainId: anvil.chainId });
      return `chain:${anvil.chainId}`;
    },
  },
  'workspace.imported': {
    actor: PROFILE,
    async run({ session }) {
      await session.rpc.call('workspace.import', { yaml: workspaceYaml(), fileName: 'ops.yaml' });
      return 'workspace:ops.yaml';
    },
  },
  'explorer.key-set': {
    actor: PROFILE,
    async run({ session }) {
      await session.rpc.call('explorers.setApiKey', {
        service: 'etherscan',
        apiKey: 'AUDITTESTKEY0123456789',
      });
      return 'explorer:etherscan';
    },
  },
  'explorer.key-removed': {
    actor: PROFILE,
    async run({ session }) {
      await session.rpc.call('explorers.setApiKey', { service: 'etherscan', apiKey: null });
      return 'explorer:etherscan';
    },
  },
  // Sealed segments older than a retention take hours of a served run: recorded and checked
  // in-process (test/integration/store/retention.test.ts).
  'retention.deleted': { pending: 'sealed history past a retention (tested in-process)' },
  'audit.exported': {
    actor: PROFILE,
    async run({ session }) {
      await session.rpc.call('audit.export', { format: 'csv' });
      return 'audit';
    },
  },
  'app.stopped': {
    actor: 'system',
    async run(scenario) {
      await scenario.restart();
      return 'app';
    },
  },
};

describe('the audit log through the headless API', () => {
  it('has a row for every action in actions.ts', () => {
    expect(Object.keys(triggers).sort()).toEqual(Object.values(auditActions).sort());
  });

  it(
    'records every action that exists on this branch, by the right actor, about the right subject',
    { timeout: 240_000 },
    async () => {
      const dataDir = tempDir();
      const scenario: Scenario = {
        session: await serve(dataDir),
        dataDir,
        async restart() {
          await stop(scenario.session);
          scenario.session = await serve(dataDir);
        },
      };
      const recorded: string[] = [];
      for (const [action, trigger] of Object.entries(triggers) as [
        AuditAction,
        Trigger | Pending,
      ][]) {
        if ('pending' in trigger) continue;
        const before = (await list(scenario.session.rpc, { limit: 1 })).entries[0]?.seq ?? 0;
        const subject = await trigger.run(scenario);
        // System actions (a reorg) are recorded when the engine gets to them.
        const entry = await waitFor(async () => {
          const { entries } = await list(scenario.session.rpc, { action });
          return entries.find((candidate) =>
            action === 'app.started' ? true : candidate.seq > before,
          );
        }, 60_000);
        expect(entry, action).toMatchObject({ action, subject, actor: trigger.actor });
        recorded.push(action);
      }
      expect(recorded).toHaveLength(
        Object.values(triggers).filter((trigger) => !('pending' in trigger)).length,
      );

      const { rpc } = scenario.session;
      // What changed is in the details, before → after.
      const [chainChanged] = (await list(rpc, { action: 'chain.changed' })).entries;
      expect(chainChanged!.details).toEqual({
        name: 'Anvil local',
        changes: {
          name: { from: 'Anvil', to: 'Anvil local' },
          rpcUrls: { from: [anvil.rpcUrl], to: [anvil.rpcUrl, anvil.wsUrl] },
        },
      });
      const [contractChanged] = (await list(rpc, { action: 'contract.changed' })).entries;
      expect(contractChanged!.details).toMatchObject({
        changes: { name: { from: 'Emitter', to: 'Emitter (ops)' } },
      });
      const [exported] = (await list(rpc, { action: 'audit.exported' })).entries;
      expect(exported!.details).toMatchObject({ format: 'csv', fromSeq: 1 });
      expect(existsSync(exported!.details['path'] as string)).toBe(true);
      // The app stopped once, between two starts.
      const lifecycle = (await list(rpc, { subject: 'app', order: 'asc' })).entries.map(
        (entry) => entry.action,
      );
      expect(lifecycle).toEqual(['app.started', 'app.stopped', 'app.started']);
      expect(await rpc.call('audit.verify')).toMatchObject({ intact: true });
      await stop(scenario.session);
    },
  );

  it('changes nothing and records nothing for an update that is refused or changes nothing', async () => {
    const session = await serve(tempDir());
    const { rpc } = session;
    await addAnvilChain(rpc);
    const before = (await list(rpc)).total;
    // An RPC URL for another chain is refused exactly as chains.add refuses it.
    const other = await startAnvil({ chainId: 999 });
    try {
      await expect(
        rpc.call('chains.update', {
          chainId: anvil.chainId,
          rpcUrls: [anvil.rpcUrl, other.rpcUrl],
        }),
      ).rejects.toMatchObject({ data: { code: 'CHAIN_ID_MISMATCH', field: 'rpcUrls[1]' } });
    } finally {
      await other.stop();
    }
    await expect(rpc.call('chains.update', { chainId: 5 })).rejects.toMatchObject({
      data: { code: 'INVALID_INPUT' },
    });
    await expect(rpc.call('chains.update', { chainId: 5, name: 'x' })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND', field: 'chainId' },
    });
    expect(
      await rpc.call('chains.update', { chainId: anvil.chainId, name: 'Anvil' }),
    ).toMatchObject({
      name: 'Anvil',
      rpcUrls: [anvil.rpcUrl],
    });
    expect((await list(rpc)).total).toBe(before);
    expect(await rpc.call('chains.list')).toEqual([
      {
        chainId: anvil.chainId,
        name: 'Anvil',
        rpcUrls: [anvil.rpcUrl],
        confirmations: 0,
        nativeCurrency: { symbol: 'ETH', decimals: 18 },
      },
    ]);
    await stop(session);
  });

  it('keeps an acknowledged entry through kill -9, and the chain still verifies', async () => {
    const dataDir = tempDir();
    let session = await serve(dataDir);
    await addAnvilChain(session.rpc);
    await session.rpc.call('chains.update', { chainId: anvil.chainId, confirmations: 3 });
    // Killed right after the acknowledgment: no snapshot has been taken since.
    await stop(session, 'SIGKILL');

    session = await serve(dataDir);
    const actions = (await list(session.rpc, { order: 'asc' })).entries.map(
      (entry) => entry.action,
    );
    expect(actions).toEqual(['app.started', 'chain.added', 'chain.changed', 'app.started']);
    expect(await session.rpc.call('audit.verify')).toMatchObject({
      intact: true,
      count: 4,
      firstSeq: 1,
      lastSeq: 4,
    });
    const status = await session.rpc.call<{ startCheck: { verification: { intact: boolean } } }>(
      'audit.status',
    );
    expect(status.startCheck.verification.intact).toBe(true);
    expect(await session.rpc.call('chains.list')).toMatchObject([{ confirmations: 3 }]);
    await stop(session);
  });

  it('exports to the exports folder for download behind the token, and checks exported files', async () => {
    const dataDir = tempDir();
    const outDir = tempDir();
    const session = await serve(dataDir);
    const { rpc, server } = session;
    await addAnvilChain(rpc);

    // A script over the network does not pick paths on this machine: the exports folder only.
    const written = await rpc.call<{
      exportId: string;
      count: number;
      downloadable: boolean;
      path: string;
      fileName: string;
    }>('audit.export', { format: 'jsonl', exportId: 'script-1' });
    const path = join(dataDir, 'exports', written.fileName);
    expect(written).toMatchObject({ exportId: 'script-1', count: 2, downloadable: true, path });
    expect((await verifyAuditExportFile(path)).verification).toMatchObject({
      intact: true,
      count: 2,
    });
    await waitFor(() =>
      rpc.notifications.some(
        (note) =>
          note.method === 'audit.exportProgress' &&
          (note.params as { exportId: string; written: number }).exportId === 'script-1' &&
          (note.params as { written: number }).written === 2,
      ),
    );
    // The app checks files by text or path, and says whether its own log agrees.
    expect(await rpc.call('audit.verifyExport', { path })).toMatchObject({
      format: 'jsonl',
      verification: { intact: true, count: 2 },
      liveLog: 'matches',
    });
    const edited = readFileSync(path, 'utf8').replace('"name":"Anvil"', '"name":"Anvi1"');
    expect(
      await rpc.call('audit.verifyExport', { text: edited, fileName: 'x.jsonl' }),
    ).toMatchObject({
      verification: { intact: false, kind: 'edited', atSeq: 2, atPosition: 3 },
    });

    // Any path from over the network is refused with the reason (a shell start-up file, the
    // journal, anywhere); nothing is written.
    for (const badPath of [
      join(outDir, 'audit.jsonl'),
      join(outDir, '.bashrc'),
      'audit.jsonl',
      join(dataDir, 'store.sqlite'),
    ]) {
      const error = await rpc
        .call('audit.export', { format: 'csv', path: badPath })
        .catch((e) => e);
      expect(error, badPath).toBeInstanceOf(RpcCallError);
      expect((error as RpcCallError).data).toMatchObject({
        code: 'EXPORT_PATH_INVALID',
        field: 'path',
        details: { reason: 'exports-folder-only' },
      });
    }
    expect(readdirSync(outDir)).toEqual([]);
    // Nor a desktop save-dialog handle: only the desktop app that gave one can redeem it.
    const byHandle = await rpc
      .call('audit.export', { format: 'csv', handle: 'A'.repeat(24) })
      .catch((e) => e);
    expect((byHandle as RpcCallError).data).toMatchObject({
      code: 'EXPORT_PATH_INVALID',
      field: 'handle',
      details: { reason: 'handle-elsewhere' },
    });

    // Headless: no path, and the browser downloads the file behind the token.
    const forDownload = await rpc.call<{ fileName: string; downloadable: boolean; count: number }>(
      'audit.export',
      { format: 'csv' },
    );
    expect(forDownload.downloadable).toBe(true);
    const base = `http://127.0.0.1:${server.port}/exports/`;
    const url = `${base}${encodeURIComponent(forDownload.fileName)}`;
    const bearer = { headers: { authorization: `Bearer ${server.token}` } };
    const response = await fetch(url, bearer);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="${forDownload.fileName}"`,
    );
    const check = await verifyAuditExport(await response.text());
    expect(check).toMatchObject({ format: 'csv', verification: { intact: true } });
    expect(check.verification.intact && check.verification.count).toBe(forDownload.count);

    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    // The token in a query is not a credential (it would end up in logs and history).
    expect((await fetch(`${url}?token=${encodeURIComponent(server.token)}`)).status).toBe(401);
    for (const name of [
      '..%2fjournal.ndjson',
      '%2e%2e%2fstore.sqlite',
      'vigil-audit-20250101-000000.jsonl',
    ])
      expect((await fetch(`${base}${name}`, bearer)).status, name).toBe(404);
    await stop(session);
  });

  it(
    'reports a data directory tampered with on disk loudly at start, loads nothing of the edit, and destroys nothing',
    { timeout: 120_000 },
    async () => {
      const dataDir = tempDir();
      let session = await serve(dataDir);
      await addAnvilChain(session.rpc);
      await stop(session);
      const journalAsFound = readFileSync(join(dataDir, 'journal.ndjson'), 'utf8');

      // Someone with the files changes entry 2 (chain.added) inside the snapshot, and writes it
      // back with a fresh checksum; the snapshot's MAC needs the key in the OS keychain.
      const tampered = await editSnapshot(
        dataDir,
        `UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`,
      );

      session = await serve(dataDir);
      expect(session.server.output()).toMatch(
        /SAFE MODE: Vigil signs nothing until a person acknowledges\. Snapshot \S+store\.sqlite: it carries a plain checksum where its MAC should be/,
      );
      const { safeMode } = await session.rpc.call<{ safeMode: SafeMode }>('status.get');
      expect(safeMode.active).toBe(true);
      // The file as found is kept, byte for byte, beside the data the app goes on using.
      const kept = safeMode.quarantined[0]!;
      expect(kept).toMatch(/store\.sqlite\.quarantined-\d+$/);
      expect(readFileSync(kept).equals(tampered)).toBe(true);
      // The journal as found is kept as it was; this start appended its own entries after it.
      expect(readFileSync(join(dataDir, 'journal.ndjson'), 'utf8').startsWith(journalAsFound)).toBe(
        true,
      );
      // The edit was never loaded: every entry is there as written, the chain intact, and the
      // start that found the edit says so in its own entry.
      const entries = (await list(session.rpc, { order: 'asc' })).entries;
      expect(entries.map((entry) => entry.action)).toEqual([
        'app.started',
        'chain.added',
        'app.stopped',
        'app.started',
      ]);
      expect(entries[1]!.actor).not.toBe('mallory');
      expect(entries[3]!.details).toMatchObject({
        auditIntact: true,
        safeMode: [expect.stringMatching(/store\.sqlite: it carries a plain checksum/)],
      });
      expect(await session.rpc.call('audit.verify')).toMatchObject({ intact: true });
      await stop(session);

      // Still in safe mode at the next start, still said; the quarantined file kept as is.
      session = await serve(dataDir);
      const again = await session.rpc.call<SafeMode>('integrity.status');
      expect(again).toMatchObject({ active: true, quarantined: [kept] });
      expect(readFileSync(kept).equals(tampered)).toBe(true);
      await stop(session);
    },
  );
});
