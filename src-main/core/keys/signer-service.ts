// Signers: import or generate a key straight into the OS keychain, list signers with their
// native balance on every configured chain, remove one. Main reads a key only inside
// `withAccount`, for one signature, and keeps no reference to it afterwards.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatEther, getAddress, type LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { txInFlightStatuses, type Signer } from '../../ipc/contract.ts';
import { auditActions, exportsDirOf } from '../audit/index.ts';
import type { EngineService, ServiceContext } from '../engine/service.ts';
import { VigilError } from '../errors/index.ts';
import type { SignerRecord } from '../store/index.ts';
import type { Keychain } from '../keychain/index.ts';
import { encryptKeystore, keystoreFileName } from './keystore.ts';
import { keychainNamespace } from './namespace.ts';
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
  /** The scrypt cost of keystore backups; the standard one unless a test lowers it. */
  keystoreCost?: { n: number; r: number; p: number };
}

interface BalanceReading {
  balance: bigint | null;
  at: number | null;
  error: string | null;
}

export function createSignerService(
  context: ServiceContext,
  options: SignerServiceOptions,
): EngineService & { vault: SignerVault } {
  const { store, actor } = context;
  const { keychain } = options;
  const balanceRefreshMs = options.balanceRefreshMs ?? 5_000;
  const balances = new Map<string, BalanceReading>();
  const lastRefreshAt = new Map<number, number>();

  const namespace = keychainNamespace(store);
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

  /**
   * Refuses to remove a signer whose key holds funds on a configured chain, read from the chain
   * now, or whose balance on one cannot be read: removal deletes the key, and funds behind a
   * deleted key are gone. `confirmFunds` is the operator saying so knowingly.
   */
  async function checkRemovable(address: string, confirmFunds: boolean): Promise<void> {
    const signer = vault.require(address, 'address');
    if (confirmFunds) return;
    const chains = store.listChains();
    const readings = await Promise.all(
      chains.map((chain) =>
        readBalance(chain.chainId, signer.address).then(
          (balance) => ({ chain, balance, error: null }),
          (error: Error) => ({ chain, balance: null, error: error.message.split('\n')[0]! }),
        ),
      ),
    );
    const funded = readings.filter((reading) => reading.balance !== null && reading.balance > 0n);
    if (funded.length > 0)
      throw new VigilError(
        'SIGNER_HOLDS_FUNDS',
        `Signer ${signer.address} still holds ${funded.map(({ chain, balance }) => `${formatEther(balance!)} (${balance} wei) on ${chain.name} (chain ${chain.chainId})`).join(', ')}; removing it deletes the key and the funds with it. Move the funds out or back the key up first, or confirm removing it anyway.`,
        {
          field: 'address',
          details: {
            balances: funded.map(({ chain, balance }) => ({
              chainId: chain.chainId,
              balance: balance!.toString(),
            })),
          },
        },
      );
    const unknown = readings.filter((reading) => reading.error !== null);
    if (unknown.length > 0)
      throw new VigilError(
        'BALANCE_UNKNOWN',
        `Cannot tell whether signer ${signer.address} holds funds: ${unknown.map(({ chain, error }) => `the balance on ${chain.name} (chain ${chain.chainId}) could not be read (${error})`).join('; ')}. Bring the RPC back and try again, or confirm removing it anyway.`,
        {
          field: 'address',
          details: {
            unreadable: unknown.map(({ chain, error }) => ({ chainId: chain.chainId, error })),
          },
        },
      );
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
      return use(privateKeyToAccount(await readKey(address, 'from')));
    },
    balance: (chainId, address) => balances.get(balanceKey(chainId, address))?.balance ?? undefined,
    refreshBalance: (chainId, address) => readBalance(chainId, address),
  };

  /** The signer's key from the keychain, checked to be the key of that address. */
  async function readKey(address: string, field: string): Promise<`0x${string}`> {
    const signer = vault.require(address, field);
    const key = await keychain.get(accountName(signer.address));
    if (!key) {
      throw new VigilError(
        'KEYCHAIN_UNAVAILABLE',
        `The key of signer ${signer.address} is missing from the OS keychain (service "vigil"); it was deleted outside Vigil. Import it again to sign with it.`,
        { field },
      );
    }
    if (privateKeyToAccount(key as `0x${string}`).address !== signer.address) {
      throw new VigilError(
        'KEYCHAIN_UNAVAILABLE',
        `The keychain entry for ${signer.address} holds the key of another address; refusing to use it.`,
      );
    }
    return key as `0x${string}`;
  }

  return {
    vault,
    prechecks: {
      'signers.remove': (input) => checkRemovable(input.address, input.confirmFunds === true),
    },
    handlers: {
      'signers.import': (input) =>
        addSigner(parsePrivateKey(input.privateKey), input.label, 'imported'),
      'signers.generate': (input) => addSigner(generatePrivateKey(), input.label, 'generated'),
      'signers.list': () => {
        for (const chain of store.listChains()) refreshChain(chain.chainId);
        return store.listSigners().map(toWire);
      },
      async 'signers.backup'(input) {
        const keystore = await encryptKeystore(
          await readKey(input.address, 'address'),
          input.passphrase,
          options.keystoreCost,
        );
        const address = getAddress(`0x${keystore.address}`);
        const directory = exportsDirOf(store.dataDir);
        mkdirSync(directory, { recursive: true });
        const fileName = keystoreFileName(address, new Date());
        const path = join(directory, fileName);
        const text = `${JSON.stringify(keystore, null, 2)}\n`;
        writeFileSync(path, text, { flag: 'wx', mode: 0o600 });
        store.recordAudit([
          {
            actor,
            action: auditActions.signerBackedUp,
            subject: `signer:${address}`,
            details: { address, fileName },
          },
        ]);
        return { address, fileName, path, keystore: text };
      },
      async 'signers.remove'(input) {
        // Checked again here: the balance may have changed since the person approved.
        await checkRemovable(input.address, input.confirmFunds === true);
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
