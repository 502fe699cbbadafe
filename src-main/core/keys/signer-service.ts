// Signers: import or generate a key straight into the OS keychain, list signers with their
// native balance on every configured chain, remove one. Main reads a key only inside
// `withAccount`, for one signature, and keeps no reference to it afterwards.
import { randomBytes } from 'node:crypto';
import { getAddress, type LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { txInFlightStatuses, type Signer } from '../../ipc/contract.ts';
import { auditActions } from '../audit/index.ts';
import type { EngineService, ServiceContext } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import type { SignerRecord } from '../store/index.ts';
import type { Keychain } from './keychain.ts';
import { parsePrivateKey } from './private-key.ts';

export interface SignerVault {
  /** The signer as stored, or a NOT_FOUND error naming the field. */
  require(address: string, field: string): SignerRecord;
  /** Runs `use` with the signer's account, its key read from the keychain for this call only. */
  withAccount<T>(address: string, use: (account: LocalAccount) => Promise<T>): Promise<T>;
  /** The last balance read for a signer on a chain, in wei. */
  balance(chainId: number, address: string): bigint | undefined;
  /** Reads a signer's balance now (and remembers it). */
  refreshBalance(chainId: number, address: string): Promise<bigint>;
}

export interface SignerServiceOptions {
  keychain: Keychain;
  /** How often, at most, balances of one chain are read again on new heads. */
  balanceRefreshMs?: number;
}

interface BalanceReading {
  balance: bigint | null;
  at: number | null;
  error: string | null;
}

const NAMESPACE_KEY = 'keychain_namespace';

export function createSignerService(
  context: ServiceContext,
  options: SignerServiceOptions,
): EngineService & { vault: SignerVault } {
  const { store, actor } = context;
  const { keychain } = options;
  const balanceRefreshMs = options.balanceRefreshMs ?? 5_000;
  const balances = new Map<string, BalanceReading>();
  const lastRefreshAt = new Map<number, number>();

  // Keys of different data directories (profiles) must not meet in the one keychain service:
  // each directory has its own namespace, chosen once and journaled.
  let namespace = store.meta(NAMESPACE_KEY);
  if (!namespace) {
    namespace = randomBytes(8).toString('hex');
    store.execute({ type: 'meta.set', key: NAMESPACE_KEY, value: namespace });
  }
  const accountName = (address: string): string => `${namespace}:${address.toLowerCase()}`;
  const balanceKey = (chainId: number, address: string): string =>
    `${chainId}:${address.toLowerCase()}`;

  function toWire(signer: SignerRecord): Signer {
    return {
      ...signer,
      approvalsRequired: store.approvers.required(signer.address),
      balances: store.listChains().map((chain) => {
        const reading = balances.get(balanceKey(chain.chainId, signer.address));
        return {
          chainId: chain.chainId,
          balance: reading?.balance?.toString() ?? null,
          at: reading?.at ?? null,
          error: reading?.error ?? null,
        };
      }),
    };
  }

  function pushSigners(): void {
    context.push('signers.changed', { signers: store.listSigners().map(toWire) });
  }

  async function readBalance(chainId: number, address: string): Promise<bigint> {
    const key = balanceKey(chainId, address);
    try {
      const hex = await context.chains
        .rpc(chainId)
        .request<string>('eth_getBalance', [address, 'latest']);
      const balance = BigInt(hex);
      const previous = balances.get(key)?.balance;
      balances.set(key, { balance, at: Date.now(), error: null });
      context.events.emit('balance', chainId, getAddress(address), balance);
      if (previous !== balance) pushSigners();
      return balance;
    } catch (error) {
      const message = (error as Error).message.split('\n')[0]!;
      balances.set(key, { ...(balances.get(key) ?? { balance: null, at: null }), error: message });
      throw error;
    }
  }

  function refreshChain(chainId: number): void {
    const now = Date.now();
    if (now - (lastRefreshAt.get(chainId) ?? 0) < balanceRefreshMs) return;
    lastRefreshAt.set(chainId, now);
    for (const signer of store.listSigners())
      void readBalance(chainId, signer.address).catch(() => undefined);
  }

  function refreshSigner(address: string): void {
    for (const chain of store.listChains())
      void readBalance(chain.chainId, address).catch(() => undefined);
  }

  const unsubscribeHead = context.events.on('head', (chainId) => refreshChain(chainId));

  async function addSigner(
    privateKey: `0x${string}`,
    label: string,
    origin: SignerRecord['origin'],
  ): Promise<Signer> {
    const address = privateKeyToAccount(privateKey).address;
    if (store.findSigner(address)) {
      throw new VigilError('ALREADY_EXISTS', `Signer ${address} is already in Vigil.`, {
        field: origin === 'imported' ? 'privateKey' : 'label',
      });
    }
    // The keychain first: a signer is only listed once its key is safely stored.
    await keychain.set(accountName(address), privateKey);
    store.execute({ type: 'signer.add', signer: { address, label, origin } }, [
      {
        actor,
        action: origin === 'imported' ? auditActions.signerImported : auditActions.signerGenerated,
        subject: `signer:${address}`,
        details: { address, label },
      },
    ]);
    refreshSigner(address);
    pushSigners();
    return toWire(store.findSigner(address)!);
  }

  const vault: SignerVault = {
    require(address, field) {
      const signer = store.findSigner(address);
      if (!signer)
        throw new VigilError(
          'NOT_FOUND',
          `${field}: ${address} is not a signer in Vigil; import its key or generate one under Signers first.`,
          { field },
        );
      return signer;
    },
    async withAccount(address, use) {
      const signer = vault.require(address, 'from');
      const key = await keychain.get(accountName(signer.address));
      if (!key) {
        throw new VigilError(
          'KEYCHAIN_UNAVAILABLE',
          `The key of signer ${signer.address} is missing from the OS keychain (service "vigil"); it was deleted outside Vigil. Import it again to sign with it.`,
          { field: 'from' },
        );
      }
      const account = privateKeyToAccount(key as `0x${string}`);
      if (account.address !== signer.address) {
        throw new VigilError(
          'KEYCHAIN_UNAVAILABLE',
          `The keychain entry for ${signer.address} holds the key of another address; refusing to sign with it.`,
        );
      }
      return use(account);
    },
    balance: (chainId, address) => balances.get(balanceKey(chainId, address))?.balance ?? undefined,
    refreshBalance: (chainId, address) => readBalance(chainId, address),
  };

  return {
    vault,
    handlers: {
      'signers.import': (input) =>
        addSigner(parsePrivateKey(input.privateKey), input.label, 'imported'),
      'signers.generate': (input) => addSigner(generatePrivateKey(), input.label, 'generated'),
      'signers.list': () => {
        for (const chain of store.listChains()) refreshChain(chain.chainId);
        return store.listSigners().map(toWire);
      },
      async 'signers.remove'(input) {
        const signer = vault.require(input.address, 'address');
        const inFlight = store
          .listTransactions({
            from: signer.address,
            statuses: txInFlightStatuses,
            withoutTimeline: true,
          })
          .map((tx) => tx.id);
        if (inFlight.length > 0) {
          throw new VigilError(
            'INVALID_STATE',
            `Signer ${signer.address} has ${inFlight.length} transaction(s) in flight (id ${inFlight.join(', ')}); remove it once they are final.`,
            { field: 'address', details: { inFlight } },
          );
        }
        store.execute({ type: 'signer.remove', address: signer.address }, [
          {
            actor,
            action: auditActions.signerRemoved,
            subject: `signer:${signer.address}`,
            details: { address: signer.address, label: signer.label },
          },
        ]);
        // The removal is durable first; a key left behind by a failed delete is only an orphan.
        try {
          await keychain.remove(accountName(signer.address));
        } catch (error) {
          context.log.warn(
            `Signer ${signer.address} was removed, but its key could not be deleted from the keychain: ${(error as Error).message}`,
          );
        }
        pushSigners();
        return { removed: true as const };
      },
    },
    close() {
      unsubscribeHead();
    },
  };
}
