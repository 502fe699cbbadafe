// What every stage of the queue shares: the store and chains it works on, the options it was
// started with, and the one way a transaction record changes (save, transition): journaled with
// its audit entry first, then told to the views and the other capabilities.
import type { Abi } from 'viem';
import type { PolicyDecision, Transaction, TxStatus } from '../../ipc/contract.ts';
import { SYSTEM_ACTOR, type AuditAction, type AuditDraft } from '../audit/index.ts';
import type { RpcPool } from '../chains/index.ts';
import type { ServiceContext } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import type { SignerVault } from '../keys/index.ts';
import type { Logger, RecordMac } from '../ports/index.ts';
import type { SafeRecord, Store, TimelineEntry, TransactionState } from '../store/index.ts';
import { keyAccount, type SendingAccount } from './account.ts';
import { createNonceManager, type NonceManager } from './nonce-manager.ts';
import { txSubject } from './tx-record.ts';

export interface TxQueueOptions {
  vault: SignerVault;
  /** Sent and not mined for this long: flagged as stuck. */
  stuckAfterMs?: number;
  /** How often in-flight transactions are checked when no new head arrives. */
  trackIntervalMs?: number;
  /** Fault injection for crash tests: called at each step boundary with its name. */
  crashPoint?: (point: TxCrashPoint) => void;
  /**
   * Safe mode (see integrity/safe-mode.ts): while it refuses, nothing is approved, signed or
   * sent; when a person lifts it, what the journal says was approved or signed resumes.
   */
  safeMode?: {
    signingRefusal(what: string): VigilError | null;
    onLifted(listener: () => void): void;
  };
  /** The data directory's MAC: each approval record is sealed with it and checked before signing. */
  approvalMac?: RecordMac;
  /** An approval older than this when a restart resumes it is simulated again first (5 min). */
  staleApprovalMs?: number;
  /** MultiSendCallOnly by chain id, where it is not at Safe 1.4.1's canonical address. */
  multiSendCallOnly?: Record<string, string>;
  /**
   * Reads an added Safe (id `chainId:address`) from the chain again and stores what changed (the
   * Safe accounts service's refresh): signatures are checked against the owners and threshold now.
   */
  refreshSafe?(id: string): Promise<SafeRecord>;
  /** How often live Safe proposals are checked against the chain (approveHash, executed elsewhere); 0: off. */
  safeFollowMs?: number;
  /** A Safe Transaction Service per chain id (its root URL), where the operator set one. */
  safeServiceUrls?: Record<string, string>;
  /**
   * Evaluates the policy a proposal was proposed under (automation's, given at the composition
   * root); without it every such proposal waits for a person.
   */
  policyApprover?: PolicyApprover;
}

/** Whether policy `policyId` approves `tx` as simulated now; built at the composition root. */
export type PolicyApprover = (policyId: string, tx: Transaction) => PolicyDecision;

/** The step boundaries of a transaction's way out, where crash tests stop the process. */
export type TxCrashPoint =
  | 'tx.approved'
  | 'tx.signed'
  | 'tx.sent'
  | 'safe.signed'
  /** A proposal under a policy is durable and simulated; its policy has not decided. */
  | 'policy.undecided';

/** A change to a record: its timeline status and note, and the audit entry it makes. */
export interface RecordChange {
  status?: string;
  note?: string | null;
  audit?: AuditAction;
  actor?: string;
  details?: Record<string, unknown>;
}

export interface Transition {
  audit?: AuditAction;
  note?: string | null;
  patch?: Partial<Transaction>;
  details?: Record<string, unknown>;
  /** The operator for their own decisions; system for everything that follows on its own. */
  actor?: string;
}

export interface QueueContext {
  store: Store;
  log: Logger;
  /** The engine's side: the operator's name, pushes to the views, events, chain access. */
  service: ServiceContext;
  options: TxQueueOptions;
  rpc(chainId: number): RpcPool;
  nonces: NonceManager;
  /** Transactions a step is working on now; the tracker leaves them alone. */
  busy: Set<number>;
  requireTx(id: number): Transaction;
  /** Makes a change durable (journaled, with its audit entry), then tells the views. */
  save(tx: Transaction, change: RecordChange): Transaction;
  transition(tx: Transaction, status: TxStatus, change?: Transition): Transaction;
  /** The ABI and name of a watched contract, when `address` is one on that chain. */
  watchedAbi(chainId: number, address: string): { abi: Abi; name: string } | undefined;
  /** Throws while safe mode refuses signing. */
  refuseInSafeMode(what: string): void;
  /** The account a transaction from `address` is signed and sent as. */
  accountOf(address: string): SendingAccount;
}

export function createQueueContext(service: ServiceContext, options: TxQueueOptions): QueueContext {
  const { store } = service;
  const rpc = (chainId: number) => service.chains.rpc(chainId);

  function requireTx(id: number): Transaction {
    const tx = store.findTransaction(id);
    if (!tx) throw new VigilError('NOT_FOUND', `No transaction has id ${id}.`, { field: 'id' });
    return tx;
  }

  function stateOf(tx: Transaction): TransactionState {
    const { timeline: _timeline, ...state } = tx;
    return state;
  }

  /** Returns the record as stored. */
  function save(tx: Transaction, change: RecordChange): Transaction {
    const at = Date.now();
    const next: TransactionState = { ...stateOf(tx), updatedAt: at };
    const timeline: TimelineEntry | undefined = change.status
      ? { at, status: change.status, note: change.note ?? null }
      : undefined;
    const audit: AuditDraft[] = change.audit
      ? [
          {
            actor: change.actor ?? SYSTEM_ACTOR,
            action: change.audit,
            subject: txSubject(tx.id),
            details: {
              chainId: tx.chainId,
              from: tx.from,
              ...(tx.nonce === null ? {} : { nonce: tx.nonce }),
              ...(tx.hash === null ? {} : { hash: tx.hash }),
              ...change.details,
            },
          },
        ]
      : [];
    store.execute({ type: 'tx.put', tx: next, ...(timeline ? { timeline } : {}) }, audit);
    const saved = store.findTransaction(tx.id)!;
    service.push('txs.changed', { txs: [saved] });
    service.events.emit('tx', saved);
    return saved;
  }

  return {
    store,
    log: service.log,
    service,
    options,
    rpc,
    nonces: createNonceManager({ store, rpc }),
    busy: new Set<number>(),
    requireTx,
    save,
    transition: (tx, status, change = {}) =>
      save({ ...tx, ...change.patch, status }, { ...change, status }),
    watchedAbi(chainId, address) {
      const contract = store.findContract(`${chainId}:${address.toLowerCase()}`);
      return contract ? { abi: contract.abi as Abi, name: contract.name } : undefined;
    },
    refuseInSafeMode(what) {
      const refusal = options.safeMode?.signingRefusal(what);
      if (refusal) throw refusal;
    },
    accountOf: (address) => keyAccount(options.vault, address),
  };
}
