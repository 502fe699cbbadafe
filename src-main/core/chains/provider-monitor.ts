// Compares a chain's RPC URLs with each other now and then, and cheaply: each URL's head (only
// for URLs the watcher has not heard from lately), its chain id (every few minutes), and the hash
// of one block a few below the head (one eth_getBlockByNumber per URL). A URL on another chain,
// far behind the others, or disagreeing about a block hash leaves rotation with the reason, and
// comes back when a later round finds it right again. With a single URL there is nothing to
// compare, so only the chain id is re-checked.
import type { Logger } from '../ports/index.ts';
import type { ProviderDisagreement } from '../../ipc/contract.ts';
import type { Verdict } from './endpoint-health.ts';
import { judgeBySelfCheck, judgeHashes, type HashAnswer } from './hash-judgement.ts';
import type { RpcPool } from './rpc-pool.ts';

export interface ProviderMonitorDependencies {
  chainId: number;
  confirmations: number;
  pool: RpcPool;
  /** The store's hash for a block, when it holds one: breaks a tie between two providers. */
  storedHashAt: (blockNumber: number) => string | undefined;
  /** Called when a URL left or rejoined rotation, or a disagreement was recorded. */
  onChange: () => void;
  log: Logger;
  /** Between rounds; each round costs about two requests per URL. */
  intervalMs?: number;
  chainIdIntervalMs?: number;
  now?: () => number;
}

export interface ProviderMonitor {
  start(): void;
  stop(): Promise<void>;
  /**
   * Runs a round now, after the one under way: before a suspected reorg is acted on (comparing
   * at that block), and when the watcher keeps failing.
   */
  checkNow(atBlock?: number): Promise<void>;
  /** Newest first. */
  disagreements(): ProviderDisagreement[];
}

/** Blocks below the lowest head at which hashes are compared: the tip may still be propagating. */
const COMPARE_DEPTH = 3;
/**
 * A URL whose head is more than max(32, confirmations) blocks behind the best is out of
 * rotation. Providers a few blocks apart are normal (propagation, load balancers behind one URL):
 * 32 blocks tolerates that on fast chains (8 s on Arbitrum, a minute on Base) yet catches a
 * stalled Ethereum node within about six minutes. A chain with a deeper confirmation depth already
 * accepts that many blocks of delay before events count as confirmed, so being behind by less
 * than that costs nothing the operator has not accepted.
 */
export function behindThreshold(confirmations: number): number {
  return Math.max(32, confirmations);
}
/** Kept per chain; enough to see a pattern, small enough to push every few seconds. */
const DISAGREEMENTS_KEPT = 50;

const VERDICTS: readonly Verdict[] = ['wrong-chain', 'disagrees', 'behind'];

function shortHash(hash: string | null): string {
  return hash === null ? 'nothing' : `${hash.slice(0, 10)}…${hash.slice(-6)}`;
}

