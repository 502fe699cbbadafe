// The one contract between the renderer (or a headless script) and main: every request with
// its input and output schema, and every pushed stream with its payload schema. Main validates
// each request against it; the renderer's client and the preload are typed from it.
// This file is imported by main, preload and renderer, so it depends on zod and nothing else.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Wire primitives. Chain ids, block numbers, log indexes and byte counts are JSON numbers; every
// other amount is a decimal string; addresses are checksummed on output; bytes are 0x-hex.

/**
 * The cap of a string a request brings, with an error that says the limit and the length found.
 * Every string of every request is capped (a unit test walks them all): names, notes, reasons and
 * file names are stored, shown and exported, so none of them may grow without bound.
 */
export function tooLong(max: number): { error: (issue: { input?: unknown }) => string } {
  return {
    error: (issue) =>
      `must be at most ${max} characters (this one has ${typeof issue.input === 'string' ? issue.input.length : 'more'})`,
  };
}

/** Free text of at most `max` characters: names, notes, reasons, file names. */
export const FreeText = (max: number): z.ZodString => z.string().max(max, tooLong(max));

/** An id, cursor or name a request refers to something by. */
export const Ref = FreeText(200);

/**
 * Characters that hide or reorder what text shows: C0 controls, DEL, C1 controls, and the
 * bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A–E, U+2066–9).
 */
export const HIDDEN_CHARACTERS = new RegExp(
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]',
  'g',
);

