// Which requests only a person may make, and for each, the subject a person approves: its digest
// and the lines they are shown, built from main's own records and the request's input, never
// from anything the client describes. A request not listed here needs no person.
import { getAddress } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import type { RequestName, Retention, ValidatedInput } from '../../ipc/contract.ts';
import { formatTokenAmountExact } from '../../ipc/amounts.ts';
import { literallyInwardRpcUrls, nativeCurrencyOf, redactUrl } from '../chains/index.ts';
import { displayUrl } from '../keys/index.ts';
import { VigilError } from '../errors/index.ts';
import { parsePrivateKey } from '../keys/index.ts';
import type { Store } from '../store/index.ts';
import { safeSigningDigest, signingDigest, subjectDigest, type GateSubject } from './digest.ts';

/** What the operator allowed when starting Vigil, which some requests' need of a person depends on. */
export interface GatePolicy {
  /** --allow-private-rpc: RPC URLs on inward addresses need no person. */
  allowPrivateRpc?: boolean;
}

export type Describe<N extends RequestName> = (
  input: ValidatedInput<N>,
  store: Store,
  policy: GatePolicy,
) => GateSubject | null;

/**
 * A chain's RPC URLs that point inward (loopback, a private network, link-local, metadata): a
 * client alone must not make Vigil a way in there, so a person approves them (see
 * chains/rpc-destinations.ts), unless the operator started Vigil allowing them.
 */
function inwardRpcSubject(
  action: 'chains.add' | 'chains.update',
  chainId: number,
  rpcUrls: readonly string[],
  policy: GatePolicy,
): GateSubject | null {
  if (policy.allowPrivateRpc) return null;
  const inward = literallyInwardRpcUrls(rpcUrls);
  if (inward.length === 0) return null;
  return subject(action, { chainId, rpcUrls: inward }, [
    `Let Vigil connect to chain ${chainId} through RPC on a loopback or private address`,
    ...inward.map((url) => `RPC ${redactUrl(url)}`),
  ]);
}

/**
 * True when `after` keeps less of a contract's history than `before` in some dimension (an absent
 * limit keeps everything): rows it deletes cannot be fetched back from every RPC, so shortening
 * lowers a guard the way turning a rule off does. Lengthening or leaving it alone does not.
 */
export function shortensRetention(
  before: Retention | undefined,
  after: Retention | undefined,
): boolean {
  const limit = (retention: Retention | undefined, key: keyof Retention): number =>
    retention?.[key] ?? Number.POSITIVE_INFINITY;
  return (['days', 'events'] as const).some((key) => limit(after, key) < limit(before, key));
}

const describeRetention = (retention: Retention | undefined): string =>
  retention
    ? [
        retention.days !== undefined ? `${retention.days} day(s)` : null,
        retention.events !== undefined ? `${retention.events} event(s)` : null,
      ]
        .filter(Boolean)
        .join(' and ')
    : 'everything';

/**
 * "1.5 ETH (1500000000000000000 wei)", every digit (a person signs it: no rounding); just the
 * wei on a chain whose currency is not known.
 */
export function nativeWithWei(wei: string, chainId: number): string {
  const currency = nativeCurrencyOf(chainId);
  return currency ? `${formatTokenAmountExact(wei, currency)} (${wei} wei)` : `${wei} wei`;
}

/** What a person lets a policy send without them, every term listed. */
/** A gate subject: what a person approves, its digest over `what`, and the lines shown. */
interface SendingTerms {
  kind: unknown;
  contractId: unknown;
  eventName: unknown;
  condition: unknown;
  propose: { execute?: { policy: string }; [field: string]: unknown };
}

/** What decides when and what a rule sends: its trigger and its proposal; null without one. */
function sendingTerms(rule: Record<string, unknown>): SendingTerms | null {
  const propose = rule['propose'] as SendingTerms['propose'] | undefined;
  if (!propose) return null;
  return {
    kind: rule['kind'] ?? null,
    contractId: rule['contractId'] ?? null,
    eventName: rule['eventName'] ?? null,
    condition: rule['condition'] ?? null,
    propose,
  };
}

function sendingSummary(when: SendingTerms): string[] {
  const { propose } = when;
  const fn = propose['function'] as { name: string; args?: unknown[] } | undefined;
  return [
    `When ${String(when.kind)} rule fires${when.eventName ? ` on ${String(when.eventName)}` : ''}${when.condition ? ` where ${String(when.condition)}` : ''}`,
    `From ${String(propose['from'])} to ${String(propose['to'])} on chain ${String(propose['chainId'])}${fn ? `: ${fn.name}(${JSON.stringify(fn.args ?? []).slice(1, -1)})` : ''}`,
  ];
}

