// A client for a Safe Transaction Service, in the shapes its REST API documents (v1): propose a
// Safe transaction with the proposer's signature, add a confirmation, read the confirmations and
// read one transaction. Optional: an operator sets the service's URL per chain. What the service
// answers is not trusted: a transaction it returns must hash to the hash asked for, and the
// caller recovers every confirmation itself before counting it.
import { getAddress, type Address, type Hex } from 'viem';
import { z } from 'zod';
import { fetchFailureReason, retryAfterSeconds, VigilError } from '../errors/index.ts';
import { safeTransactionHash, type SafeTransaction } from './safe-tx-hash.ts';

export interface SafeServiceClientOptions {
  /** The service's root, e.g. https://safe-transaction-mainnet.safe.global; paths start at /api/v1. */
  baseUrl: string;
  chainId: number;
  timeoutMs?: number;
  /** Sent as a Bearer token when the operator's service asks for one. */
  apiKey?: string;
}

export interface SafeServiceConfirmation {
  owner: Address;
  signature: Hex;
  /** As the service names it: EOA, ETH_SIGN, APPROVED_HASH, CONTRACT_SIGNATURE. */
  signatureType: string;
  submissionDate: string;
}

export interface SafeServiceTransaction {
  safe: Address;
  safeTxHash: Hex;
  transaction: SafeTransaction;
  confirmations: SafeServiceConfirmation[];
  confirmationsRequired: number | null;
  isExecuted: boolean;
  isSuccessful: boolean | null;
  /** The execution's transaction, once executed. */
  transactionHash: Hex | null;
}

export interface ProposeToSafeServiceParameters {
  safe: Address;
  transaction: SafeTransaction;
  /** The owner proposing, whose signature comes with the proposal. */
  sender: Address;
  signature: Hex;
  origin?: string;
}

export interface SafeServiceClient {
  proposeTransaction(parameters: ProposeToSafeServiceParameters): Promise<Hex>;
  confirmTransaction(safeTxHash: Hex, signature: Hex): Promise<void>;
  getConfirmations(safeTxHash: Hex): Promise<SafeServiceConfirmation[]>;
  getTransaction(safeTxHash: Hex): Promise<SafeServiceTransaction>;
}

const Whole = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d+$/, 'must be a decimal integer'),
]);
const AddressText = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be an address');
const HexText = z.string().regex(/^0x[0-9a-fA-F]*$/, 'must be hex');

// Documented fields Vigil reads; others the service adds are ignored (z.object strips them).
const ConfirmationSchema = z.object({
  owner: AddressText,
  signature: HexText,
  signatureType: z.string(),
  submissionDate: z.string(),
});
const ConfirmationPageSchema = z.object({
  count: z.number().int().nonnegative(),
  next: z.string().nullable(),
  results: z.array(ConfirmationSchema),
});
const TransactionSchema = z.object({
  safe: AddressText,
  to: AddressText,
  value: Whole,
  data: HexText.nullable(),
  operation: z.union([z.literal(0), z.literal(1)]),
  gasToken: AddressText.nullable(),
  safeTxGas: Whole,
  baseGas: Whole,
  gasPrice: Whole,
  refundReceiver: AddressText.nullable(),
  nonce: Whole,
  safeTxHash: HexText,
  transactionHash: HexText.nullable().optional(),
  isExecuted: z.boolean(),
  isSuccessful: z.boolean().nullable().optional(),
  confirmationsRequired: z.number().int().nullable().optional(),
  confirmations: z.array(ConfirmationSchema).nullable().optional(),
});

/** Confirmations asked for in one page; a Safe with more owners than this is not expected. */
const CONFIRMATION_PAGE_SIZE = 100;

const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000';

function toConfirmation(value: z.infer<typeof ConfirmationSchema>): SafeServiceConfirmation {
  return {
    owner: getAddress(value.owner),
    signature: value.signature.toLowerCase() as Hex,
    signatureType: value.signatureType,
    submissionDate: value.submissionDate,
  };
}