/** `\u202E`: a character written as its code, visibly. */
export const escapedCode = (character: string): string =>
  `\\u${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Text as a person must see it wherever it is shown: a C0 control as its Control Picture (ESC
 * as ␛, a line feed as ␊), DEL as ␡, and every other hidden character as its code (`\u202E`), so
 * a name cannot reverse or hide what follows it.
 */
export function visibleText(text: string): string {
  return text.replace(HIDDEN_CHARACTERS, (character) => {
    const code = character.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return escapedCode(character);
  });
}

const addressPattern = /^0x[0-9a-fA-F]{40}$/;

export const AddressInput = z
  .string()
  .max(100, tooLong(100))
  .trim()
  .regex(addressPattern, 'must be a 0x-prefixed address of 40 hex digits');
export const Hex = z
  .string()
  .max(2_000_000, tooLong(2_000_000))
  .regex(/^0x[0-9a-fA-F]*$/, 'must be 0x-prefixed hex');
export const ChainId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const BlockNumber = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export const DecimalString = z
  .string()
  .max(100, tooLong(100))
  .regex(/^-?\d+$/, 'must be a decimal integer string');

const rpcUrl = z
  .string()
  .max(2_048, tooLong(2_048))
  .trim()
  .refine((value) => /^(https?|wss?):\/\/[^\s]+$/i.test(value), {
    message: 'must be an http(s):// or ws(s):// URL',
  });

// ---------------------------------------------------------------------------------------------
// Domain shapes as they cross the wire.

export const Chain = z.object({
  chainId: ChainId,
  name: z.string(),
  rpcUrls: z.array(z.string()),
  confirmations: z.number().int().nonnegative(),
  /** The chain's block explorer (https://…), for links to addresses and transactions. */
  explorerUrl: z.string().optional(),
  /** The chain's own currency, from viem's list by chain id; absent when the list does not know it. */
  nativeCurrency: z.object({ symbol: z.string(), decimals: z.number().int() }).optional(),
});
export type Chain = z.infer<typeof Chain>;

/** A chain from viem's list, to start the add form from. */
export const ChainPreset = z.object({
  chainId: ChainId,
  name: z.string(),
  nativeCurrency: z.object({ name: z.string(), symbol: z.string(), decimals: z.number().int() }),
  explorerUrl: z.string().optional(),
  /** Public endpoints: rate-limited and shared, to try Vigil, not for production. */
  publicRpcUrls: z.array(z.string()),
  confirmations: z.number().int().nonnegative(),
  /** Whether the depth is known for this chain's reorgs, or the general default. */
  confirmationsKnown: z.boolean(),
  testnet: z.boolean(),
});
export type ChainPreset = z.infer<typeof ChainPreset>;

/** How much of a contract's stored history is kept; absent keeps everything. */
export const Retention = z
  .object({
    /** Rows whose block is older than this many days are deleted. */
    days: z
      .number()
      .int()
      .positive('must be a positive whole number of days')
      .max(100_000)
      .optional(),
    /** Only about the newest this many rows are kept (whole sealed segments go). */
    events: z
      .number()
      .int()
      .positive('must be a positive whole number of events')
      .max(Number.MAX_SAFE_INTEGER)
      .optional(),
  })
  .strict()
  .refine((retention) => retention.days !== undefined || retention.events !== undefined, {
    message: 'give days or events (leave retention out to keep everything)',
  });
export type Retention = z.infer<typeof Retention>;

/** A token symbol as people read it: short, printable, no control characters. */
const TokenSymbol = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(32, 'must be at most 32 characters')
  .regex(/^[^\p{C}]+$/u, 'must not hold control or invisible characters');

/**
 * How a contract's amounts read. From the chain (decimals() and symbol(), read once) or set by
 * the operator; decimals null means not a token: integers are shown as they are.
 */
export const TokenDisplayInfo = z.object({
  decimals: z.number().int().min(0).max(77).nullable(),
  symbol: z.string().nullable(),
  source: z.enum(['chain', 'operator']),
});
export type TokenDisplayInfo = z.infer<typeof TokenDisplayInfo>;

export const ContractsSetTokenInput = z.strictObject({
  id: Ref.min(1),
  /** The operator's decimals and symbol; null reads them from the chain again. */
  token: z
    .strictObject({
      decimals: z.number().int().min(0, 'must be 0 or more').max(77, 'must be at most 77'),
      symbol: TokenSymbol.nullable(),
    })
    .nullable(),
});
/** What a proxy at a watched address delegates to, as Vigil last read it from the chain. */
export const ContractProxy = z.object({
  kind: z.enum(['eip1967', 'uups', 'transparent', 'beacon', 'eip1822', 'safe', 'diamond']),
  /** The implementation, or every facet of a diamond. */
  implementations: z.array(z.string()),
  beacon: z.string().optional(),
  admin: z.string().optional(),
  /** The head block of the last check. */
  checkedAt: BlockNumber,
  /** The implementations the contract's ABI was given for; one not in here is an upgrade whose ABI is not loaded yet. */
  abiCovers: z.array(z.string()),
  /**
   * What an implementation or facet is called, by address, where its ABI came from a verified
   * source or a project's artifacts (contracts.loadImplementationAbis, contracts.discoverAdd).
   */
  names: z.record(z.string(), z.string()).optional(),
  /** Upgrades Vigil saw (a changed slot or facet list at a check), oldest first. */
  upgrades: z.array(
    z.object({ detectedAt: BlockNumber, from: z.array(z.string()), to: z.array(z.string()) }),
  ),
});
export type ContractProxy = z.infer<typeof ContractProxy>;

/** One deployment found in a project folder (contracts.discover). */
export const DiscoveredContract = z.object({
  /** `chainId:address`, as contracts.list names the contract once watched. */
  id: z.string(),
  name: z.string(),
  chainId: ChainId,
  address: z.string(),
  abi: z.array(z.unknown()),
  eventNames: z.array(z.string()),
  /** The deployment transaction's block; null when it could not be read. */
  startBlock: BlockNumber.nullable(),
  /** The file that recorded it, relative to the folder. */
  file: z.string(),
  status: z.enum(['new', 'watched', 'abi-changed', 'problem']),
  /** Why it cannot be added (chain not configured, no code at the address …). */
  problem: z.string().optional(),
});
export type DiscoveredContract = z.infer<typeof DiscoveredContract>;

export const DiscoveryResult = z.object({
  layouts: z.array(z.string()),
  contracts: z.array(DiscoveredContract),
  skipped: z.array(
    z.object({
      name: z.string(),
      chainId: ChainId,
      address: z.string(),
      file: z.string(),
      reason: z.string(),
    }),
  ),
});
export type DiscoveryResult = z.infer<typeof DiscoveryResult>;

export const WatchedContract = z.object({
  id: z.string(),
  chainId: ChainId,
  address: z.string(),
  name: z.string(),
  startBlock: BlockNumber,
  abi: z.array(z.unknown()),
  eventNames: z.array(z.string()),
  indexedThrough: BlockNumber.nullable(),
  retention: Retention.optional(),
  /** Absent until Vigil has read it from the chain (or could not reach it yet). */
  token: TokenDisplayInfo.optional(),
  /** Set when the address is a proxy: its events and its implementation's are decoded together. */
  proxy: ContractProxy.optional(),
});
export type WatchedContract = z.infer<typeof WatchedContract>;

export const EventStatus = z.enum(['pending', 'confirmed', 'removed']);

export const EventRow = z.object({
  chainId: ChainId,
  blockNumber: BlockNumber,
  blockHash: Hex,
  /** Unix seconds, when the provider reports it. */
  blockTimestamp: z.number().int().nullable(),
  logIndex: z.number().int().nonnegative(),
  transactionHash: Hex,
  transactionIndex: z.number().int().nonnegative(),
  address: z.string(),
  contractId: z.string(),
  /** null for a log that no ABI entry decodes; its raw topics and data are kept. */
  eventName: z.string().nullable(),
  signature: z.string().nullable(),
  args: z.record(z.string(), z.unknown()).nullable(),
  topics: z.array(Hex),
  data: Hex,
  status: EventStatus,
});
export type EventRow = z.infer<typeof EventRow>;

export const RpcHealth = z.object({
  url: z.string(),
  healthy: z.boolean(),
  latencyMs: z.number().nullable(),
  errorCount: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
});
export type RpcHealth = z.infer<typeof RpcHealth>;

export const ChainStatus = z.object({
  chainId: ChainId,
  name: z.string(),
  headBlock: BlockNumber.nullable(),
  indexedThrough: BlockNumber.nullable(),
  lag: z.number().int().nullable(),
  backfill: z.object({
    fromBlock: BlockNumber,
    targetBlock: BlockNumber,
    doneBlocks: z.number().int().nonnegative(),
    totalBlocks: z.number().int().nonnegative(),
    /** 0..1 */
    progress: z.number().min(0).max(1),
    /** Blocks per eth_getLogs request now (it shrinks when refused or timed out, and grows back); null without a watcher. */
    rangeBlocks: z.number().int().positive().nullable(),
    /** Why the ranges were last made smaller, e.g. a range that timed out; null if they never were. */
    rangeShrunk: z.string().nullable(),
  }),
  phase: z.enum(['idle', 'backfilling', 'following', 'error']),
  rpc: z.array(RpcHealth),
  eventsPerMinute: z.array(z.object({ minute: z.number(), count: z.number().int() })),
  totalEvents: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
});
export type ChainStatus = z.infer<typeof ChainStatus>;

// ---------------------------------------------------------------------------------------------
// Sync drift: how far each chain's store is from the truth, and why.

export const BlockRef = z.object({ number: BlockNumber, hash: Hex });

export const ReorgRecord = z.object({
  id: z.number().int(),
  chainId: ChainId,
  /** Unix milliseconds. */
  detectedAt: z.number(),
  /** The last block both branches share. */
  forkBlock: BlockNumber,
  /** How many stored blocks the new branch replaced. */
  depth: z.number().int().nonnegative(),
  oldBlocks: z.array(BlockRef),
  newBlocks: z.array(BlockRef),
  eventsRemoved: z.number().int().nonnegative(),
  eventsAdded: z.number().int().nonnegative(),
  /** Deeper than the stored header window: repaired by refetching the affected range. */
  beyondWindow: z.boolean(),
});
export type ReorgRecord = z.infer<typeof ReorgRecord>;

export const ProviderStatus = z.object({
  url: z.string(),
  /** Whether the pool sends requests to it now. */
  inRotation: z.boolean(),
  /** Which rule took it out of rotation; null while in rotation. */
  outOfRotation: z
    .enum(['wrong-chain', 'disagrees', 'behind', 'rate-limited', 'backing-off'])
    .nullable(),
  /** Why it is out of rotation, for the operator: backing off, rate-limited, wrong chain id, head far behind. */
  reason: z.string().nullable(),
  /** The URL requests go to first now. */
  preferred: z.boolean(),
  /** Unix ms when a backed-off or rate-limited URL is asked again; null when it is not. */
  retryAt: z.number().nullable(),
  /** The newest head it reported. */
  headBlock: BlockNumber.nullable(),
  latencyMs: z.number().nullable(),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** errors / requests over the recent window, 0..1 */
  errorRate: z.number().min(0).max(1),
  lastError: z.string().nullable(),
});
export type ProviderStatus = z.infer<typeof ProviderStatus>;

export const ProviderDisagreement = z.object({
  chainId: ChainId,
  at: z.number(),
  blockNumber: BlockNumber,
  /** Each provider's answer; null where it had no block at that height or did not answer. */
  hashes: z.array(z.object({ url: z.string(), hash: Hex.nullable() })),
  /** The providers judged wrong (and taken out of rotation); empty when undecided. */
  suspects: z.array(z.string()),
  /**
   * majority: a strict majority of providers agreed; store: the store's own hash broke a tie;
   * self-check: the others could not find their own block by its hash; undecided: none of these.
   */
  decidedBy: z.enum(['majority', 'store', 'self-check', 'undecided']),
  /** The store's hash for that block, when it holds one. */
  storedHash: Hex.nullable(),
});
export type ProviderDisagreement = z.infer<typeof ProviderDisagreement>;

const EventIdentity = z.object({
  blockNumber: BlockNumber,
  blockHash: Hex,
  logIndex: z.number().int(),
  transactionHash: Hex,
});

export const Reconciliation = z.object({
  id: z.number().int(),
  chainId: ChainId,
  at: z.number(),
  fromBlock: BlockNumber,
  toBlock: BlockNumber,
  storedCount: z.number().int(),
  chainCount: z.number().int(),
  /** On the chain, not in the store. */
  missing: z.array(EventIdentity),
  /** In the store (as canonical), not on the chain. */
  extra: z.array(EventIdentity),
  status: z.enum(['ok', 'mismatch', 'repaired', 'failed']),
  error: z.string().nullable(),
});
export type Reconciliation = z.infer<typeof Reconciliation>;

export const DriftSample = z.object({
  at: z.number(),
  headBlock: BlockNumber.nullable(),
  indexedThrough: BlockNumber.nullable(),
  lagBlocks: z.number().int().nullable(),
  lagSeconds: z.number().nullable(),
});

export const ChainDrift = z.object({
  chainId: ChainId,
  name: z.string(),
  headBlock: BlockNumber.nullable(),
  indexedThrough: BlockNumber.nullable(),
  confirmedThrough: BlockNumber.nullable(),
  confirmations: z.number().int(),
  lagBlocks: z.number().int().nullable(),
  /**
   * Seconds since the store was last at the chain's head (near 0 while following); null before it
   * first was. While no provider answers it keeps growing, and lagBlocks (against the last head
   * seen) does not.
   */
  lagSeconds: z.number().nullable(),
  /** Recent samples, oldest first, for the lag chart. */
  history: z.array(DriftSample),
  providers: z.array(ProviderStatus),
  disagreements: z.array(ProviderDisagreement),
  reconciliations: z.array(Reconciliation),
  reorgCount: z.number().int().nonnegative(),
  lastReorg: ReorgRecord.nullable(),
});
export type ChainDrift = z.infer<typeof ChainDrift>;

// ---------------------------------------------------------------------------------------------
// The store's health: how big it is, how fast it writes, what it found damaged.

/** A byte count; safe as a JSON number (2^53 bytes is 8 PiB). */
const ByteCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A damaged file the store found, and where it was moved aside (it is never deleted). */
export const StoreProblem = z
  .object({ message: z.string(), path: z.string(), movedTo: z.string().optional() })
  .strict();
export type StoreProblem = z.infer<typeof StoreProblem>;

export const StoreHealth = z
  .object({
    /** When these figures were taken (ms since the epoch). */
    at: z.number(),
    /** Every file in the data directory: segments, head image and log, snapshots, journal. */
    bytesOnDisk: ByteCount,
    /** The whole process's resident memory, and the engine thread's JavaScript heap. */
    memoryBytes: ByteCount,
    heapBytes: ByteCount,
    /** Sealed segment files and their bytes. */
    segments: z.number().int().nonnegative(),
    segmentBytes: ByteCount,
    /** Events held in the in-memory head (not yet sealed). */
    headEvents: z.number().int().nonnegative(),
    /** Segments open in memory (the read cache, under its memory budget) and their bytes. */
    openSegments: z.number().int().nonnegative(),
    openSegmentBytes: ByteCount,
    /** Bytes written per minute over the last minute (chain data, snapshots, journal). */
    writeBytesPerMinute: ByteCount,
    /** Bytes this process has written since it started. */
    bytesWrittenTotal: ByteCount,
    problems: z.array(StoreProblem),
  })
  .strict();
export type StoreHealth = z.infer<typeof StoreHealth>;

// ---------------------------------------------------------------------------------------------
// The audit log: hash-chained, append-only.

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

export const AuditEntry = z.object({
  seq: z.number().int().positive(),
  /** Unix milliseconds. */
  at: z.number().int(),
  /** The operator's profile name, or `system`. */
  actor: z.string(),
  /** `chain.added`, `tx.approved`, `alert.fired` … */
  action: z.string(),
  /** What it is about, `kind:id`: `chain:31337`, `tx:7`, `rule:3`. */
  subject: z.string(),
  details: z.record(z.string(), z.unknown()),
  prevHash: Sha256Hex,
  hash: Sha256Hex,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditBreakKind = z.enum(['edited', 'missing', 'inserted', 'reordered', 'truncated']);

export const AuditVerification = z.discriminatedUnion('intact', [
  z.object({
    intact: z.literal(true),
    count: z.number().int(),
    firstSeq: z.number().int().nullable(),
    lastSeq: z.number().int().nullable(),
    headHash: z.string(),
  }),
  z.object({
    intact: z.literal(false),
    count: z.number().int(),
    atSeq: z.number().int(),
    atPosition: z.number().int(),
    kind: AuditBreakKind,
    message: z.string(),
  }),
]);
export type AuditVerification = z.infer<typeof AuditVerification>;

export const AuditExportFormat = z.enum(['jsonl', 'csv']);
export type AuditExportFormat = z.infer<typeof AuditExportFormat>;

/** An entry's place in the chain: its sequence number and hash. */
export const AuditChainPoint = z.object({ seq: z.number().int().positive(), hash: Sha256Hex });

/**
 * The first line of an export (JSON Lines), or the details of its `header` row (CSV): what is
 * needed to verify the range on its own. Not covered by the hash chain; the entries are.
 */
export const AuditExportHeader = z.object({
  record: z.literal('header'),
  format: z.literal('vigil-audit-export'),
  version: z.literal(1),
  /** ISO time the export started. */
  exportedAt: z.string(),
  exportedBy: z.string(),
  /** The time range asked for (ISO), null for an open end. */
  requested: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  fromSeq: z.number().int().positive(),
  toSeq: z.number().int().positive(),
  count: z.number().int().positive(),
  /** The hash of the entry before the first one exported (all zeros when that is seq 1). */
  prevHash: Sha256Hex,
  /** The last entry exported. */
  last: AuditChainPoint,
  /** The live log's newest entry when the export started. */
  head: AuditChainPoint,
});
export type AuditExportHeader = z.infer<typeof AuditExportHeader>;

/** The last line (row) of an export: repeats the range's end, so a cut end is seen on its own. */
export const AuditExportTrailer = z.object({
  record: z.literal('trailer'),
  format: z.literal('vigil-audit-export'),
  count: z.number().int().positive(),
  last: AuditChainPoint,
});
export type AuditExportTrailer = z.infer<typeof AuditExportTrailer>;

/** What checking an export found. */
export const AuditExportCheck = z.object({
  format: AuditExportFormat,
  verification: AuditVerification,
  /** The export's header, when it has a readable one. */
  header: AuditExportHeader.nullable(),
  /**
   * In-app checks only: whether this Vigil's live log holds the export's last entry with the
   * same hash (`absent`: the log has no entry of that number, e.g. another data directory).
   */
  liveLog: z.enum(['matches', 'differs', 'absent']).optional(),
});
export type AuditExportCheck = z.infer<typeof AuditExportCheck>;

/** The largest export text the in-app check takes; bigger files are checked by path or CLI. */
export const AUDIT_VERIFY_TEXT_MAX_CHARS = 32 * 1024 * 1024;

export const AuditExportInput = z
  .object({
    format: AuditExportFormat,
    /** Unix milliseconds, inclusive; omitted for the start (from) or the end (to) of the log. */
    from: z.number().int().nonnegative().optional(),
    to: z.number().int().nonnegative().optional(),
    /**
     * An absolute path on the machine that runs Vigil. Omitted: the file is written to the
     * data directory's exports folder, from where headless mode serves it as a download.
     */
    path: z.string().min(1, 'must not be empty').max(4096, tooLong(4096)).optional(),
    /** Replace a file already at `path` (the desktop save dialog has asked the operator). */
    overwrite: z.boolean().optional(),
    /**
     * Desktop app: the one-time handle dialog.chooseExportFile gave for the file the operator
     * chose. The window never sends a path; main exchanges the handle for it.
     */
    handle: Ref.regex(
      /^[A-Za-z0-9_-]{16,64}$/,
      'must be a handle from dialog.chooseExportFile',
    ).optional(),
    /** Chosen by the caller to match audit.exportProgress pushes; one is made up if omitted. */
    exportId: Ref.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -').optional(),
  })
  .refine((input) => input.from === undefined || input.to === undefined || input.from <= input.to, {
    message: 'must not be after to',
    path: ['from'],
  })
  .refine((input) => input.path === undefined || input.handle === undefined, {
    message: 'give a path or a handle, not both',
    path: ['handle'],
  });

export const AuditExportResult = z.object({
  exportId: z.string(),
  format: AuditExportFormat,
  path: z.string(),
  fileName: z.string(),
  /** True when the file sits in the exports folder that headless mode serves for download. */
  downloadable: z.boolean(),
  exportedAt: z.string(),
  fromSeq: z.number().int(),
  toSeq: z.number().int(),
  count: z.number().int(),
  bytes: z.number().int(),
  last: AuditChainPoint,
  head: AuditChainPoint,
  /** The Ed25519 signature file written beside the export (`<path>.sig`). */
  signaturePath: z.string().optional(),
});
export type AuditExportResult = z.infer<typeof AuditExportResult>;

/** A sealed file of older audit entries that failed its checks; moved aside, never deleted. */
export const AuditDamagedSegment = z.object({
  file: z.string(),
  fromSeq: z.number().int(),
  toSeq: z.number().int(),
  reason: z.string(),
  movedTo: z.string().nullable(),
});
export type AuditDamagedSegment = z.infer<typeof AuditDamagedSegment>;

export const AuditStatus = z.object({
  /**
   * The check made when this Vigil started: from the last verified checkpoint to the newest
   * entry (audit.verify checks the whole log).
   */
  startCheck: z.object({
    checkedAt: z.number().int(),
    /** The checkpoint the check started after; null when it checked the log from its start. */
    checkedFrom: AuditChainPoint.nullable(),
    verification: AuditVerification,
    /** Sealed files of older entries found damaged (at start or when read). */
    damagedSegments: z.array(AuditDamagedSegment),
    /** Journal entries whose audit entries did not continue the stored log. */
    replayProblems: z.array(z.string()),
    /** Where copies of the data files were kept when the check failed. */
    evidenceFolder: z.string().nullable(),
  }),
  head: AuditChainPoint.nullable(),
  count: z.number().int(),
});
export type AuditStatus = z.infer<typeof AuditStatus>;

export const AuditListInput = z
  .object({
    limit: z.number().int().positive().max(5_000).optional(),
    /** Opaque; pass back nextCursor from the previous page. */
    cursor: Ref.regex(/^\d+$/, 'not a cursor this log returned').optional(),
    /** Newest first (the default) or oldest first. */
    order: z.enum(['asc', 'desc']).optional(),
    /** Unix milliseconds, inclusive. */
    from: z.number().int().optional(),
    to: z.number().int().optional(),
    actor: Ref.optional(),
    action: Ref.optional(),
    /** Exact (`tx:7`) or a kind prefix ending in a colon (`tx:`). */
    subject: Ref.optional(),
    /** Free text, anywhere in the entry. */
    text: z.string().max(200, tooLong(200)).optional(),
  })
  .optional();

// ---------------------------------------------------------------------------------------------
// Signers and the transaction queue. Keys never cross the contract except once, inbound, in
// signers.import; everything here is addresses, labels and transactions.

/** A non-negative amount in wei (or any uint256), as a decimal string. */
export const Uint256String = z
  .string()
  .max(100, tooLong(100))
  .trim()
  .regex(/^\d+$/, 'must be a non-negative whole number in decimal (wei)')
  // zod runs this even when the regex failed: not a number is the regex's refusal, not a throw.
  .refine((text) => !/^\d+$/.test(text) || BigInt(text) < 2n ** 256n, 'must be below 2^256');

export const SignerBalance = z.object({
  chainId: ChainId,
  /** Wei, decimal; null until read (or when the chain's RPC did not answer). */
  balance: DecimalString.nullable(),
  /** When it was read, unix milliseconds. */
  at: z.number().nullable(),
  error: z.string().nullable(),
});

// ---- approval by a person -------------------------------------------------------------------
// Requests that move funds or lower a guard (txs.approve, signers.import/remove, turning an alert
// rule off, enrolling an approver, the approvals a signer needs) carry `approval`: a WebAuthn
// assertion whose challenge came from approvals.challenge for exactly that request. In the
// desktop app main asks with a native dialog instead and `approval` is not needed.

const Base64Url = z
  .string()
  .max(16_384, tooLong(16_384))
  .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url');

/** A WebAuthn assertion as browsers serialise it (PublicKeyCredential.toJSON()). */
export const WebAuthnAssertion = z.object({
  id: Base64Url.min(1),
  rawId: Base64Url.min(1),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: Base64Url,
    authenticatorData: Base64Url,
    signature: Base64Url,
    userHandle: Base64Url.optional(),
  }),
  clientExtensionResults: z.record(Ref, z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

/** A new passkey as browsers serialise it at registration. */
export const WebAuthnRegistration = z.object({
  id: Base64Url.min(1),
  rawId: Base64Url.min(1),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: Base64Url,
    attestationObject: Base64Url,
    transports: z
      .array(z.string().max(32, tooLong(32)))
      .max(8)
      .optional(),
    authenticatorData: Base64Url.optional(),
    publicKey: Base64Url.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
  }),
  clientExtensionResults: z.record(Ref, z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

export const ApprovalProof = z.object({ assertion: WebAuthnAssertion });
export type ApprovalProof = z.infer<typeof ApprovalProof>;

/** A person enrolled to approve: their passkey's credential id and the name they gave. */
export const Approver = z.object({
  credentialId: z.string(),
  name: z.string(),
  addedAt: z.number(),
});
export type Approver = z.infer<typeof Approver>;

/** One approver's approval of a transaction, over the digest of what will be signed. */
export const TxApproval = z.object({
  credentialId: z.string(),
  name: z.string(),
  digest: Hex,
  at: z.number(),
});

export const Signer = z.object({
  address: z.string(),
  label: z.string(),
  origin: z.enum(['imported', 'generated']),
  addedAt: z.number(),
  balances: z.array(SignerBalance),
  /** Distinct approvers that must approve before a transaction from this signer is signed. */
  approvalsRequired: z.number().int().positive().optional(),
});
export type Signer = z.infer<typeof Signer>;

/** A Safe multisig the operator added, with what the chain last said of it. */
export const Safe = z.object({
  /** `<chainId>:<lowercase address>`, as a watched contract's id. */
  id: z.string(),
  chainId: ChainId,
  address: z.string(),
  name: z.string(),
  version: z.string(),
  owners: z.array(z.string()),
  threshold: z.number().int(),
  nonce: DecimalString,
  modules: z.array(z.string()),
  /** null when no guard is set. */
  guard: z.string().nullable(),
  fallbackHandler: z.string().nullable(),
  /** When the chain was last read for it (ms since 1970). */
  readAt: z.number(),
});
export type Safe = z.infer<typeof Safe>;

export const SafesAddInput = z
  .object({
    chainId: ChainId,
    address: AddressInput,
    /** Shown in lists; the address when omitted. */
    name: z.string().trim().min(1, 'must not be empty').max(80, tooLong(80)).optional(),
    /**
     * Also watch the Safe as a contract (its owner, threshold, module, guard and execution
     * events), so its events are stored and safes.changeRules can offer alert rules.
     */
    watch: z.boolean().optional(),
  })
  .strict();

export const SignerBackup = z.object({
  address: z.string(),
  /** In the exports folder; headless mode serves it as a download. */
  fileName: z.string(),
  path: z.string(),
  /** The keystore JSON itself. */
  keystore: z.string(),
});
export type SignerBackup = z.infer<typeof SignerBackup>;

export const TxStatus = z.enum([
  'proposed',
  'approved',
  'rejected',
  'signed',
  'sent',
  'mined',
  'confirmed',
  'failed',
  'dropped',
  'replaced',
  'cancelled',
]);
export type TxStatus = z.infer<typeof TxStatus>;

/** Approved and not yet final: these hold their nonce, and their signer cannot be removed. */
export const txInFlightStatuses = [
  'approved',
  'signed',
  'sent',
  'mined',
] as const satisfies readonly TxStatus[];

export const DecodedCall = z.object({
  kind: z.enum(['function', 'transfer', 'unknown']),
  functionName: z.string().nullable(),
  /** `transfer(address,uint256)` */
  signature: z.string().nullable(),
  /** By parameter name, in the wire forms events use (integers as decimal strings …). */
  args: z.record(z.string(), z.unknown()).nullable(),
  /** The watched contract's name when the target is watched. */
  targetName: z.string().nullable(),
  selector: Hex.nullable(),
});
export type DecodedCall = z.infer<typeof DecodedCall>;

export const FeePlan = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('eip1559'),
    maxFeePerGas: DecimalString,
    maxPriorityFeePerGas: DecimalString,
  }),
  z.object({ type: z.literal('legacy'), gasPrice: DecimalString }),
]);
export type FeePlan = z.infer<typeof FeePlan>;

export const Simulation = z.object({
  /** Identifies this result; approval compares it with what the operator looked at. */
  id: z.string(),
  at: z.number(),
  blockNumber: BlockNumber,
  success: z.boolean(),
  /** Decoded: `Error("…")`, `Panic(0x11: arithmetic overflow)`, a custom error with its args. */
  revertReason: z.string().nullable(),
  revertData: Hex.nullable(),
  returnData: Hex.nullable(),
  gasEstimate: DecimalString.nullable(),
  /** The latest block's base fee (EIP-1559 chains), wei. */
  baseFeePerGas: DecimalString.nullable(),
  /** What approving now would sign: the nonce, the gas limit and the fee caps. */
  nonce: z.number().int().nonnegative(),
  gasLimit: DecimalString,
  fees: FeePlan,
  /** value + gasLimit × fee cap: the most this can cost, in wei. */
  maxTotalCost: DecimalString,
  /** The signer's balance at that block. */
  balance: DecimalString,
});
export type Simulation = z.infer<typeof Simulation>;

export const TxReceipt = z.object({
  blockNumber: BlockNumber,
  blockHash: Hex,
  gasUsed: DecimalString,
  effectiveGasPrice: DecimalString,
  success: z.boolean(),
});

export const TxTimelineEntry = z.object({
  at: z.number(),
  /** A status the transaction entered, or `simulated`, `stuck`, `rebroadcast` … */
  status: z.string(),
  note: z.string().nullable(),
});

/** One owner's signature of a Safe transaction hash, as Vigil holds it (one per owner). */
export const SafeSignature = z.object({
  /** The owner (lowercase) the signature recovers to (for approveHash, the approving owner). */
  owner: z.string(),
  /** 65 bytes r‖s‖v as the Safe reads it (v 27/28 EIP-712, v>30 eth_sign, v=1 approved hash). */
  signature: Hex,
  /** How Vigil got it: signed here by a keychain owner, imported from a file, pasted, seen on chain. */
  source: z.enum(['signed', 'imported', 'pasted', 'approveHash', 'service']),
  /** When it was recorded (ms since 1970). */
  at: z.number(),
});
export type SafeSignature = z.infer<typeof SafeSignature>;

/**
 * The Safe transaction a Safe proposal stands for: what its owners sign (EIP-712 over these
 * fields, safeTxHash) and what execTransaction is called with. Amounts as decimal strings.
 */
export const SafeProposal = z.object({
  /** The Safe (checksummed); also the proposal's `from`. */
  safe: z.string(),
  to: z.string(),
  value: DecimalString,
  data: Hex,
  /** 0 CALL, 1 DELEGATECALL (only to the chain's MultiSendCallOnly, asked for explicitly). */
  operation: z.union([z.literal(0), z.literal(1)]),
  safeTxGas: DecimalString,
  baseGas: DecimalString,
  gasPrice: DecimalString,
  gasToken: z.string(),
  refundReceiver: z.string(),
  /** The Safe nonce it is built for: two live proposals with one nonce conflict. */
  nonce: DecimalString,
  safeTxHash: Hex,
  /** `rejection`: the zero-value self-call that uses up a nonce in place of another proposal. */
  purpose: z.enum(['call', 'batch', 'rejection']),
  /** For a batch through MultiSendCallOnly: each call, decoded. */
  batch: z
    .array(z.object({ to: z.string(), value: DecimalString, data: Hex, call: DecodedCall }))
    .nullable(),
  /** The key-account transaction (its id) executing it, while one is in flight or after. */
  executionTxId: z.number().int().nullable(),
  /** How it ended, when it did: the transaction hash that executed or superseded it. */
  settledBy: z
    .object({
      kind: z.enum(['executed', 'executed-elsewhere', 'superseded', 'execution-failed']),
      txHash: Hex.nullable(),
      /** The proposal that used the nonce, when another proposal superseded this one. */
      proposalId: z.number().int().nullable(),
      at: z.number(),
    })
    .nullable(),
  /** Read from safe_signatures, never from the record: one per owner, in the order recorded. */
  signatures: z.array(SafeSignature),
});
export type SafeProposal = z.infer<typeof SafeProposal>;

/** One limit of a policy as checked against a proposal: its value and what the policy allows. */
export const PolicyCheck = z.object({ limit: z.string(), value: z.string(), allowed: z.string() });
export type PolicyCheck = z.infer<typeof PolicyCheck>;

/** A policy's verdict on a proposal: approved with every limit checked, or the limit that stopped it. */
export const PolicyDecision = z.object({
  policyId: z.string(),
  at: z.number(),
  approved: z.boolean(),
  checks: z.array(PolicyCheck),
  stoppedBy: PolicyCheck.extend({ reason: z.string() }).optional(),
});
export type PolicyDecision = z.infer<typeof PolicyDecision>;

export const Transaction = z.object({
  id: z.number().int().positive(),
  chainId: ChainId,
  from: z.string(),
  to: z.string(),
  value: DecimalString,
  data: Hex,
  kind: z.enum(['call', 'transfer', 'speedUp', 'cancel']),
  /** For a speed-up or cancel: the transaction whose nonce it takes. */
  replacesId: z.number().int().nullable(),
  /** Who proposed it: `operator`, `workspace:<key>`, `rule:<id>`. */
  source: z.string(),
  note: z.string().nullable(),
  status: TxStatus,
  call: DecodedCall,
  simulation: Simulation.nullable(),
  /** Fixed at approval: exactly what is signed. */
  nonce: z.number().int().nullable(),
  gasLimit: DecimalString.nullable(),
  fees: FeePlan.nullable(),
  hash: Hex.nullable(),
  /** The signed transaction, persisted before it is broadcast. */
  rawTransaction: Hex.nullable(),
  overrideRevert: z.boolean(),
  rejectReason: z.string().nullable(),
  failureReason: z.string().nullable(),
  receipt: TxReceipt.nullable(),
  confirmations: z.number().int().nonnegative(),
  /** Sent but not mined for longer than the chain's stuck threshold. */
  stuck: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  timeline: z.array(TxTimelineEntry),
  /** Approvals so far, each over the digest of what will be signed (see approvals.challenge). */
  approvals: z.array(TxApproval).optional(),
  /** How many distinct approvers its signer needs. */
  approvalsRequired: z.number().int().positive().optional(),
  /** Fixed at approval: the digest of exactly what is signed, checked again before signing. */
  approvalDigest: Hex.nullable().optional(),
  /**
   * The approval record's MAC under the data directory's key (from the OS keychain): an approval
   * written on disk by anyone else fails it and is never signed.
   */
  approvalMac: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .optional(),
  /** A Safe proposal: what the Safe's owners sign; `from` is the Safe. */
  safe: SafeProposal.optional(),
  /** An execTransaction sent by a key account: the Safe proposal (its id) it executes. */
  executesSafeProposal: z.number().int().optional(),
  /**
   * The automation policy its proposer asked it to be executed under (a rule firing, a schedule;
   * never a client's txs.propose): the policy approves it on its own when within every limit.
   */
  executeUnder: z.string().optional(),
  /** The policy's latest decision on it: approved, or the limit that left it for a person. */
  policyDecision: PolicyDecision.optional(),
});
export type Transaction = z.infer<typeof Transaction>;

/**
 * Safe mode: a check at start found the data directory altered outside Vigil (a record failing
 * its MAC, a broken or cut audit log, a missing key). Vigil watches and shows, and signs nothing
 * until a person acknowledges; records that failed stay quarantined.
 */
export const SafeMode = z.object({
  active: z.boolean(),
  since: z.number().int().nullable(),
  /** Why, one sentence each, naming the file or record. */
  reasons: z.array(z.string()),
  /** Files kept aside as found (quarantined records, evidence copies). */
  quarantined: z.array(z.string()),
  /** When a person last acknowledged, and who. */
  acknowledged: z.object({ at: z.number().int(), by: z.string() }).nullable(),
});
export type SafeMode = z.infer<typeof SafeMode>;

/** The public half of the key pair that signs this data directory's audit exports. */
export const AuditSigningKey = z.object({
  algorithm: z.literal('Ed25519'),
  /** SPKI, PEM: give this to an auditor. */
  publicKeyPem: z.string(),
  /** SHA-256 of the key's DER, first 16 bytes: to compare by eye. */
  fingerprint: z.string(),
});
export type AuditSigningKey = z.infer<typeof AuditSigningKey>;

export const NonceLane = z.object({
  chainId: ChainId,
  address: z.string(),
  /** The nonce Vigil would give the next approved transaction. */
  nextNonce: z.number().int().nullable(),
  /** The chain's nonce counting mined transactions only, and counting its mempool. */
  latestNonce: z.number().int().nullable(),
  pendingNonce: z.number().int().nullable(),
  /** Nonces below Vigil's next that nothing in flight holds and the chain has not used. */
  gaps: z.array(z.number().int()),
  inFlight: z.number().int(),
  error: z.string().nullable(),
});
export type NonceLane = z.infer<typeof NonceLane>;

const FunctionCallInput = z.object({
  /** A function name, or a full signature `transfer(address,uint256)` when it is overloaded. */
  name: Ref.trim().min(1, 'must name a function'),
  /** In ABI order: integers as decimal strings (or numbers), addresses, 0x-hex, booleans … */
  args: z.array(z.unknown()).max(64),
});

/** One call of a Safe batch (through MultiSendCallOnly). */
export const SafeBatchCallInput = z
  .object({
    to: AddressInput,
    value: Uint256String.optional(),
    data: Hex.optional(),
    function: FunctionCallInput.optional(),
  })
  .strict();

export const TxsProposeInput = z.object({
  chainId: ChainId,
  /** The keychain signer that sends it; not given for a Safe proposal (`safe`). */
  from: AddressInput.optional(),
  /** Omitted for a batch (`calls`): the target is then the chain's MultiSendCallOnly. */
  to: AddressInput.optional(),
  value: Uint256String.optional(),
  /** Raw calldata; or give `function` and the target's ABI (a watched contract) encodes it. */
  data: Hex.optional(),
  function: FunctionCallInput.optional(),
  note: z.string().trim().max(500, tooLong(500)).optional(),
  /**
   * Propose it as this Safe (added with safes.add): its owners sign the Safe transaction and a
   * keychain signer executes it once enough have.
   */
  safe: AddressInput.optional(),
  /** Safe only: several calls in one Safe transaction, through MultiSendCallOnly. */
  calls: z.array(SafeBatchCallInput).min(1).max(50).optional(),
  /** Safe only: 1 is DELEGATECALL, refused unless to the chain's MultiSendCallOnly (see below). */
  operation: z.union([z.literal(0), z.literal(1)]).optional(),
  /**
   * Safe only: the operator's explicit consent to a DELEGATECALL to the chain's known
   * MultiSendCallOnly (a batch, or operation 1); nothing else may be delegate-called.
   */
  allowDelegateCall: z.literal('multisend').optional(),
  /** Safe only: the Safe nonce; by default the next after the chain's and Vigil's live proposals. */
  safeNonce: Uint256String.optional(),
});

/**
 * A firing event's value a rule's proposal may use in its function arguments or value: the
 * event's decoded arguments by name, its transaction hash, block number or contract address.
 * Checked against the function's ABI when the rule is saved, substituted when it fires.
 */
export const EventTemplate = z
  .string()
  .max(300, tooLong(300))
  .regex(
    /^\{\{\s*event\.(args\.[A-Za-z_$][A-Za-z0-9_$]*|transactionHash|blockNumber|address)\s*\}\}$/,
    'must be {{event.args.<name>}}, {{event.transactionHash}}, {{event.blockNumber}} or {{event.address}}',
  );

/**
 * What a rule proposes each time it fires: a proposal whose function arguments and value may be
 * event templates, and, with `execute`, the policy that may approve it without a person.
 */
export const RuleProposeInput = TxsProposeInput.extend({
  value: z.union([Uint256String, EventTemplate]).optional(),
  /** Executed under this automation policy: approved on its own when within every limit. */
  execute: z.object({ policy: Ref }).strict().optional(),
});
export type RuleProposeInput = z.infer<typeof RuleProposeInput>;

/** Where a signed-proposal file (vigil-safe-proposal/1) is read from: a path, or its text. */
export const SafesImportSignaturesInput = z
  .object({
    /** An absolute path on the machine that runs Vigil (desktop, or a local script). */
    path: z.string().min(1, 'must not be empty').max(4096, tooLong(4096)).optional(),
    /** The file's text, as a browser reads a chosen file. */
    text: z.string().min(1, 'must not be empty').max(1_000_000, tooLong(1_000_000)).optional(),
    /** With text: the chosen file's name, for the audit entry. */
    fileName: z.string().trim().min(1).max(255, tooLong(255)).optional(),
    /** The proposal the file must be for; omitted, it is found by its safeTxHash, or proposed. */
    proposalId: z.number().int().positive().optional(),
  })
  .strict()
  .refine((input) => (input.path === undefined) !== (input.text === undefined), {
    message: 'give either path or text, not both',
    path: ['path'],
  });

/** What importing or pasting signatures did to a Safe proposal. */
export const SafeSignaturesRecorded = z.object({
  proposal: Transaction,
  /** True when the file's transaction was not known and was proposed from it. */
  created: z.boolean(),
  /** Owners whose signature was recorded now (lowercase). */
  recorded: z.array(z.string()),
  /** Owners whose signature was already recorded: nothing changed for them. */
  alreadyRecorded: z.array(z.string()),
});
export type SafeSignaturesRecorded = z.infer<typeof SafeSignaturesRecorded>;

export const SafesExportProposalResult = z.object({
  path: z.string(),
  fileName: z.string(),
  /** The file's text, so a browser can offer it as a download too. */
  text: z.string(),
  /** Owners' signatures in the file (approved hashes are read from the chain, not exported). */
  signatures: z.number().int(),
});
export type SafesExportProposalResult = z.infer<typeof SafesExportProposalResult>;

// ---------------------------------------------------------------------------------------------
// Alert rules, their firings and the deliveries of those firings.

export const AlertSeverity = z.enum(['info', 'warning', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

export const CompareOp = z.enum([
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'contains',
  'starts_with',
  'ends_with',
]);
export type CompareOp = z.infer<typeof CompareOp>;

/** A literal in a condition. Numbers are exact decimal integers (e-notation is expanded). */
export type ConditionValue =
  | { type: 'number'; value: string }
  | { type: 'hex'; value: string }
  | { type: 'string'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'list'; items: ConditionValue[] };

export const ConditionValue: z.ZodType<ConditionValue> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('number'), value: DecimalString }),
    z.object({ type: z.literal('hex'), value: Hex }),
    z.object({ type: z.literal('string'), value: z.string().max(1_000, tooLong(1_000)) }),
    z.object({ type: z.literal('bool'), value: z.boolean() }),
    z.object({ type: z.literal('list'), items: z.array(ConditionValue).max(500) }),
  ]),
);

/**
 * A condition as a tree: what the UI's builder edits and the textual form parses into.
 * `all` with no conditions matches everything (the empty text).
 */
export type ConditionNode =
  | { type: 'all'; conditions: ConditionNode[] }
  | { type: 'any'; conditions: ConditionNode[] }
  | { type: 'not'; condition: ConditionNode }
  | {
      type: 'compare';
      field: string;
      op: CompareOp;
      value: ConditionValue;
      /**
       * Text fields only: compare the field's lowercased text (written `lower(field) == "abc"`),
       * so the literal is lowercase too. Absent means exact.
       */
      ignoreCase?: true;
    };

export const ConditionNode: z.ZodType<ConditionNode> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('all'), conditions: z.array(ConditionNode).max(200) }),
    z.object({ type: z.literal('any'), conditions: z.array(ConditionNode).max(200) }),
    z.object({ type: z.literal('not'), condition: ConditionNode }),
    z.object({
      type: z.literal('compare'),
      field: z.string().max(200, tooLong(200)),
      op: CompareOp,
      value: ConditionValue,
      ignoreCase: z.literal(true).optional(),
    }),
  ]),
);

const webhookUrl = z
  .string()
  .max(2_048, tooLong(2_048))
  .trim()
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: 'must be an http:// or https:// URL' },
  );

export const WebhookFormat = z.enum(['json', 'slack', 'discord']);

export const AlertChannelInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('in-app') }),
  z.object({ type: z.literal('desktop') }),
  z.object({
    type: z.literal('webhook'),
    url: webhookUrl,
    /** json: Vigil's own body; slack / discord: a body those services' incoming webhooks accept. */
    format: WebhookFormat.default('json'),
    /**
     * The HMAC-SHA256 key. Omitted: an existing channel with the same URL keeps its secret, a
     * new one gets a generated secret that the save answer shows once.
     */
    secret: z.string().min(16, 'must be at least 16 characters').max(256, tooLong(256)).optional(),
    /** Workspace files only: the name of an environment variable holding the secret. */
    secretEnv: Ref.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name').optional(),
  }),
]);
export type AlertChannelInput = z.input<typeof AlertChannelInput>;

export const AlertChannel = z.discriminatedUnion('type', [
  z.object({ type: z.literal('in-app') }),
  z.object({ type: z.literal('desktop') }),
  z.object({
    type: z.literal('webhook'),
    url: z.string(),
    format: WebhookFormat,
    /** The secret's last four characters; the whole secret is never sent back. */
    secretHint: z.string(),
  }),
]);
export type AlertChannel = z.infer<typeof AlertChannel>;

const ruleId = Ref.trim().regex(
  /^[a-z0-9][a-z0-9-]{0,63}$/,
  'must be lowercase letters, digits and dashes (a slug)',
);

const ruleCommon = {
  /** Omitted for a new rule: a slug of the name. */
  id: ruleId.optional(),
  name: z.string().trim().min(1, 'must not be empty').max(120, tooLong(120)),
  severity: AlertSeverity.default('warning'),
  enabled: z.boolean().default(false),
  channels: z
    .array(AlertChannelInput)
    .max(10)
    .default([{ type: 'in-app' }]),
  /** After a firing, further firings of the rule within this many seconds are suppressed (recorded, not notified). */
  cooldownSeconds: z
    .number()
    .int()
    .nonnegative()
    .max(30 * 86_400)
    .default(0),
  /**
   * A transaction to propose each time the rule fires (a top-up, a pause …). It goes into the
   * queue like any proposal and needs approval by hand, unless `execute` names a policy it is
   * within. Function arguments and value may use the firing event's values ({{event.args.from}}).
   */
  propose: RuleProposeInput.optional(),
  /**
   * A person's, when the rule sends on its own: saved enabled with `propose.execute` (new, or
   * changed), as enabling a policy needs one (see gated-requests.ts).
   */
  approval: ApprovalProof.optional(),
};

const contractEvent = {
  /** The watched contract, `chainId:address` as contracts.list gives it. */
  contractId: Ref.min(1, 'choose a watched contract'),
  /** An event name, or its full signature when the ABI has two events of that name. */
  eventName: Ref.trim().min(1, 'choose an event'),
  /** The textual condition; empty matches every event. */
  condition: z.string().max(4_000, tooLong(4_000)).default(''),
};

export const EventRuleSpec = z.object({
  kind: z.literal('event'),
  ...contractEvent,
  /** Blocks on top of the event's block before it fires; 0 fires at once, as tentative. */
  confirmations: z.number().int().nonnegative().max(10_000).default(0),
});

export const LagRuleSpec = z.object({
  kind: z.literal('lag'),
  chainId: ChainId,
  /** Fires when the store is more than this many blocks behind the head … */
  maxBlocks: z.number().int().nonnegative().max(1_000_000).optional(),
  /** … or more than this many seconds behind … */
  maxSeconds: z
    .number()
    .nonnegative()
    .max(30 * 86_400)
    .optional(),
  /** … for longer than this. */
  forSeconds: z
    .number()
    .nonnegative()
    .max(30 * 86_400)
    .default(0),
});

export const TransactionRuleSpec = z.object({
  kind: z.literal('transaction'),
  /** Only transactions on this chain, or from this signer; every one when omitted. */
  chainId: ChainId.optional(),
  from: AddressInput.optional(),
  /** What to alert on: a transaction that failed (reverted on chain), was dropped, or is stuck. */
  on: z
    .array(z.enum(['failed', 'dropped', 'stuck']))
    .min(1, 'choose at least one of failed, dropped, stuck')
    .default(['failed', 'dropped', 'stuck']),
  /** Sent and not mined for longer than this counts as stuck. */
  stuckSeconds: z
    .number()
    .positive()
    .max(7 * 86_400)
    .default(180),
});

export const BalanceRuleSpec = z.object({
  kind: z.literal('balance'),
  chainId: ChainId,
  /** A signer's address. */
  address: AddressInput,
  /** Fires while the native balance is below this many wei. */
  below: Uint256String,
});

export const FailedCallRuleSpec = z.object({
  kind: z.literal('failed-call'),
  chainId: ChainId,
  /** Fires once per transaction to one of these addresses that failed (receipt status 0). */
  addresses: z.array(AddressInput).min(1, 'name at least one address').max(100),
  /**
   * Blocks on top of the transaction's block before it fires; 0 fires at once, as tentative
   * until the chain's confirmation depth.
   */
  confirmations: z.number().int().nonnegative().max(10_000).default(0),
});

export const SilenceRuleSpec = z.object({
  kind: z.literal('silence'),
  ...contractEvent,
  /** Fires when no matching event came within this many seconds (a dead-man's switch). */
  withinSeconds: z
    .number()
    .positive()
    .max(365 * 86_400),
});

/** Each kind's rule input on its own (the workspace reader checks keys per kind). */
export const alertRuleInputKinds = {
  event: EventRuleSpec.extend(ruleCommon),
  lag: LagRuleSpec.extend(ruleCommon),
  silence: SilenceRuleSpec.extend(ruleCommon),
  transaction: TransactionRuleSpec.extend(ruleCommon),
  balance: BalanceRuleSpec.extend(ruleCommon),
  'failed-call': FailedCallRuleSpec.extend(ruleCommon),
} as const;

export const AlertRuleInput = z
  .discriminatedUnion('kind', [
    alertRuleInputKinds.event,
    alertRuleInputKinds.lag,
    alertRuleInputKinds.silence,
    alertRuleInputKinds.transaction,
    alertRuleInputKinds.balance,
    alertRuleInputKinds['failed-call'],
  ])
  .refine(
    (rule) => rule.kind !== 'lag' || rule.maxBlocks !== undefined || rule.maxSeconds !== undefined,
    {
      message: 'a lag rule needs maxBlocks, maxSeconds or both',
      path: ['maxBlocks'],
    },
  );
export type AlertRuleInput = z.input<typeof AlertRuleInput>;
export type AlertRuleKind = AlertRuleInput['kind'];

const ruleOutputCommon = {
  id: z.string(),
  name: z.string(),
  severity: AlertSeverity,
  enabled: z.boolean(),
  channels: z.array(AlertChannel),
  cooldownSeconds: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** When the rule was last enabled; it fires only for what happens after. */
  armedAt: z.number().nullable(),
  /** Why the rule cannot run now (its contract was removed …), or null. */
  problem: z.string().nullable(),
  lastFiredAt: z.number().nullable(),
  firingCount: z.number().int(),
  propose: RuleProposeInput.optional(),
};

export const AlertRule = z.discriminatedUnion('kind', [
  EventRuleSpec.extend({ ...ruleOutputCommon, conditionTree: ConditionNode }),
  LagRuleSpec.extend(ruleOutputCommon),
  SilenceRuleSpec.extend({ ...ruleOutputCommon, conditionTree: ConditionNode }),
  TransactionRuleSpec.extend(ruleOutputCommon),
  BalanceRuleSpec.extend(ruleOutputCommon),
  FailedCallRuleSpec.extend(ruleOutputCommon),
]);
export type AlertRule = z.infer<typeof AlertRule>;

export const FiringState = z.enum(['tentative', 'fired', 'retracted', 'resolved', 'suppressed']);
export type FiringState = z.infer<typeof FiringState>;

export const FiringEvent = z.object({
  chainId: ChainId,
  contractId: z.string(),
  address: z.string(),
  blockNumber: BlockNumber,
  blockHash: Hex,
  logIndex: z.number().int().nonnegative(),
  transactionHash: Hex,
  blockTimestamp: z.number().int().nullable(),
  eventName: z.string().nullable(),
  args: z.record(z.string(), z.unknown()).nullable(),
});
export type FiringEvent = z.infer<typeof FiringEvent>;

export const AlertFiring = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  kind: z.string(),
  severity: AlertSeverity,
  /** What it fired about: `event:<chainId>:<blockHash>:<logIndex>` or `episode:<start ms>`. */
  subject: z.string(),
  state: FiringState,
  /** 1, or more when an event a reorg removed came back and the firing fired again. */
  revision: z.number().int().positive(),
  summary: z.string(),
  chainId: ChainId.nullable(),
  event: FiringEvent.nullable(),
  /** For lag, silence …: what was measured when it fired, and when the episode ended. */
  measure: z.record(z.string(), z.unknown()).nullable(),
  firedAt: z.number(),
  updatedAt: z.number(),
  endedAt: z.number().nullable(),
  acknowledgedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  snoozedUntil: z.number().nullable(),
  /** Shown in the in-app feed (the rule has the in-app channel). */
  inApp: z.boolean(),
});
export type AlertFiring = z.infer<typeof AlertFiring>;

export const DeliveryKind = z.enum(['fired', 'retracted', 'resolved']);

export const AlertDelivery = z.object({
  /** Stable across retries and restarts: the receiver de-duplicates on it. */
  id: z.string(),
  firingId: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  kind: DeliveryKind,
  /** `webhook https://…` or `desktop`. */
  channel: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(
    z.object({
      attempt: z.number().int().positive(),
      at: z.number(),
      ok: z.boolean(),
      statusCode: z.number().int().nullable(),
      error: z.string().nullable(),
      durationMs: z.number().nullable(),
    }),
  ),
  nextAttemptAt: z.number().nullable(),
  createdAt: z.number(),
});
export type AlertDelivery = z.infer<typeof AlertDelivery>;