export function subject(action: string, what: unknown, summary: string[]): GateSubject {
  return { action, digest: subjectDigest(action, what), summary };
}

/** Describers by request; other rooms give theirs to the engine (see GateDescribers). */
export type GateDescribers = { [N in RequestName]?: Describe<N> };

const describers: GateDescribers = {
  'chains.add': (input, _store, policy) =>
    inwardRpcSubject('chains.add', input.chainId, input.rpcUrls, policy),
  'chains.update'(input, store, policy) {
    if (!input.rpcUrls) return null;
    // URLs sent back as views show them stand for stored ones, which were allowed before.
    const stored = new Set(store.findChain(input.chainId)?.rpcUrls.map(displayUrl) ?? []);
    const added = input.rpcUrls.filter((url) => !stored.has(url));
    return inwardRpcSubject('chains.update', input.chainId, added, policy);
  },
  'txs.approve'(input, store) {
    const tx = store.findTransaction(input.id);
    if (!tx)
      throw new VigilError('NOT_FOUND', `No transaction has id ${input.id}.`, { field: 'id' });
    const shown = tx.simulation;
    if (tx.status !== 'proposed' || !shown)
      throw new VigilError(
        'INVALID_STATE',
        tx.status !== 'proposed'
          ? `Transaction ${tx.id} is ${tx.status}, not awaiting approval.`
          : `Transaction ${tx.id} has not been simulated yet; simulate it and look at the result before approving.`,
        { field: 'id', details: { status: tx.status } },
      );
    const overrideRevert = Boolean(input.overrideRevert && !shown.success);
    if (tx.safe) {
      if (input.signer === undefined)
        throw new VigilError(
          'INVALID_INPUT',
          `signer: transaction ${tx.id} is a Safe proposal; choose the keychain signer (an owner of ${tx.from}) that signs it.`,
          { field: 'signer' },
        );
      const signer = getAddress(input.signer.toLowerCase());
      return {
        action: 'txs.approve',
        digest: safeSigningDigest(tx, shown, overrideRevert, signer),
        summary: [
          `Sign Safe proposal ${tx.id} on chain ${tx.chainId} as owner ${signer}`,
          `Safe ${tx.from}, Safe nonce ${tx.safe.nonce}`,
          `Safe transaction hash ${tx.safe.safeTxHash}`,
          `To ${tx.to}${tx.call.targetName ? ` (${tx.call.targetName})` : ''}${tx.safe.operation === 1 ? ' by DELEGATECALL (MultiSendCallOnly batch)' : ''}`,
          `Value ${nativeWithWei(tx.value, tx.chainId)}`,
          tx.safe.batch
            ? `Batch of ${tx.safe.batch.length} calls: ${tx.safe.batch.map((call) => call.call.signature ?? call.to).join(', ')}`
            : tx.call.signature
              ? `Call ${tx.call.signature}`
              : `Data ${tx.data.slice(0, 74)}`,
          shown.success
            ? 'Simulation: succeeds'
            : `Simulation: REVERTS (${shown.revertReason})${overrideRevert ? ' — signing anyway' : ''}`,
        ],
      };
    }
    return {
      action: 'txs.approve',
      digest: signingDigest(tx, shown, overrideRevert),
      summary: [
        `Sign transaction ${tx.id} on chain ${tx.chainId}`,
        `From ${tx.from}`,
        `To ${tx.to}${tx.call.targetName ? ` (${tx.call.targetName})` : ''}`,
        // The exact wei is what is signed; the reading beside it is for the person.
        `Value ${nativeWithWei(tx.value, tx.chainId)}`,
        tx.call.signature ? `Call ${tx.call.signature}` : `Data ${tx.data.slice(0, 74)}`,
        `Nonce ${shown.nonce}, gas limit ${shown.gasLimit}, at most ${nativeWithWei(shown.maxTotalCost, tx.chainId)} in all`,
        shown.success
          ? 'Simulation: succeeds'
          : `Simulation: REVERTS (${shown.revertReason})${overrideRevert ? ' — sending anyway' : ''}`,
      ],
    };
  },
  'signers.import'(input) {
    const address = privateKeyToAddress(parsePrivateKey(input.privateKey));
    return subject('signers.import', { address, label: input.label }, [
      `Import the key of ${address} as signer “${input.label}”`,
    ]);
  },
  'signers.remove'(input) {
    const address = getAddress(input.address.toLowerCase());
    const anyway = input.confirmFunds === true;
    return subject('signers.remove', { address, confirmFunds: anyway }, [
      `Remove signer ${address} and delete its key`,
      ...(anyway
        ? [
            'Even if it still holds funds or a balance cannot be read: they are lost without a backup',
          ]
        : []),
    ]);
  },
  'signers.backup'(input) {
    const address = getAddress(input.address.toLowerCase());
    return subject('signers.backup', { address }, [
      `Write the key of ${address}, encrypted with the passphrase given, to the exports folder`,
    ]);
  },
  'signers.setApprovalsRequired'(input) {
    const address = getAddress(input.address.toLowerCase());
    return subject('signers.setApprovalsRequired', { address, required: input.required }, [
      `Require ${input.required} distinct approver(s) for transactions from ${address}`,
    ]);
  },
  'alerts.rules.setEnabled'(input, store) {
    if (input.enabled) {
      const rule = store.alerts.findRule(input.id);
      const when = rule && !rule.enabled ? sendingTerms(rule.definition) : null;
      if (!when?.propose.execute) return null;
      return subject('alerts.rules.execute', { id: input.id, ...when }, [
        `Turn alert rule ${input.id} on: it sends on its own from now on`,
        ...sendingSummary(when),
      ]);
    }
    return subject('alerts.rules.disable', { id: input.id }, [`Turn alert rule ${input.id} off`]);
  },
  // A rule whose proposal executes under a policy sends without a person each time it fires:
  // turning one on (saved enabled, new or with other terms) is approved as enabling a policy is.
  'alerts.rules.save'(input, store) {
    const when = sendingTerms(input as Record<string, unknown>);
    if (!input.enabled || !when?.propose.execute) return null;
    const existing = input.id === undefined ? undefined : store.alerts.findRule(input.id);
    if (
      existing?.enabled &&
      JSON.stringify(sendingTerms(existing.definition)) === JSON.stringify(when)
    )
      return null;
    return subject('alerts.rules.execute', { id: input.id ?? input.name, ...when }, [
      `Alert rule “${input.name}” sends under policy ${when.propose.execute.policy} without a person, within its limits`,
      ...sendingSummary(when),
    ]);
  },
  'contracts.update'(input, store) {
    if (input.retention === undefined) return null;
    const contract = store.findContract(input.id);
    if (!contract)
      throw new VigilError('NOT_FOUND', `No watched contract has id ${input.id}.`, { field: 'id' });
    const after = input.retention ?? undefined;
    if (!shortensRetention(contract.retention, after)) return null;
    return subject('contracts.retention.shorten', { id: contract.id, retention: after }, [
      `Shorten the history kept for ${contract.name} (${contract.address} on chain ${contract.chainId})`,
      `From ${describeRetention(contract.retention)} to ${describeRetention(after)}; older rows are deleted`,
    ]);
  },
  'alerts.rules.remove'(input) {
    return subject('alerts.rules.remove', { id: input.id }, [`Remove alert rule ${input.id}`]);
  },
  'integrity.acknowledgeSafeMode'(_input, store) {
    // Bound to the findings as stored: an approval given for earlier findings does not cover new ones.
    return subject(
      'integrity.acknowledgeSafeMode',
      { findings: store.meta('integrity.safeMode') ?? null },
      [
        'Acknowledge safe mode: the data directory was altered outside Vigil',
        'Signing resumes only for records that verify; quarantined records stay out',
      ],
    );
  },
  'approvers.enroll'(input, store) {
    // The first approver of a fresh data directory is enrolled from this machine with the token.
    if (store.approvers.list().length === 0) return null;
    return subject('approvers.enroll', { name: input.name, credentialId: input.registration.id }, [
      `Enroll “${input.name}” (passkey ${input.registration.id.slice(0, 12)}…) as an approver`,
    ]);
  },
};

export function isGatedRequest(name: string, more: GateDescribers = {}): boolean {
  return (
    Object.prototype.hasOwnProperty.call(describers, name) ||
    Object.prototype.hasOwnProperty.call(more, name)
  );
}

/** The subject of a gated request, null when this input needs no person (turning a rule on). */
export function describeGatedRequest<N extends RequestName>(
  name: N,
  input: ValidatedInput<N>,
  store: Store,
  policy: GatePolicy = {},
  /** Describers of requests another room answers (automation's), given by the engine. */
  more: GateDescribers = {},
): GateSubject | null {
  const describe = (describers[name] ?? more[name]) as Describe<N> | undefined;
  return describe ? describe(input, store, policy) : null;
}