export function createProviderMonitor(deps: ProviderMonitorDependencies): ProviderMonitor {
  const { pool, log, chainId } = deps;
  const now = deps.now ?? Date.now;
  const intervalMs = deps.intervalMs ?? 30_000;
  const chainIdIntervalMs = deps.chainIdIntervalMs ?? 5 * 60_000;
  const threshold = behindThreshold(deps.confirmations);
  const recorded: ProviderDisagreement[] = [];
  let lastChainIdCheck = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let queue: Promise<void> = Promise.resolve();

  const healthOf = (url: string) => pool.endpointHealth(url);

  /** Heads heard within the last interval (from the watcher's requests or this monitor's). */
  function freshHeads(): { url: string; head: number }[] {
    const since = now() - intervalMs;
    return pool.urls.flatMap((url) => {
      const health = healthOf(url);
      const head = health.head();
      if (health.hasVerdict('wrong-chain') || !head || head.at < since) return [];
      return [{ url, head: head.blockNumber }];
    });
  }

  /** URLs worth asking now: not on another chain, not rate-limited, not backing off. */
  function askable(url: string): boolean {
    const health = healthOf(url);
    return !health.hasVerdict('wrong-chain') && health.retryAt() === 0;
  }

  async function refreshHeads(): Promise<void> {
    const staleSince = now() - intervalMs / 2;
    await Promise.all(
      pool.urls
        .filter((url) => askable(url) && (healthOf(url).head()?.at ?? -Infinity) < staleSince)
        .map((url) => pool.requestFrom(url, 'eth_blockNumber').catch(() => undefined)),
    );
  }

  function judgeHeads(): void {
    const heads = freshHeads();
    const references = heads.filter(({ url }) => !healthOf(url).hasVerdict('disagrees'));
    if (references.length === 0) return;
    const best = references.reduce((a, b) => (b.head > a.head ? b : a));
    for (const { url, head } of heads) {
      const behind = best.head - head;
      if (behind > threshold) {
        pool.judge(
          url,
          'behind',
          `head ${head} is ${behind} blocks behind ${best.url} (${best.head}); more than ${threshold} behind is out of rotation`,
        );
      } else if (behind <= threshold / 2) {
        // Back only when clearly caught up, so a URL hovering at the limit does not flap.
        pool.judge(url, 'behind', null);
      }
    }
  }

  async function blockHashFrom(url: string, blockNumber: number): Promise<string | null> {
    try {
      const block = await pool.requestFrom<{ hash?: string } | null>(url, 'eth_getBlockByNumber', [
        `0x${blockNumber.toString(16)}`,
        false,
      ]);
      return typeof block?.hash === 'string' ? block.hash : null;
    } catch {
      return null;
    }
  }

  async function findsOwnBlock(url: string, hash: string, blockNumber: number): Promise<boolean> {
    try {
      const block = await pool.requestFrom<{ number?: string } | null>(url, 'eth_getBlockByHash', [
        hash,
        false,
      ]);
      return typeof block?.number === 'string' && Number.parseInt(block.number, 16) === blockNumber;
    } catch {
      return true; // no answer is no evidence of a lie
    }
  }

  /**
   * With no other provider to compare with, a URL judged to disagree can still show it is right
   * again by agreeing with the store. (Disagreeing with the store alone proves nothing: that is
   * what a reorg looks like, and the watcher handles it.)
   */
  async function recheckAgainstStore(url: string, blockNumber: number): Promise<void> {
    const storedHash = deps.storedHashAt(blockNumber);
    if (!healthOf(url).hasVerdict('disagrees') || storedHash === undefined) return;
    if ((await blockHashFrom(url, blockNumber)) === storedHash) pool.judge(url, 'disagrees', null);
  }

  async function compareBlockHashes(atBlock: number | undefined): Promise<void> {
    const participants = freshHeads().filter(
      ({ url }) => askable(url) && !healthOf(url).hasVerdict('behind'),
    );
    if (participants.length === 0) return;
    const blockNumber =
      atBlock ?? Math.min(...participants.map((participant) => participant.head)) - COMPARE_DEPTH;
    if (blockNumber < 0) return;
    if (participants.length === 1) return recheckAgainstStore(participants[0]!.url, blockNumber);
    const answers: HashAnswer[] = await Promise.all(
      participants.map(async ({ url }) => ({ url, hash: await blockHashFrom(url, blockNumber) })),
    );
    const storedHash = deps.storedHashAt(blockNumber);
    let judgement = judgeHashes(answers, storedHash);
    if (!judgement.agreed && judgement.decidedBy === 'undecided') {
      const found = new Map<string, boolean>();
      for (const answer of answers) {
        if (answer.hash !== null)
          found.set(answer.url, await findsOwnBlock(answer.url, answer.hash, blockNumber));
      }
      judgement = judgeBySelfCheck(answers, found);
    }
    if (judgement.agreed) {
      for (const answer of answers)
        if (answer.hash !== null) pool.judge(answer.url, 'disagrees', null);
      return;
    }
    const { suspects, decidedBy, expectedHash } = judgement;
    const whoElse =
      decidedBy === 'majority'
        ? 'most providers answered'
        : decidedBy === 'store'
          ? 'the store (and the providers that agree with it) holds'
          : 'the block that checks out is';
    // Undecided: nobody is taken out, and nobody already out is let back in on this evidence.
    for (const answer of decidedBy === 'undecided' ? [] : answers) {
      if (answer.hash === null) continue;
      pool.judge(
        answer.url,
        'disagrees',
        suspects.includes(answer.url)
          ? `disagrees on block ${blockNumber}: answered ${shortHash(answer.hash)}, but ${whoElse} ${shortHash(expectedHash)}${decidedBy === 'self-check' ? '; it cannot find its own block by that hash' : ''}`
          : null,
      );
    }
    recorded.unshift({
      chainId,
      at: now(),
      blockNumber,
      hashes: answers,
      suspects,
      decidedBy,
      storedHash: storedHash ?? null,
    });
    if (recorded.length > DISAGREEMENTS_KEPT) recorded.length = DISAGREEMENTS_KEPT;
  }

  function verdictReasons(): Map<string, string | null> {
    return new Map(
      pool
        .providers()
        .map((provider) => [
          provider.url,
          provider.outOfRotation && (VERDICTS as readonly string[]).includes(provider.outOfRotation)
            ? provider.reason
            : null,
        ]),
    );
  }

  async function round(atBlock?: number): Promise<void> {
    const before = verdictReasons();
    const disagreementsBefore = recorded.length === 0 ? undefined : recorded[0];
    if (now() - lastChainIdCheck >= chainIdIntervalMs) {
      lastChainIdCheck = now();
      await pool.checkChainIds();
    }
    if (pool.urls.length >= 2) {
      await refreshHeads();
      judgeHeads();
      await compareBlockHashes(atBlock);
    }
    let changed = recorded[0] !== disagreementsBefore;
    for (const [url, reason] of verdictReasons()) {
      if (reason === before.get(url)) continue;
      changed = true;
      if (reason === null) log.info(`Chain ${chainId}: RPC ${url} is back in rotation.`);
      else log.warn(`Chain ${chainId}: RPC ${url} is out of rotation: ${reason}`);
    }
    if (changed) deps.onChange();
  }

  function enqueue(atBlock?: number): Promise<void> {
    queue = queue
      .then(() => round(atBlock))
      .catch((error: unknown) => {
        log.warn(`Chain ${chainId}: provider check failed: ${(error as Error).message}`);
      });
    return queue;
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      void enqueue().then(schedule);
    }, intervalMs);
  }

  return {
    start() {
      if (running) return;
      running = true;
      void enqueue().then(schedule);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await queue;
    },
    checkNow: (atBlock) => (running ? enqueue(atBlock) : Promise.resolve()),
    disagreements: () => [...recorded],
  };
}