export const ConditionProblem = z.object({
  message: z.string(),
  /** 1-based, in the textual form; absent for a problem found in a tree. */
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  /** Where in the tree: `conditions[1].conditions[0]`; "" for the root. */
  path: z.string().optional(),
});
export type ConditionProblem = z.infer<typeof ConditionProblem>;

export const ConditionField = z.object({
  /** As written in a condition: `value`, `payment.amount`, `tx.from`. */
  name: z.string(),
  /** The ABI type (`uint256`, `address[]`) or, for transaction fields, its kind. */
  type: z.string(),
  /** Operators that fit this field. */
  ops: z.array(CompareOp),
  /** The field is text, so it can be compared without regard to case: lower(name) == "abc". */
  ignoreCase: z.boolean().optional(),
});
export type ConditionField = z.infer<typeof ConditionField>;

export const BacktestMatch = z.object({
  event: FiringEvent,
  /** Would have been suppressed by the rule's cooldown (by block time). */
  suppressed: z.boolean(),
});

// ---------------------------------------------------------------------------------------------
// Requests.

const Empty = z.object({}).strict().optional();

/** A ready-made event rule Vigil offers (upgrades, Safe changes), for alerts.rules.save. */
const BuiltInEventRule = z.object({
  kind: z.literal('event'),
  name: z.string(),
  severity: AlertSeverity,
  enabled: z.boolean(),
  contractId: z.string(),
  eventName: z.string(),
  condition: z.string(),
});

