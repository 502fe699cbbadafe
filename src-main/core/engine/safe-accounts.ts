// Safes as accounts: added by chain and address after reading them from the chain, read again
// now and then (and on `safes.refresh`). A change of owners, threshold, modules, guard, fallback
// handler or version is stored, audited once as `safe.changed` with before and after, and pushed;
// a moved nonce is stored quietly. The Safe's own events (AddedOwner, ChangedThreshold …) are
// what the built-in alert rules fire on, once the Safe is also watched as a contract.
import { getAddress } from 'viem';
import type { Safe } from '../../ipc/contract.ts';
import { auditActions } from '../audit-chain/index.ts';
import { VigilError } from '../errors/index.ts';
import {
  readSafe,
  safeConfigChanges,
  SAFE_CONFIG_EVENTS_ABI,
  SAFE_WATCH_ABI,
  toSnapshot,
} from '../safes/index.ts';
import type { SafeRecord } from '../store/index.ts';
import type { EngineService, ServiceContext } from './service.ts';

export interface SafeAccountOptions {
  /** How often every Safe is read again; 0 turns the timer off. */
  intervalMs?: number;
  now?: () => number;
  /** Watches the Safe as a contract (as contracts.add does), for `safes.add` with `watch`. */
  watchContract(input: {
    chainId: number;
    address: string;
    abi: unknown[];
    name: string;
  }): Promise<void>;
}

/** The events whose rules are offered, and how loud each is. */
const changeEvents = SAFE_CONFIG_EVENTS_ABI.map((event) => event.name);

export function toWireSafe(record: SafeRecord): Safe {
  return {
    id: record.id,
    chainId: record.chainId,
    address: record.address,
    name: record.name,
    ...record.state,
    readAt: record.readAt,
  };
}

export interface SafeAccountsService extends EngineService {
  /** Reads Safe `id` from the chain again and stores (and audits) what changed; as safes.refresh. */
  refresh(id: string): Promise<SafeRecord>;
}

export function createSafeAccounts(
  context: ServiceContext,
  options: SafeAccountOptions,
): SafeAccountsService {
  const { store, log, actor } = context;
  const now = options.now ?? Date.now;
  const subject = (id: string): string => `safe:${id}`;

  function pushSafes(): void {
    context.push('safes.changed', { safes: store.listSafes().map(toWireSafe) });
  }

  function requireSafe(id: string): SafeRecord {
    const safe = store.findSafe(id);
    if (!safe) throw new VigilError('NOT_FOUND', `No Safe has id ${id}.`, { field: 'id' });
    return safe;
  }

  async function read(chainId: number, address: string) {
    const rpc = context.chains.rpc(chainId);
    return readSafe((method, params) => rpc.request(method, params), address);
  }

  // One read at a time: a timer's read and a refresh racing would both see the old state and
  // audit the same change twice.
  let queue: Promise<unknown> = Promise.resolve();
  function serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  }

  async function refresh(id: string): Promise<SafeRecord> {
    const before = requireSafe(id);
    const state = toSnapshot(await read(before.chainId, before.address));
    // Removed while the chain answered.
    if (!store.findSafe(id)) return before;
    const changes = safeConfigChanges(before.state, state);
    const changed = Object.keys(changes).length > 0;
    if (!changed && state.nonce === before.state.nonce) return before;
    store.execute(
      { type: 'safe.state', id, state, readAt: now() },
      changed
        ? [
            {
              actor: 'system',
              action: auditActions.safeChanged,
              subject: subject(id),
              details: { chainId: before.chainId, address: before.address, changes },
            },
          ]
        : [],
    );
    if (changed)
      log.info(
        `Safe ${before.name} (${before.address}) on chain ${before.chainId} changed: ${Object.keys(changes).join(', ')}.`,
      );
    pushSafes();
    return requireSafe(id);
  }

  async function refreshAll(): Promise<void> {
    for (const safe of store.listSafes())
      await serialized(() => refresh(safe.id)).catch((error: unknown) =>
        log.warn(
          `Reading Safe ${safe.address} on chain ${safe.chainId} failed; trying again later: ${(error as Error).message}`,
        ),
      );
  }

  const intervalMs = options.intervalMs ?? 60_000;
  let refreshing = false;
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          if (refreshing) return;
          refreshing = true;
          void refreshAll().finally(() => (refreshing = false));
        }, intervalMs)
      : undefined;

  return {
    refresh: (id) => {
      requireSafe(id);
      return serialized(() => refresh(id));
    },
    handlers: {
      async 'safes.add'(input) {
        store.requireChain(input.chainId, 'chainId');
        const address = getAddress(input.address);
        const id = `${input.chainId}:${address.toLowerCase()}`;
        if (store.findSafe(id))
          throw new VigilError('ALREADY_EXISTS', `Safe ${address} is already added.`, {
            field: 'address',
          });
        const state = toSnapshot(await read(input.chainId, address));
        // Watched first: a Safe saved but not watched, as asked, would need a second try anyway.
        if (input.watch && !store.findContract(id))
          await options.watchContract({
            chainId: input.chainId,
            address,
            abi: [...SAFE_WATCH_ABI],
            name: input.name ?? address,
          });
        const safe: SafeRecord = {
          id,
          chainId: input.chainId,
          address,
          name: input.name ?? address,
          state,
          readAt: now(),
        };
        store.execute({ type: 'safe.add', safe }, [
          {
            actor,
            action: auditActions.safeAdded,
            subject: subject(id),
            details: {
              chainId: safe.chainId,
              address,
              name: safe.name,
              version: state.version,
              owners: state.owners,
              threshold: state.threshold,
            },
          },
        ]);
        pushSafes();
        return toWireSafe(requireSafe(id));
      },
      'safes.list'() {
        return store.listSafes().map(toWireSafe);
      },
      'safes.remove'(input) {
        const safe = requireSafe(input.id);
        store.execute({ type: 'safe.remove', id: safe.id }, [
          {
            actor,
            action: auditActions.safeRemoved,
            subject: subject(safe.id),
            details: { chainId: safe.chainId, address: safe.address, name: safe.name },
          },
        ]);
        pushSafes();
        return { removed: true as const };
      },
      async 'safes.refresh'(input) {
        requireSafe(input.id);
        return toWireSafe(await serialized(() => refresh(input.id)));
      },
      'safes.changeRules'(input) {
        const safe = requireSafe(input.id);
        const contract = store.findContract(safe.id);
        const eventNames = new Set(
          (contract?.abi ?? []).flatMap((item) => {
            const entry = item as { type?: string; name?: string };
            return entry.type === 'event' && entry.name ? [entry.name] : [];
          }),
        );
        const offered = changeEvents.filter((name) => eventNames.has(name));
        if (!contract || offered.length === 0)
          throw new VigilError(
            'INVALID_STATE',
            `${safe.name} (${safe.address}) is not watched as a contract with the Safe's events; add it as a contract with the Safe ABI first.`,
            { field: 'id' },
          );
        return offered.map((eventName) => ({
          kind: 'event' as const,
          name: `${safe.name}: ${eventName}`,
          severity: 'critical' as const,
          enabled: true,
          contractId: contract.id,
          eventName,
          condition: '',
        }));
      },
    },
    close() {
      if (timer) clearInterval(timer);
    },
  };
}
