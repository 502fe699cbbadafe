// Whether an event matches a rule: the right contract and event, and the condition true. The
// one function live rules, silence rules and backtests all call, so a backtest is the truth.
import { formatTokenAmountExact, isAmountArgument } from '../../ipc/amounts.ts';
import type { EventRow, FiringEvent, TokenDisplayInfo } from '../../ipc/contract.ts';
import { VigilError } from '../errors/index.ts';
import { compileCondition, type TransactionFields } from './compile-condition.ts';
import { parseCondition } from '../rule-syntax/index.ts';
import { resolveEvent, type ResolvedEvent } from './event-condition.ts';
import type { RuleKindContext } from './rule-runner.ts';

export interface EventMatcher {
  contract: { id: string; chainId: number; name: string };
  resolved: ResolvedEvent;
  /** `contractId|signature`, as rowEventKey gives it for a row. */
  eventKey: string;
  needsTransaction: boolean;
  /** The event is the rule's (contract and signature) and its condition holds. */
  matches(row: EventRow, transaction?: TransactionFields): boolean;
}

export function createEventMatcher(
  settings: { contractId: string; eventName: string; condition: string },
  context: Pick<RuleKindContext, 'findContract'>,
): EventMatcher {
  const contract = context.findContract(settings.contractId);
  if (!contract)
    throw new VigilError(
      'NOT_FOUND',
      `The contract ${settings.contractId} is not watched (any more); add it again or point the rule at another.`,
      { field: 'contractId' },
    );
  const resolved = resolveEvent(contract, settings.eventName);
  const compiled = compileCondition(
    parseCondition(settings.condition).condition,
    resolved.fields,
    resolved.label,
  );
  return {
    contract,
    resolved,
    eventKey: `${contract.id}|${resolved.signature}`,
    needsTransaction: compiled.needsTransaction,
    matches(row, transaction) {
      if (row.contractId !== contract.id || row.signature !== resolved.signature) return false;
      return compiled.test({ args: row.args, tx: transaction, cache: convertedFieldsOf(row) });
    },
  };
}

// Converted argument values per row object, shared by every rule that looks at the row: a
// hundred rules reading one amount parse it once. Kept weakly, so rows are freed as usual.
const convertedFields = new WeakMap<EventRow, Map<string, unknown>>();

function convertedFieldsOf(row: EventRow): Map<string, unknown> {
  let cache = convertedFields.get(row);
  if (!cache) {
    cache = new Map();
    convertedFields.set(row, cache);
  }
  return cache;
}

export function eventSubject(row: Pick<EventRow, 'chainId' | 'blockHash' | 'logIndex'>): string {
  return `event:${row.chainId}:${row.blockHash}:${row.logIndex}`;
}

export function firingEvent(row: EventRow): FiringEvent {
  return {
    chainId: row.chainId,
    contractId: row.contractId,
    address: row.address,
    blockNumber: row.blockNumber,
    blockHash: row.blockHash,
    logIndex: row.logIndex,
    transactionHash: row.transactionHash,
    blockTimestamp: row.blockTimestamp,
    eventName: row.eventName,
    args: row.args,
  };
}

/** "Transfer on DemoToken at block 812: from=0xf39F…, to=0x7099…, value=5000000000000000000" */
/**
 * What a firing says about its event: the event, its block and its first arguments, amounts of
 * a token read with its decimals and symbol, every digit kept ("amount=12,500.25 DEMO": a message
 * has no hover to show the rest; the integer itself stays in the firing's event).
 */
export function eventSummary(
  row: EventRow,
  resolved: Pick<ResolvedEvent, 'event' | 'label'>,
  token?: TokenDisplayInfo,
): string {
  const types = new Map(resolved.event.inputs.map((input) => [input.name ?? '', input.type]));
  const args = Object.entries(row.args ?? {})
    .slice(0, 4)
    .map(([name, value]) => {
      if (typeof value !== 'string') return `${name}=${JSON.stringify(value)}`;
      const amount =
        token && token.decimals !== null && isAmountArgument(name, types.get(name) ?? '')
          ? formatTokenAmountExact(value, { decimals: token.decimals, symbol: token.symbol })
          : value;
      return `${name}=${amount}`;
    })
    .join(', ');
  return `${resolved.label} at block ${row.blockNumber}${args ? `: ${args}` : ''}`;
}