const explorerUrl = z
  .string()
  .trim()
  .max(500)
  .refine((value) => /^https?:\/\/[^\s]+$/i.test(value), {
    message: 'must be an http(s):// URL',
  })
  .transform((value) => value.replace(/\/+$/, ''));

export const ChainsAddInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(80, tooLong(80)),
  chainId: ChainId,
  rpcUrls: z.array(rpcUrl).min(1, 'needs at least one RPC URL').max(16),
  confirmations: z.number().int().nonnegative().max(10_000).optional(),
  explorerUrl: explorerUrl.optional(),
});

/** Where a verified contract's ABI is fetched from. */
export const VerifiedSource = z.enum(['sourcify', 'etherscan']);

export const ContractsAddInput = z.object({
  chainId: ChainId,
  address: AddressInput,
  /** A JSON ABI array, an array of human-readable signatures, or a Hardhat/Foundry artifact. */
  abi: z.union([z.array(z.unknown()), FreeText(4_000_000), z.record(Ref, z.unknown())]),
  /** Absent: Vigil finds the block the contract was created in (see contracts.creationBlock). */
  startBlock: BlockNumber.optional(),
  name: z.string().trim().max(80, tooLong(80)).optional(),
  retention: Retention.optional(),
  /** For a proxy: its implementation's ABI, when `abi` is the proxy's own. */
  implementationAbi: z
    .union([z.array(z.unknown()), FreeText(4_000_000), z.record(Ref, z.unknown())])
    .optional(),
});