export function createSafeServiceClient(options: SafeServiceClientOptions): SafeServiceClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const service = `The Safe Transaction Service (${base})`;

  async function call(
    method: 'GET' | 'POST',
    path: string,
    what: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new VigilError(
        'SOURCE_UNREACHABLE',
        `${service} could not be reached to ${what}: ${fetchFailureReason(error)}. Signatures can still be passed as files.`,
        { field: 'safeServiceUrl', details: { url: base } },
      );
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.ok) return { status: response.status, body: parsed };
    const details = { url: base, status: response.status };
    if (response.status === 429) {
      const wait = retryAfterSeconds(response.headers.get('retry-after'));
      throw new VigilError(
        'RATE_LIMITED',
        `${service} is limiting requests (HTTP 429)${wait === undefined ? '' : `; it asks to wait ${wait} s`}. Try again then.`,
        { details: { ...details, ...(wait === undefined ? {} : { retryAfterSeconds: wait }) } },
      );
    }
    if (response.status >= 500)
      throw new VigilError(
        'SOURCE_UNREACHABLE',
        `${service} failed to ${what} (HTTP ${response.status}). Try again later, or pass signatures as files.`,
        { details },
      );
    if (response.status === 404)
      throw new VigilError(
        'NOT_FOUND',
        `${service} does not know it: could not ${what} (HTTP 404).`,
        {
          details,
        },
      );
    // 400 names the fields it refused; 422 gives {code, message, arguments}.
    const said =
      typeof (parsed as { message?: unknown } | undefined)?.message === 'string'
        ? (parsed as { message: string }).message
        : text;
    throw new VigilError(
      'NOT_AVAILABLE',
      `${service} refused to ${what} (HTTP ${response.status}${said ? `: ${said.slice(0, 200)}` : ''}).`,
      { details },
    );
  }

  function read<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') || 'the top level';
    throw new VigilError(
      'SOURCE_INVALID',
      `${service} answered ${what} with something that is not its documented shape (at ${where}: ${issue?.message ?? 'invalid'}).`,
      { details: { url: base } },
    );
  }

  const hashPath = (safeTxHash: Hex) => `/api/v1/multisig-transactions/${safeTxHash}`;

  return {
    async proposeTransaction(parameters) {
      const safe = getAddress(parameters.safe);
      const { transaction } = parameters;
      const safeTxHash = safeTransactionHash({ chainId: options.chainId, safe, transaction });
      // Amounts go as decimal strings, which the service reads for its integer fields; numbers
      // would lose precision past 2^53.
      await call('POST', `/api/v1/safes/${safe}/multisig-transactions/`, 'take the proposal', {
        safe,
        to: getAddress(transaction.to),
        value: transaction.value.toString(),
        data: transaction.data === '0x' ? null : transaction.data,
        operation: transaction.operation,
        gasToken: getAddress(transaction.gasToken),
        safeTxGas: transaction.safeTxGas.toString(),
        baseGas: transaction.baseGas.toString(),
        gasPrice: transaction.gasPrice.toString(),
        refundReceiver: getAddress(transaction.refundReceiver),
        nonce: transaction.nonce.toString(),
        contractTransactionHash: safeTxHash,
        sender: getAddress(parameters.sender),
        signature: parameters.signature,
        ...(parameters.origin === undefined ? {} : { origin: parameters.origin }),
      });
      return safeTxHash;
    },

    async confirmTransaction(safeTxHash, signature) {
      await call('POST', `${hashPath(safeTxHash)}/confirmations/`, 'take the confirmation', {
        signature,
      });
    },

    async getConfirmations(safeTxHash) {
      const what = `read the confirmations of ${safeTxHash}`;
      const answer = await call(
        'GET',
        `${hashPath(safeTxHash)}/confirmations/?limit=${CONFIRMATION_PAGE_SIZE}`,
        what,
      );
      return read(ConfirmationPageSchema, answer.body, what).results.map(toConfirmation);
    },

    async getTransaction(safeTxHash) {
      const what = `read the Safe transaction ${safeTxHash}`;
      const answer = await call('GET', `${hashPath(safeTxHash)}/`, what);
      const found = read(TransactionSchema, answer.body, what);
      const safe = getAddress(found.safe);
      const transaction: SafeTransaction = {
        to: getAddress(found.to),
        value: BigInt(found.value),
        data: (found.data ?? '0x').toLowerCase() as Hex,
        operation: found.operation,
        safeTxGas: BigInt(found.safeTxGas),
        baseGas: BigInt(found.baseGas),
        gasPrice: BigInt(found.gasPrice),
        gasToken: getAddress(found.gasToken ?? ZERO_ADDRESS),
        refundReceiver: getAddress(found.refundReceiver ?? ZERO_ADDRESS),
        nonce: BigInt(found.nonce),
      };
      const computed = safeTransactionHash({ chainId: options.chainId, safe, transaction });
      if (computed !== safeTxHash.toLowerCase())
        throw new VigilError(
          'SOURCE_INVALID',
          `${service} answered for ${safeTxHash} with a transaction that hashes to ${computed} on chain ${options.chainId}: Vigil does not use it.`,
          { details: { url: base, safeTxHash, computed } },
        );
      return {
        safe,
        safeTxHash: computed,
        transaction,
        confirmations: (found.confirmations ?? []).map(toConfirmation),
        confirmationsRequired: found.confirmationsRequired ?? null,
        isExecuted: found.isExecuted,
        isSuccessful: found.isSuccessful ?? null,
        transactionHash: (found.transactionHash ?? null) as Hex | null,
      };
    },
  };
}
