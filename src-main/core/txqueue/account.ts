// Who a transaction goes out as. The signing stage asks the account for a signature and nothing
// else, so a second kind of account (a Safe) plugs in without a second queue.
import type { Hex, TransactionSerializable } from 'viem';
import type { SignerVault } from '../keys/index.ts';

/**
 * A keychain signer: it signs the transaction itself, and the signed bytes are what is broadcast
 * and tracked. Its nonce lane is (chain, address).
 */
export interface KeyAccount {
  kind: 'key';
  /** The address the transaction is sent from. */
  address: string;
  /** Signs with the key, read from the keychain for this call only: the raw signed transaction. */
  signTransaction(tx: TransactionSerializable): Promise<Hex>;
}

/**
 * An account the queue sends as: only key accounts send. A Safe is not a sending account but a
 * proposal's `from` with a `safe` record (safe-propose.ts): approving it signs the Safe
 * transaction hash with an owner's key (safe-sign.ts, the same person-bound approval), other
 * owners' signatures join it (safe-signature-record.ts), and once the threshold is met it executes
 * through a key account whose `execTransaction` call is an ordinary proposal (safe-execute.ts):
 * its nonce lane, fees, signing, sending, tracking, speed-up, cancel. So the sign-and-send and
 * tracking stages stay those of a key account; what a Safe changes is what is approved and when
 * it is ready to go out.
 */
export type SendingAccount = KeyAccount;

/** The key account of a stored signer; the vault refuses when it has no such signer or key. */
export function keyAccount(vault: SignerVault, address: string): KeyAccount {
  return {
    kind: 'key',
    address,
    signTransaction: (tx) => vault.withAccount(address, (account) => account.signTransaction(tx)),
  };
}