export const ChainsUpdateInput = z
  .object({
    chainId: ChainId,
    name: ChainsAddInput.shape.name.optional(),
    rpcUrls: ChainsAddInput.shape.rpcUrls.optional(),
    confirmations: ChainsAddInput.shape.confirmations,
    /** null removes it. */
    explorerUrl: explorerUrl.nullable().optional(),
    /** A person's approval, when a new RPC URL is on an inward address (see gated-requests.ts). */
    approval: ApprovalProof.optional(),
  })
  .refine(
    (input) =>
      input.name !== undefined ||
      input.rpcUrls !== undefined ||
      input.confirmations !== undefined ||
      input.explorerUrl !== undefined,
    { message: 'give at least one of name, rpcUrls, confirmations, explorerUrl' },
  );

export const ContractsUpdateInput = z
  .object({
    id: Ref,
    name: z.string().trim().min(1, 'must not be empty').max(80, tooLong(80)).optional(),
    /** null: keep everything again. Shortening it needs a person (see gated-requests.ts). */
    retention: Retention.nullable().optional(),
    /** A proxy's new implementation ABI after an upgrade: merged into the contract's ABI. */
    implementationAbi: ContractsAddInput.shape.implementationAbi,
    approval: ApprovalProof.optional(),
  })
  .refine(
    (input) =>
      input.name !== undefined ||
      input.retention !== undefined ||
      input.implementationAbi !== undefined,
    { message: 'give at least one of name, retention, implementationAbi' },
  );

export const EventsQueryInput = z.object({
  chainId: ChainId.optional(),
  address: AddressInput.optional(),
  contractId: Ref.optional(),
  eventName: Ref.optional(),
  /** The events one transaction caused; give its block too (fromBlock/toBlock) to find them fast. */
  transactionHash: Ref.regex(
    /^0x[0-9a-fA-F]{64}$/,
    'must be a 0x-prefixed transaction hash of 64 hex digits',
  ).optional(),
  fromBlock: BlockNumber.optional(),
  toBlock: BlockNumber.optional(),
  includeRemoved: z.boolean().optional(),
  limit: z.number().int().positive().max(10_000).optional(),
  /** Opaque; pass back nextCursor from the previous page. */
  cursor: Ref.optional(),
  /** Newest first instead of chain order (the live table's default). */
  order: z.enum(['asc', 'desc']).optional(),
  /**
   * A condition in the alert rules' language over the chosen contract's event (contractId and
   * eventName required): `value > 1000000e18 and to == 0x…`, `tx.from == 0x…`.
   */
  where: z.string().max(4_000).optional(),
  /** Events with this address in any argument, or as their transaction's sender or target. */
  touches: AddressInput.optional(),
});

export const ImportFormatName = z.enum(['oz-monitor', 'defender', 'oz-relayer', 'kwala']);

const ImportSource = { file: z.string(), line: z.number().int() };

/** What an import of another tool's files would do (workspace.importFrom). */
export const ImportPreview = z.object({
  format: ImportFormatName,
  /** What the import adds; a contract without startBlock starts at its creation block, found when applied. */
  adds: z.object({
    chains: z.array(
      z.object({
        chainId: z.number().int(),
        name: z.string(),
        rpcUrls: z.array(z.string()),
        confirmations: z.number().int().optional(),
      }),
    ),
    contracts: z.array(
      z.object({
        chainId: z.number().int(),
        address: z.string(),
        name: z.string().optional(),
        startBlock: z.number().int().optional(),
        events: z.array(z.string()),
      }),
    ),
    rules: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        kind: z.string(),
        enabled: z.boolean(),
        contractId: z.string().optional(),
        eventName: z.string().optional(),
        condition: z.string().optional(),
        /** What a rule of another kind watches, in words ("failed transactions to 0x…"). */
        watches: z.string().optional(),
        channels: z.array(z.string()),
      }),
    ),
    /** Schedules are added disabled: a person enables each. */
    schedules: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        cron: z.string().optional(),
        everySeconds: z.number().int().optional(),
        timezone: z.string(),
        chainId: z.number().int(),
        to: z.string().optional(),
        /** The function called, when the proposal names one rather than raw calldata. */
        function: z.string().optional(),
        /** The policy its proposals execute under; without it each waits for a person. */
        policy: z.string().optional(),
        enabled: z.boolean(),
      }),
    ),
    /** Automation policies are added disabled: a person enables each. */
    policies: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        chainId: z.number().int(),
        signer: z.string(),
        /** `address: fn, fn(…)` per target, functions as the file names them. */
        targets: z.array(z.string()),
        maxValuePerTx: DecimalString,
        maxFeePerGas: DecimalString,
        dailyBudget: DecimalString,
        maxPerHour: z.number().int(),
      }),
    ),
  }),
  /** What the files declare that Vigil already has: left as it is. */
  existing: z.object({
    chains: z.array(z.object({ chainId: z.number().int(), name: z.string() })),
    contracts: z.array(z.object({ chainId: z.number().int(), address: z.string() })),
    rules: z.array(z.object({ id: z.string(), name: z.string() })),
    schedules: z.array(z.object({ id: z.string(), name: z.string() })),
    policies: z.array(z.object({ id: z.string(), name: z.string() })),
  }),
  notCarried: z.array(z.object({ ...ImportSource, reason: z.string() })),
  /**
   * Secrets named by environment variable, read when the import is applied: `set` says whether
   * this import has a value, and `source` where it comes from (Vigil's environment, or typed by
   * the operator with this request). The value itself is never returned.
   */
  secrets: z.array(
    z.object({
      ...ImportSource,
      env: z.string(),
      purpose: z.string(),
      set: z.boolean(),
      source: z.enum(['environment', 'typed']).nullable(),
      /**
       * Applying fails without it: the passphrase of a keystore to import, the secret of a
       * webhook of a rule to add. Another (a token in a URL) only decides whether that is carried over.
       */
      needed: z.boolean(),
    }),
  ),
  /** Signer keys in keystore files, decrypted with the passphrase in `passphraseEnv` when applied. */
  signers: z.array(
    z.object({
      ...ImportSource,
      keystorePath: z.string(),
      passphraseEnv: z.string(),
      /** This import has a passphrase for the keystore (from the environment or typed). */
      passphraseSet: z.boolean(),
      address: z.string(),
      label: z.string(),
      /** Already a signer in Vigil: left as it is. */
      existing: z.boolean(),
    }),
  ),
  /** With confirm: what was applied. */
  applied: z.lazy(() => WorkspaceSummary).optional(),
});
export type ImportPreview = z.infer<typeof ImportPreview>;

export const WorkspaceSummary = z.object({
  chainsAdded: z.number().int(),
  chainsUnchanged: z.number().int(),
  contractsAdded: z.number().int(),
  contractsUnchanged: z.number().int(),
  /** Transactions proposed from the file now; each waits for approval. */
  transactionsProposed: z.number().int(),
  /** Transactions whose key was proposed by an earlier import. */
  transactionsUnchanged: z.number().int(),
  rulesAdded: z.number().int(),
  rulesUnchanged: z.number().int(),
  /** Policies the file adds, each disabled until a person enables it. */
  policiesAdded: z.number().int(),
  /**
   * Policies the file changes: a narrowing keeps a policy's enabled state, a widening saves it
   * disabled (a person's approval was for the narrower terms).
   */
  policiesChanged: z.number().int(),
  policiesUnchanged: z.number().int(),
  /** Schedules added from the file; each starts disabled until a person enables it. */
  schedulesAdded: z.number().int(),
  schedulesUnchanged: z.number().int(),
});

// ---------------------------------------------------------------------------------------------
// Automation policies: what may be sent without a person, and the switch that stops all of it.

const UnsignedDecimal = DecimalString.regex(/^\d+$/, 'must not be negative');

export const PolicyFunctionInput = z
  .object({
    /** A function of the target's ABI by name, or by signature when overloaded: `transfer(address,uint256)`. */
    function: FreeText(500),
    /** A condition on the call's arguments in the alert condition language; absent allows any. */
    condition: FreeText(4_000).optional(),
  })
  .strict();
export type PolicyFunctionInput = z.infer<typeof PolicyFunctionInput>;

export const PolicyTargetInput = z
  .object({
    /** A watched contract on the policy's chain. */
    address: AddressInput,
    functions: z.array(PolicyFunctionInput).min(1).max(100),
  })
  .strict();

/** A policy as a client writes it (`automation.policies.save` creates or changes by id). */
export const PolicyInput = z
  .object({
    /** Lowercase letters, digits and dashes; absent: made from the name. */
    id: Ref.regex(
      /^[a-z0-9][a-z0-9-]*$/,
      'must be lowercase letters, digits and dashes',
    ).optional(),
    name: FreeText(200).trim().min(1, 'must not be empty'),
    chainId: ChainId,
    /** The keychain signer that sends. */
    signer: AddressInput,
    targets: z.array(PolicyTargetInput).min(1).max(100),
    /** Wei, the most one transaction may carry. */
    maxValuePerTx: UnsignedDecimal,
    /** Wei, the highest max fee per gas (gas price for a legacy transaction). */
    maxFeePerGas: UnsignedDecimal,
    /** Wei per signer and chain over a rolling 24 hours: value plus the most the fees can cost. */
    dailyBudget: UnsignedDecimal,
    /** At most this many transactions approved by the policy in any hour. */
    maxPerHour: z.number().int().positive().max(10_000),
    enabled: z.boolean().default(false),
    approval: ApprovalProof.optional(),
  })
  .strict();
export type PolicyInput = z.infer<typeof PolicyInput>;

/**
 * A policy in a workspace file: its terms only. Whether it is enabled is not the file's to say:
 * an imported policy starts disabled until a person enables it.
 */
export const WorkspacePolicy = PolicyInput.omit({ approval: true, enabled: true });
export type WorkspacePolicy = z.infer<typeof WorkspacePolicy>;

export const PolicyFunction = z.object({
  name: z.string(),
  /** The full signature, `transfer(address,uint256)`. */
  signature: z.string(),
  selector: z.string(),
  /** The condition's canonical text; absent allows any arguments. */
  condition: z.string().optional(),
  /** The function's ABI entry as checked at save, so a later ABI change cannot widen the policy. */
  abi: z.unknown(),
});
export type PolicyFunction = z.infer<typeof PolicyFunction>;

export const AutomationPolicy = z.object({
  id: z.string(),
  name: z.string(),
  chainId: ChainId,
  /** Checksummed. */
  signer: z.string(),
  targets: z.array(
    z.object({
      /** Checksummed. */
      address: z.string(),
      /** The watched contract's name when saved. */
      contractName: z.string(),
      functions: z.array(PolicyFunction),
    }),
  ),
  maxValuePerTx: DecimalString,
  maxFeePerGas: DecimalString,
  dailyBudget: DecimalString,
  maxPerHour: z.number().int(),
  enabled: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type AutomationPolicy = z.infer<typeof AutomationPolicy>;

export const AutomationStatus = z.object({
  /** True: no policy approves anything until a person resumes. */
  paused: z.boolean(),
  /** When the switch was last moved, and by whom; null when it never was. */
  changedAt: z.number().nullable(),
  changedBy: z.string().nullable(),
  reason: z.string().nullable(),
  policies: z.number().int(),
  enabledPolicies: z.number().int(),
  /** Per enabled policy: what it has used of its signer's daily budget and of its hourly rate. */
  budgets: z.array(
    z.object({
      policyId: z.string(),
      chainId: ChainId,
      signer: z.string(),
      /** Wei: value plus the most fees can cost, approved by policies in the rolling 24 hours for that signer and chain. */
      usedToday: DecimalString,
      dailyBudget: DecimalString,
      approvedLastHour: z.number().int(),
      maxPerHour: z.number().int(),
    }),
  ),
});
export type AutomationStatus = z.infer<typeof AutomationStatus>;

// ---------------------------------------------------------------------------------------------
// Schedules: a transaction proposed at each slot of a cron expression or an interval.

/**
 * A cron expression of 5 fields (minute first) or 6 (seconds first). Only its shape is checked
 * here (this file depends on zod alone); the schedules room parses it with croner on save.
 */
export const CronExpression = FreeText(200)
  .trim()
  .superRefine((text, context) => {
    const fields = text.split(/\s+/).filter(Boolean).length;
    if (fields !== 5 && fields !== 6)
      context.addIssue({
        code: 'custom',
        message: `must have 5 fields (minute hour day month weekday) or 6 (seconds first); this one has ${fields}`,
      });
  });

/** An IANA time zone name that this runtime knows (`Europe/Paris`, `UTC`). */
export const TimeZone = FreeText(100).superRefine((zone, context) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    context.addIssue({ code: 'custom', message: `${zone} is not an IANA time zone name` });
  }
});

/** A schedule as a client writes it (`automation.schedules.save` creates or changes by id). */
export const ScheduleInput = z
  .object({
    /** Lowercase letters, digits and dashes; absent: made from the name. */
    id: Ref.regex(
      /^[a-z0-9][a-z0-9-]*$/,
      'must be lowercase letters, digits and dashes',
    ).optional(),
    name: FreeText(200).trim().min(1, 'must not be empty'),
    /** Give either cron or everySeconds. */
    cron: CronExpression.optional(),
    /** Every this many seconds, counted from the schedule's creation. */
    everySeconds: z
      .number()
      .int()
      .min(1)
      .max(366 * 24 * 3600)
      .optional(),
    /** The zone the cron expression's hours and days are read in. */
    timezone: TimeZone.default('UTC'),
    /** What each slot proposes; it waits for a person unless `execute` names a policy. */
    propose: TxsProposeInput,
    /** Approved by this policy when within every limit (see automation.policies). */
    execute: z.object({ policy: Ref }).strict().optional(),
    /**
     * A slot missed while Vigil was not running runs once at start if it is at most this many
     * seconds old; older ones are recorded as skipped, with the reason.
     */
    catchUpSeconds: z
      .number()
      .int()
      .min(0)
      .max(366 * 24 * 3600)
      .default(3600),
    enabled: z.boolean().default(true),
    /** A person's, when the schedule is enabled with `execute` (see schedules/gate-describers.ts). */
    approval: ApprovalProof.optional(),
  })
  .strict()
  .superRefine((input, context) => {
    if ((input.cron === undefined) === (input.everySeconds === undefined))
      context.addIssue({
        code: 'custom',
        message: 'give exactly one of cron and everySeconds',
        path: [input.cron === undefined ? 'cron' : 'everySeconds'],
      });
    if (input.propose.safe !== undefined)
      context.addIssue({
        code: 'custom',
        message: 'a schedule proposes from a keychain signer (from), not as a Safe',
        path: ['propose', 'safe'],
      });
  });
export type ScheduleInput = z.infer<typeof ScheduleInput>;

/** What became of one slot of a schedule. */
export const ScheduleRun = z.object({
  scheduleId: z.string(),
  /** The slot's time (ms since the epoch). */
  slotAt: z.number(),
  outcome: z.enum(['proposed', 'skipped', 'failed']),
  /** The transaction proposed for the slot. */
  txId: z.number().int().nullable(),
  /** Why it was skipped or failed. */
  reason: z.string().nullable(),
  /** When it was recorded. */
  at: z.number(),
});
export type ScheduleRun = z.infer<typeof ScheduleRun>;

export const Schedule = z.object({
  id: z.string(),
  name: z.string(),
  cron: z.string().optional(),
  everySeconds: z.number().int().optional(),
  timezone: z.string(),
  propose: TxsProposeInput,
  execute: z.object({ policy: z.string() }).optional(),
  catchUpSeconds: z.number().int(),
  enabled: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** The next slot that will run; null when disabled or the expression has no further slot. */
  nextSlotAt: z.number().nullable(),
  lastRun: ScheduleRun.nullable(),
});
export type Schedule = z.infer<typeof Schedule>;

export const requests = {
  /** Every automation policy, oldest first. */
  'automation.policies.list': {
    input: Empty,
    output: z.object({ policies: z.array(AutomationPolicy) }),
  },
  /**
   * Creates a policy or changes the one with its id, checked in full first (functions in the
   * watched ABI, the signer in the keychain, the chain configured, conditions that compile).
   * Creating, widening or enabling needs a person; narrowing does not.
   */
  'automation.policies.save': { input: PolicyInput, output: AutomationPolicy },
  'automation.policies.remove': {
    input: z.object({ id: Ref }).strict(),
    output: z.object({ removed: z.literal(true) }),
  },
  /** Enabling needs a person; disabling does not. */
  'automation.policies.setEnabled': {
    input: z.object({ id: Ref, enabled: z.boolean(), approval: ApprovalProof.optional() }).strict(),
    output: AutomationPolicy,
  },
  /** Stops every automatic approval at once, durably (a restart does not resume). */
  'automation.pause': {
    input: z
      .object({ reason: FreeText(500).optional() })
      .strict()
      .default({}),
    output: AutomationStatus,
  },
  /** Lets enabled policies approve again; needs a person, as enabling a policy does. */
  'automation.resume': {
    input: z.object({ approval: ApprovalProof.optional() }).strict().default({}),
    output: AutomationStatus,
  },
  'automation.status': { input: Empty, output: AutomationStatus },
  /** What policies decided on proposals executed under them, newest first. */
  'automation.decisions.list': {
    input: z
      .object({
        policyId: Ref.optional(),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict()
      .default({ limit: 100 }),
    output: z.object({ decisions: z.array(PolicyDecision.extend({ txId: z.number().int() })) }),
  },
  /** Every schedule, oldest first, with its next slot and last run. */
  'automation.schedules.list': {
    input: Empty,
    output: z.object({ schedules: z.array(Schedule) }),
  },
  /**
   * Creates a schedule or changes the one with its id. Its proposal is checked as the queue
   * would check it (chain, signer, encoding) and `execute.policy` must name a policy. Saving one
   * enabled with `execute` needs a person, unless it is already so, unchanged.
   */
  'automation.schedules.save': { input: ScheduleInput, output: Schedule },
  'automation.schedules.remove': {
    input: z.object({ id: Ref }).strict(),
    output: z.object({ removed: z.literal(true) }),
  },
  /** Enabling one with `execute` needs a person; anything else does not. */
  'automation.schedules.setEnabled': {
    input: z.object({ id: Ref, enabled: z.boolean(), approval: ApprovalProof.optional() }).strict(),
    output: Schedule,
  },
  /** What became of each slot, newest first; of one schedule when `id` is given. */
  'automation.schedules.runs': {
    input: z
      .object({ id: Ref.optional(), limit: z.number().int().positive().max(1_000).optional() })
      .strict()
      .default({}),
    output: z.object({ runs: z.array(ScheduleRun) }),
  },
  'chains.add': {
    /** `approval`: a person's, when an RPC URL is on an inward address (see gated-requests.ts). */
    input: ChainsAddInput.extend({ approval: ApprovalProof.optional() }),
    output: Chain,
  },
  'chains.list': { input: Empty, output: z.array(Chain) },
  /** viem's chain definitions matching a query (name, chain id or currency symbol), best first. */
  'chains.presets': {
    input: z
      .object({
        query: z.string().max(100).optional(),
        limit: z.number().int().positive().max(1_000).optional(),
      })
      .strict()
      .optional(),
    output: z.array(ChainPreset),
  },
  /** Renames a chain, or changes its RPC URLs (checked like chains.add) or confirmation depth. */
  'chains.update': { input: ChainsUpdateInput, output: Chain },
  'chains.remove': {
    input: z.object({ chainId: ChainId }),
    output: z.object({ removed: z.literal(true) }),
  },
  'contracts.add': { input: ContractsAddInput, output: WatchedContract },
  'contracts.list': { input: Empty, output: z.array(WatchedContract) },
  /** Reads the proxy slots of a watched contract now; an upgrade found is recorded and audited. */
  'contracts.checkProxy': {
    input: z.object({ id: Ref }).strict(),
    output: WatchedContract,
  },
  /**
   * Loads the ABI of each implementation a watched proxy delegates to (every facet of a diamond)
   * from a verified source, or from a project folder the operator chose (as contracts.discover
   * reads it), and merges them into the contract's ABI (audited as contract.changed). Stored
   * events are then read with the merged ABI. An implementation that cannot be loaded is listed
   * with why; when none can, nothing is saved and the first reason is the error.
   */
  'contracts.loadImplementationAbis': {
    input: z
      .object({
        id: Ref,
        source: z.enum(['sourcify', 'etherscan', 'project']),
        /** The project folder, for source: project. */
        path: FreeText(4_096).trim().min(1, 'give the project folder').optional(),
      })
      .strict()
      .refine((input) => (input.source === 'project') === (input.path !== undefined), {
        message: 'give path with source: project, and only then',
        path: ['path'],
      }),
    output: z.object({
      contract: WatchedContract,
      loaded: z.array(z.object({ address: z.string(), name: z.string() })),
      missing: z.array(z.object({ address: z.string(), reason: z.string() })),
    }),
  },
  /**
   * The built-in alert rules for a watched proxy's upgrades (one per upgrade event its kind emits),
   * ready for alerts.rules.save; nothing is saved.
   */
  'contracts.upgradeRules': {
    input: z.object({ id: Ref }).strict(),
    output: z.array(BuiltInEventRule),
  },
  /**
   * The folders project discovery may read: picked in the desktop app's folder dialog
   * (dialog.chooseProjectFolder), given with --project-root to headless mode, or named by the
   * workspace file Vigil was started with. A client cannot add one.
   */
  'contracts.projectRoots': {
    input: Empty,
    output: z.object({ roots: z.array(z.string()) }),
  },
  /**
   * The deployed contracts a Foundry or Hardhat project folder records, each with its chain,
   * address, ABI and start block (its deployment's block), and whether it is new, watched, or
   * watched with another ABI. Reads files and the chain; saves nothing. The folder must be (inside)
   * one of contracts.projectRoots, reached without `..` or a symbolic link leading out:
   * FOLDER_NOT_ALLOWED otherwise.
   */
  'contracts.discover': {
    input: z.object({ path: FreeText(4_096).trim().min(1, 'give the project folder') }).strict(),
    output: DiscoveryResult,
  },
  /**
   * Adds the ticked deployments of a folder (ids as contracts.discover gave them) in one step:
   * new ones are watched, watched ones whose ABI changed get the new ABI (audited). All or nothing.
   */
  'contracts.discoverAdd': {
    input: z
      .object({
        path: FreeText(4_096).trim().min(1, 'give the project folder'),
        ids: z.array(Ref).min(1, 'tick at least one contract').max(500),
      })
      .strict(),
    output: z.object({
      added: z.array(z.string()),
      updated: z.array(z.string()),
      unchanged: z.array(z.string()),
    }),
  },
  /**
   * A contract's ABI and name from where it was verified: Sourcify (no key) or an Etherscan-family
   * explorer (its key set with explorers.setApiKey). Saves nothing: the add form fills in from it.
   */
  'contracts.fetchAbi': {
    input: z.object({ chainId: ChainId, address: AddressInput, source: VerifiedSource }).strict(),
    output: z.object({
      name: z.string(),
      abi: z.array(z.unknown()),
      source: VerifiedSource,
      verifiedAt: z.string().optional(),
      /**
       * Set when the explorer says the address is a proxy (Etherscan's Proxy and Implementation
       * fields): the implementation, and whether its ABI is merged into `abi` (or why not).
       */
      implementation: z
        .object({
          address: z.string(),
          name: z.string(),
          merged: z.boolean(),
          problem: z.string().optional(),
        })
        .optional(),
    }),
  },
  /**
   * Stores (or, with null, removes) the explorer's API key in the OS keychain. The key is never
   * returned by any request, written to the data directory, logged or pushed.
   */
  'explorers.setApiKey': {
    input: z
      .object({
        service: z.literal('etherscan'),
        apiKey: z
          .string()
          .trim()
          .min(1, 'must not be empty')
          .max(200, tooLong(200))
          .regex(/^[\x21-\x7e]+$/, 'must be printable characters without spaces')
          .nullable(),
      })
      .strict(),
    output: z.object({ service: z.literal('etherscan'), hasKey: z.boolean() }),
  },
  /** Which explorer keys are set (never the keys themselves). */
  'explorers.status': {
    input: Empty,
    output: z.object({ etherscan: z.object({ hasKey: z.boolean() }) }),
  },
  /** The block the contract at this address was created in, read from the chain. */
  'contracts.creationBlock': {
    input: z.object({ chainId: ChainId, address: AddressInput }).strict(),
    output: z.object({ startBlock: BlockNumber }),
  },
  'contracts.update': { input: ContractsUpdateInput, output: WatchedContract },
  /** How a contract's amounts read: the operator's decimals and symbol, or null to read them from the chain again. */
  'contracts.setToken': { input: ContractsSetTokenInput, output: WatchedContract },
  'contracts.remove': {
    input: z.object({ id: Ref }),
    output: z.object({ removed: z.literal(true) }),
  },
  'events.query': {
    input: EventsQueryInput,
    output: z.object({
      rows: z.array(EventRow),
      nextCursor: z.string().optional(),
      /** A search (where, touches): rows read to make this page. */
      scanned: z.number().int().optional(),
      /** A search whose budget ran out before the page was full: the block it had reached. */
      searchedThrough: BlockNumber.optional(),
    }),
  },
  'status.get': {
    input: Empty,
    output: z.object({ chains: z.array(ChainStatus), safeMode: SafeMode }),
  },
  /** Whether Vigil is in safe mode (signing nothing), and why. */
  'integrity.status': { input: Empty, output: SafeMode },
  /**
   * A person acknowledges safe mode (through the approval gate): signing resumes for records
   * that verify; quarantined ones stay out.
   */
  'integrity.acknowledgeSafeMode': {
    input: z.object({ approval: ApprovalProof.optional() }).strict(),
    output: SafeMode,
  },
  /** The public key that signs audit exports, to give to an auditor. */
  'audit.signingKey': { input: Empty, output: AuditSigningKey },
  'workspace.import': {
    input: z.object({
      /** The file's text; workspace files are small (chains, contracts, rules). */
      yaml: FreeText(4_000_000),
      /** Shown in messages and recorded in the audit log. */
      fileName: FreeText(255).optional(),
    }),
    output: WorkspaceSummary,
  },
  /**
   * Another tool's configuration (OpenZeppelin Monitor folders …) read from files inside folders
   * the operator chose: without confirm, what the import would add, what exists already and what
   * cannot be carried over; with confirm, the same plan applied as a workspace import.
   */
  'workspace.importFrom': {
    input: z
      .object({
        format: ImportFormatName.optional(),
        paths: z
          .array(z.string().max(4_096, tooLong(4_096)))
          .min(1)
          .max(100),
        confirm: z.boolean().optional(),
        /** The keychain signer that sends calls the files make from their tool's wallet (Kwala `call`). */
        proposeFrom: AddressInput.optional(),
        /** The automation policy those calls execute under; without it they wait for approval. */
        proposePolicy: Ref.optional(),
        /**
         * Values the operator typed for the secrets the files name by environment variable (webhook
         * secrets, keystore passphrases), by that variable's name: used for this import only, in
         * place of Vigil's environment. Each must be a secret the preview lists.
         */
        secretValues: z
          .record(
            z
              .string()
              .max(128, tooLong(128))
              .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
            z.string().min(1, 'must not be empty').max(4_096, tooLong(4_096)),
          )
          .refine((values) => Object.keys(values).length <= 100, 'at most 100 secrets')
          .optional(),
        /** A person's approval: applying an import that adds signer keys needs one, as signers.import does. */
        approval: ApprovalProof.optional(),
      })
      .strict(),
    output: ImportPreview,
  },
  'workspace.export': { input: Empty, output: z.object({ yaml: z.string() }) },
  'drift.get': {
    input: z.object({ chainId: ChainId.optional() }).optional(),
    output: z.object({ chains: z.array(ChainDrift) }),
  },
  'reorgs.list': {
    input: z
      .object({
        chainId: ChainId.optional(),
        limit: z.number().int().positive().max(1000).optional(),
      })
      .optional(),
    output: z.object({ reorgs: z.array(ReorgRecord) }),
  },
  /** Refetches a stored range and compares it with the store; the whole indexed range if omitted. */
  'reconcile.run': {
    input: z.object({
      chainId: ChainId,
      fromBlock: BlockNumber.optional(),
      toBlock: BlockNumber.optional(),
    }),
    output: Reconciliation,
  },
  /** Refetches the range of a reconciliation that found a mismatch, and checks again. */
  'reconcile.repair': { input: z.object({ id: z.number().int() }), output: Reconciliation },
  /** Size on disk, memory, segments and write rate of the store, and damaged files it found. */
  'store.health': { input: Empty, output: StoreHealth },
  /** Pages the live audit log; there is no request that edits or deletes an entry. */
  'audit.list': {
    input: AuditListInput,
    output: z.object({
      entries: z.array(AuditEntry),
      nextCursor: z.string().optional(),
      /** How many entries match the filters in all. */
      total: z.number().int(),
    }),
  },
  /**
   * Checks the whole log (sealed files and live table) against its hash chain, from its first
   * entry; the check at start covers only what came after the last verified checkpoint.
   */
  'audit.verify': { input: Empty, output: AuditVerification },
  /** Puts a private key into the OS keychain; only the address and label are kept by Vigil. */
  'signers.import': {
    input: z.object({
      privateKey: z.string().max(200, tooLong(200)),
      label: z.string().trim().min(1, 'must not be empty').max(80, tooLong(80)),
      approval: ApprovalProof.optional(),
    }),
    output: Signer,
  },
  /** Generates a new key inside main, straight into the OS keychain. */
  'signers.generate': {
    input: z.object({ label: z.string().trim().min(1, 'must not be empty').max(80, tooLong(80)) }),
    output: Signer,
  },
  'signers.list': { input: Empty, output: z.array(Signer) },
  /**
   * Adds a Safe by chain and address, read from the chain first: an address with no code is
   * NO_CODE, a contract that is not a set-up Safe is NOT_A_SAFE, and nothing is saved.
   */
  'safes.add': { input: SafesAddInput, output: Safe },
  'safes.list': { input: Empty, output: z.array(Safe) },
  'safes.remove': {
    input: z.object({ id: Ref }).strict(),
    output: z.object({ removed: z.literal(true) }),
  },
  /** Reads the Safe from the chain now; a change is stored and audited as `safe.changed`. */
  'safes.refresh': { input: z.object({ id: Ref }).strict(), output: Safe },
  /**
   * Built-in alert rules for the Safe's owner, threshold, module and guard events, ready for
   * alerts.rules.save; the Safe must be watched as a contract with those events in its ABI.
   */
  'safes.changeRules': {
    input: z.object({ id: Ref }).strict(),
    output: z.array(BuiltInEventRule),
  },
  /**
   * Deletes a signer and its key. Refused while the key holds funds on a configured chain, or
   * while a chain's balance cannot be read, unless `confirmFunds` says to go ahead anyway.
   */
  'signers.remove': {
    input: z.object({
      address: AddressInput,
      confirmFunds: z.literal(true).optional(),
      approval: ApprovalProof.optional(),
    }),
    output: z.object({ removed: z.literal(true) }),
  },
  /**
   * Writes the signer's key, encrypted with `passphrase`, as a Web3 Secret Storage (v3, scrypt)
   * keystore to the exports folder, and answers it too; geth, Foundry and MetaMask read it.
   */
  'signers.backup': {
    input: z.object({
      address: AddressInput,
      passphrase: z
        .string()
        .min(12, 'must be at least 12 characters')
        .max(1_024, 'must be at most 1024 characters'),
      approval: ApprovalProof.optional(),
    }),
    output: SignerBackup,
  },
  /** Each (chain, signer) nonce lane: Vigil's next nonce, the chain's, and any gap. */
  'signers.lanes': {
    input: z.object({ chainId: ChainId.optional(), address: AddressInput.optional() }).optional(),
    output: z.object({ lanes: z.array(NonceLane) }),
  },
  /** The approvers enrolled in this data directory. */
  'approvers.list': { input: Empty, output: z.object({ approvers: z.array(Approver) }) },
  /** Options for navigator.credentials.create(): step one of enrolling a passkey. */
  'approvers.registrationOptions': {
    input: z.object({ name: z.string().trim().min(1, 'must not be empty').max(80, tooLong(80)) }),
    output: z.object({ options: z.record(z.string(), z.unknown()) }),
  },
  /**
   * Enrolls the passkey just created. The first approver of a fresh data directory may enroll
   * with the token from this machine; every later one needs an existing approver's approval.
   */
  'approvers.enroll': {
    input: z.object({
      name: z.string().trim().min(1, 'must not be empty').max(80, tooLong(80)),
      registration: WebAuthnRegistration,
      approval: ApprovalProof.optional(),
    }),
    output: Approver,
  },
  /**
   * The challenge a person answers to approve one request: give the request's name and its input
   * (without `approval`). The challenge holds the digest of exactly what that request will do,
   * computed by main from its own records, and a one-time nonce.
   */
  'approvals.challenge': {
    input: z.object({ request: z.string().max(64, tooLong(64)), input: z.unknown() }),
    output: z.object({
      challenge: z.string(),
      digest: Hex,
      summary: z.array(z.string()),
      rpId: z.string().nullable(),
      allowCredentials: z.array(z.object({ id: z.string(), type: z.literal('public-key') })),
    }),
  },
  /** How many distinct approvers a signer's transactions need (1 unless raised). */
  'signers.setApprovalsRequired': {
    input: z.object({
      address: AddressInput,
      required: z.number().int().min(1).max(16),
      approval: ApprovalProof.optional(),
    }),
    output: z.object({ address: z.string(), approvalsRequired: z.number().int() }),
  },
  /** Proposes a transaction; it is simulated at once and never sent without approval. */
  // Strict: a key it does not know (executeUnder, which only rules and schedules set) is refused.
  'txs.propose': { input: TxsProposeInput.strict(), output: Transaction },
  /** Encodes a call from a watched contract's ABI, checking each argument by its type. */
  'txs.encode': {
    input: z.object({ chainId: ChainId, to: AddressInput, function: FunctionCallInput }),
    output: z.object({ data: Hex, call: DecodedCall }),
  },
  'txs.list': {
    input: z
      .object({
        status: z.union([TxStatus, z.array(TxStatus)]).optional(),
        chainId: ChainId.optional(),
        from: AddressInput.optional(),
        limit: z.number().int().positive().max(1000).optional(),
      })
      .optional(),
    output: z.object({ txs: z.array(Transaction) }),
  },
  'txs.get': { input: z.object({ id: z.number().int().positive() }), output: Transaction },
  /** Simulates a proposal again at the latest block. */
  'txs.simulate': { input: z.object({ id: z.number().int().positive() }), output: Transaction },
  /**
   * Approves a proposal by id; main signs its own stored copy. `seenSimulation` is the id of the
   * simulation the operator looked at: approval stops if the result changed since.
   */
  'txs.approve': {
    input: z.object({
      id: z.number().int().positive(),
      seenSimulation: Ref.optional(),
      /** Approve although the simulation reverts. */
      overrideRevert: z.boolean().optional(),
      /** A Safe proposal: the keychain signer, an owner of the Safe, that signs it. */
      signer: AddressInput.optional(),
      approval: ApprovalProof.optional(),
    }),
    output: Transaction,
  },
  /**
   * A Safe proposal with enough owners' signatures: proposes the key-account transaction from
   * `executor` (any keychain signer) that calls the Safe's execTransaction with the signatures
   * sorted by owner. It is simulated and goes through approval, signing and tracking like any.
   */
  'txs.executeSafe': {
    input: z.object({ id: z.number().int().positive(), executor: AddressInput }).strict(),
    output: Transaction,
  },
  /**
   * Proposes the standard rejection of a Safe proposal: a zero-value call from the Safe to itself
   * at the same Safe nonce, itself a proposal its owners sign and someone executes.
   */
  'txs.proposeSafeRejection': {
    input: z.object({ id: z.number().int().positive() }).strict(),
    output: Transaction,
  },
  /**
   * Imports a signed-proposal file another Vigil exported: every signature in it is checked against
   * the transaction and the Safe's owners and threshold read from the chain now, and recorded
   * once per owner; one refused signature refuses the whole file and records nothing.
   */
  'safes.importSignatures': { input: SafesImportSignaturesInput, output: SafeSignaturesRecorded },
  /** Records one owner's signature pasted by the operator, checked like an imported one. */
  'safes.addSignature': {
    input: z
      .object({
        proposalId: z.number().int().positive(),
        signature: z.string().trim().min(1, 'must not be empty').max(200, tooLong(200)),
      })
      .strict(),
    output: SafeSignaturesRecorded,
  },
  /**
   * Writes a Safe proposal and its owners' signatures as a signed-proposal file for another owner's
   * Vigil. Without a path it goes to the data directory's exports folder.
   */
  'safes.exportProposal': {
    input: z
      .object({
        id: z.number().int().positive(),
        path: z.string().min(1, 'must not be empty').max(4096, tooLong(4096)).optional(),
        overwrite: z.boolean().optional(),
      })
      .strict(),
    output: SafesExportProposalResult,
  },
  'txs.reject': {
    input: z.object({
      id: z.number().int().positive(),
      reason: z.string().trim().min(1, 'a rejection needs a reason').max(500, tooLong(500)),
    }),
    output: Transaction,
  },
  /** Proposes the same transaction with the same nonce and higher fees; needs approval. */
  'txs.speedUp': { input: z.object({ id: z.number().int().positive() }), output: Transaction },
  /** Proposes a zero-value self-transfer with the same nonce and higher fees; needs approval. */
  'txs.cancel': { input: z.object({ id: z.number().int().positive() }), output: Transaction },
  /** The check made at start, and the log's head. */
  'audit.status': { input: Empty, output: AuditStatus },
  /** The actors and actions the log holds, for filters. */
  'audit.facets': {
    input: Empty,
    output: z.object({ actors: z.array(z.string()), actions: z.array(z.string()) }),
  },
  /**
   * Writes a time range of the log (or all of it) to a file, streaming, atomically; progress
   * arrives as audit.exportProgress. Records audit.exported.
   */
  'audit.export': { input: AuditExportInput, output: AuditExportResult },
  /** Checks an exported file: its text (size-limited), or a path on the machine running Vigil. */
  'audit.verifyExport': {
    input: z.union([
      z.object({
        text: z
          .string()
          .max(
            AUDIT_VERIFY_TEXT_MAX_CHARS,
            'is too large to send; check it with npm run audit:verify -- FILE, or by path',
          ),
        fileName: z.string().max(255, tooLong(255)).optional(),
      }),
      z.object({ path: z.string().min(1).max(4096, tooLong(4096)) }),
    ]),
    output: AuditExportCheck,
  },
  /**
   * Asks the operator where to save an export (the desktop app's save dialog, raised by main).
   * Answers an opaque one-time handle for audit.export (null when cancelled) and the chosen file's
   * name to show, never its path. Answered by the Electron shell, not the core; headless mode
   * answers NOT_AVAILABLE (exports download there).
   */
  'dialog.chooseExportFile': {
    input: z.object({ format: AuditExportFormat }),
    output: z.object({ handle: z.string().nullable(), fileName: z.string().nullable() }),
  },
  /**
   * Asks the operator for a project folder (the desktop app's folder dialog, raised by main); the
   * folder chosen becomes one contracts.discover may read. null when cancelled. Answered by the
   * Electron shell; headless mode answers NOT_AVAILABLE (its folders come from --project-root).
   */
  'dialog.chooseProjectFolder': {
    input: Empty,
    output: z.object({ path: z.string().nullable() }),
  },
  /** Every alert rule, secrets left out. */
  'alerts.rules.list': { input: Empty, output: z.object({ rules: z.array(AlertRule) }) },
  /** Creates a rule, or replaces the one with the same id; checked in full before anything is saved. */
  'alerts.rules.save': {
    input: AlertRuleInput,
    output: z.object({
      rule: AlertRule,
      /** Webhook secrets Vigil generated for this save, by channel index; shown this once. */
      generatedSecrets: z.record(z.string(), z.string()),
    }),
  },
  'alerts.rules.setEnabled': {
    input: z.object({ id: Ref, enabled: z.boolean(), approval: ApprovalProof.optional() }),
    output: AlertRule,
  },
  'alerts.rules.remove': {
    input: z.object({ id: Ref, approval: ApprovalProof.optional() }),
    output: z.object({ removed: z.literal(true) }),
  },
  /** Firing history, newest first. */
  'alerts.firings.list': {
    input: z
      .object({
        ruleId: Ref.optional(),
        state: FiringState.optional(),
        /** Only firings of in-app rules that are not acknowledged and not snoozed now. */
        unacknowledged: z.boolean().optional(),
        limit: z.number().int().positive().max(1_000).optional(),
        /** Opaque; pass back nextCursor from the previous page. */
        cursor: Ref.optional(),
      })
      .optional(),
    output: z.object({
      firings: z.array(AlertFiring),
      nextCursor: z.string().optional(),
      /** In-app firings not acknowledged and not snoozed: the navigation's count. */
      unacknowledged: z.number().int(),
    }),
  },
  'alerts.ack': {
    input: z.object({ ids: z.array(Ref).min(1).max(1_000) }),
    output: z.object({ acknowledged: z.number().int() }),
  },
  /** Hides a firing from the feed and the count until a time; it comes back if still unacknowledged. */
  'alerts.snooze': {
    input: z.object({
      id: Ref,
      minutes: z
        .number()
        .int()
        .positive()
        .max(7 * 24 * 60),
    }),
    output: AlertFiring,
  },
  /** The delivery log: each delivery with every attempt. */
  'alerts.deliveries.list': {
    input: z
      .object({
        firingId: Ref.optional(),
        ruleId: Ref.optional(),
        limit: z.number().int().positive().max(1_000).optional(),
      })
      .optional(),
    output: z.object({ deliveries: z.array(AlertDelivery) }),
  },
  /**
   * Runs a rule (saved, by id, or as it stands in the editor) over the stored history with the
   * same evaluation as live rules: what it would have fired on.
   */
  'alerts.backtest': {
    input: z.object({
      id: Ref.optional(),
      rule: AlertRuleInput.optional(),
      fromBlock: BlockNumber.optional(),
      toBlock: BlockNumber.optional(),
      /** How many matches to list (the count covers all). */
      limit: z.number().int().positive().max(5_000).optional(),
    }),
    output: z.object({
      scanned: z.number().int(),
      matched: z.number().int(),
      /** matched minus what the cooldown would have suppressed. */
      wouldFire: z.number().int(),
      matches: z.array(BacktestMatch),
      truncated: z.boolean(),
      /** For silence rules: the silent stretches longer than withinSeconds. */
      gaps: z.array(z.object({ from: z.number(), to: z.number(), seconds: z.number() })),
    }),
  },
  /**
   * Checks a condition against a contract's event: the text parsed to a tree, or a tree written
   * back as text, with every problem found and the fields a builder can offer.
   */
  'alerts.conditions.check': {
    input: z.object({
      contractId: Ref,
      eventName: Ref,
      text: z.string().max(4_000, tooLong(4_000)).optional(),
      condition: ConditionNode.optional(),
    }),
    output: z.object({
      ok: z.boolean(),
      text: z.string().nullable(),
      condition: ConditionNode.nullable(),
      problems: z.array(ConditionProblem),
      fields: z.array(ConditionField),
    }),
  },
} as const;

export type RequestName = keyof typeof requests;

/** Requests the desktop shell answers itself (dialogs); everything else goes to the core. */
export const shellRequestNames = [
  'dialog.chooseExportFile',
  'dialog.chooseProjectFolder',
] as const satisfies readonly RequestName[];
export type ShellRequestName = (typeof shellRequestNames)[number];
export type RequestInput<N extends RequestName> = z.input<(typeof requests)[N]['input']>;
export type RequestOutput<N extends RequestName> = z.output<(typeof requests)[N]['output']>;
/** A request's input after validation (defaults applied): what main's handlers receive. */
export type ValidatedInput<N extends RequestName> = z.output<(typeof requests)[N]['input']>;

// ---------------------------------------------------------------------------------------------
// Pushed streams. Batched by main: each message carries many rows.

export const pushes = {
  /** New, changed (status) or removed event rows, in chain order. */
  'events.batch': z.object({ rows: z.array(EventRow) }),
  'status.changed': z.object({ chains: z.array(ChainStatus) }),
  /** Chains or contracts were added or removed; the renderer refetches the lists. */
  'config.changed': z.object({ chains: z.array(Chain), contracts: z.array(WatchedContract) }),
  /** Drift figures, a few times a minute and at once after a reorg or a provider change. */
  'drift.changed': z.object({ chains: z.array(ChainDrift) }),
  /** The store's health figures, every few seconds while they change. */
  'store.healthChanged': StoreHealth,
  /** Safe mode started or was acknowledged. */
  'integrity.safeModeChanged': SafeMode,
  /** Transactions that changed (proposed, simulated, state changes, confirmations). */
  'txs.changed': z.object({ txs: z.array(Transaction) }),
  /** A Safe was added, removed, or read with a change. */
  'safes.changed': z.object({ safes: z.array(Safe) }),
  /** The signer list or a balance changed. */
  'signers.changed': z.object({ signers: z.array(Signer) }),
  /** The audit log grew; its newest entry now. */
  'audit.appended': z.object({ head: AuditChainPoint, count: z.number().int() }),
  /** An export in progress (a few times a second); `written` reaches `total` when done. */
  'audit.exportProgress': z.object({
    exportId: z.string(),
    written: z.number().int(),
    total: z.number().int(),
  }),
  /** Firings that changed (fired, confirmed, retracted, acknowledged …), and the in-app count. */
  'alerts.changed': z.object({
    firings: z.array(AlertFiring),
    unacknowledged: z.number().int(),
    rulesChanged: z.boolean(),
    deliveriesChanged: z.boolean(),
  }),
  /** For rules with the desktop channel: what the desktop app shows as a notification. */
  'alerts.notification': z.object({
    deliveryId: z.string(),
    firingId: z.string(),
    kind: DeliveryKind,
    severity: AlertSeverity,
    title: z.string(),
    body: z.string(),
  }),
} as const;

export type PushName = keyof typeof pushes;
export type PushPayload<N extends PushName> = z.infer<(typeof pushes)[N]>;

// ---------------------------------------------------------------------------------------------
// The envelope. Errors keep their code and details across the boundary (Electron drops custom
// properties of thrown errors; JSON-RPC carries them in error.data).

export const ErrorCode = z.enum([
  'INVALID_INPUT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CHAIN_ID_MISMATCH',
  'RPC_UNREACHABLE',
  'ABI_INVALID',
  'START_BLOCK_IN_FUTURE',
  /** Nothing is deployed at the address (or where a proxy points). */
  'NO_CODE',
  /** The address has code, but does not answer as an initialised Safe. */
  'NOT_A_SAFE',
  /** The signer or signature is not an owner of the Safe (as last read). */
  'NOT_A_SAFE_OWNER',
  /** A DELEGATECALL a Safe proposal may not make (only to the chain's MultiSendCallOnly, asked for). */
  'DELEGATECALL_REFUSED',
  /** A Safe proposal without enough owners' signatures to execute. */
  'SAFE_THRESHOLD_NOT_MET',
  'CONDITION_SYNTAX',
  'CONDITION_UNKNOWN_FIELD',
  'CONDITION_TYPE_MISMATCH',
  'WORKSPACE_INVALID',
  /** Another tool's configuration files (workspace.importFrom) are malformed; details.problems say where. */
  'IMPORT_INVALID',
  'EXPORT_PATH_INVALID',
  'EXPORT_INVALID',
  'NOT_AVAILABLE',
  'STORE_CORRUPT',
  'KEYCHAIN_UNAVAILABLE',
  'INVALID_KEY',
  'INVALID_STATE',
  'INSUFFICIENT_FUNDS',
  'SIMULATION_REVERTED',
  'SIMULATION_CHANGED',
  'FORBIDDEN',
  /** Project discovery was asked to read a folder the operator did not choose. */
  'FOLDER_NOT_ALLOWED',
  'RATE_LIMITED',
  /** The contract is not verified on the source asked (Sourcify, Etherscan). */
  'NOT_VERIFIED',
  /** Sourcify, the explorer or a Safe Transaction Service could not be reached, or answered 5xx. */
  'SOURCE_UNREACHABLE',
  /** Sourcify, the explorer or a Safe Transaction Service answered outside its documented shapes. */
  'SOURCE_INVALID',
  /**
   * A Safe signature (pasted, in a signed-proposal file, or from a Transaction Service) is not an
   * owner's over this transaction of this Safe; details.reason says which check refused it.
   */
  'SIGNATURE_REFUSED',
  /** A request only a person may make came without a person's approval. */
  'APPROVAL_REQUIRED',
  /** The approval does not verify (unknown passkey, bad signature, wrong origin). */
  'APPROVAL_INVALID',
  /** The approval was given for something else than what this request would do now. */
  'APPROVAL_MISMATCH',
  /** The approval was already used once. */
  'APPROVAL_REPLAYED',
  /** This approver has already approved; another approver is needed. */
  'APPROVER_DUPLICATE',
  /** Vigil is in safe mode (its data directory was altered outside it) and signs nothing. */
  'SAFE_MODE',
  /** The signer to remove still holds funds on a configured chain. */
  'SIGNER_HOLDS_FUNDS',
  /** A balance needed to decide could not be read (the chain's RPC did not answer). */
  'BALANCE_UNKNOWN',
  'UNKNOWN_METHOD',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ContractError = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Which input was wrong, e.g. "rpcUrls[1]" or "abi[3].inputs". */
  field: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ContractError = z.infer<typeof ContractError>;

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ContractError };

/** Channel names used by the Electron transport; headless uses the request names as methods. */
export const electronChannels = {
  invoke: 'vigil:invoke',
  push: 'vigil:push',
} as const;

/** The surface preload exposes as window.vigil and the headless client implements. */
export interface VigilApi {
  call<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Envelope<RequestOutput<N>>>;
  subscribe<N extends PushName>(name: N, listener: (payload: PushPayload<N>) => void): () => void;
}
