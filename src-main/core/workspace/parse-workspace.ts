// Reads a workspace file (YAML, config as code) into chain and contract inputs. Every problem
// is reported with the file, line, column and field path it came from, and all of them are
// collected before throwing, so an operator fixes the file in one pass.
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import type { z } from 'zod';
import { z as zod } from 'zod';
import {
  AlertChannelInput,
  AlertRuleInput,
  alertRuleInputKinds,
  ChainsAddInput,
  ContractsAddInput,
  ContractsSetTokenInput,
  PolicyFunctionInput,
  PolicyTargetInput,
  ScheduleInput,
  TxsProposeInput,
  WorkspacePolicy,
} from '../../ipc/contract.ts';
import { ConditionSyntaxError, parseCondition, ruleSlug } from '../rule-syntax/index.ts';
import { parseAbiInput } from '../abi/index.ts';
import { closestMatch, VigilError } from '../errors/index.ts';

/**
 * A transaction to propose once: `key` names it, so applying the file again (at every start)
 * does not propose it again. It still waits for approval by hand like any proposal.
 */
export const WorkspaceTransaction = TxsProposeInput.extend({
  key: zod.string().trim().min(1, 'must not be empty').max(100),
});

/**
 * Where a contract's ABI comes from when the file gives no `abi:`: where it was verified, or the
 * Foundry / Hardhat project that deployed it (an absolute path). Resolved when the file is
 * applied; `line` and `column` point at the `source:` value for the messages then.
 */
export type WorkspaceContractSource = (
  { kind: 'sourcify' | 'etherscan' } | { kind: 'project'; path: string }
) & { line: number; column: number };

/**
 * How a contract's amounts read, set by the operator in the file (as contracts.setToken sets
 * it): for tokens that lie about their decimals or have none. Absent: read from the chain.
 */
export const WorkspaceContractToken = ContractsSetTokenInput.shape.token.unwrap();
export type WorkspaceContractToken = z.output<typeof WorkspaceContractToken>;

/** A contract of the file: its ABI given, or a source to fetch it from; perhaps its amounts. */
export type WorkspaceContract = Omit<z.input<typeof ContractsAddInput>, 'abi'> & {
  token?: WorkspaceContractToken;
} & ({ abi: unknown[]; source?: undefined } | { abi?: undefined; source: WorkspaceContractSource });

export interface Workspace {
  chains: z.input<typeof ChainsAddInput>[];
  contracts: WorkspaceContract[];
  transactions: z.output<typeof WorkspaceTransaction>[];
  /** Alert rules; their conditions parsed here, checked against the ABIs when applied. */
  rules: z.output<typeof AlertRuleInput>[];
  /** Automation policies: checked against the keychain and ABIs when applied; imported disabled. */
  policies: z.output<typeof WorkspacePolicy>[];
  /** Schedules; their proposals checked when applied. Imported ones start disabled. */
  schedules: z.output<typeof ScheduleInput>[];
}

export interface ParseWorkspaceOptions {
  /** Named in every error, and the base for relative ABI paths. */
  fileName: string;
  /** Reads an ABI file; called with an absolute path. */
  readFile: (absolutePath: string) => string;
}

export interface WorkspaceProblem {
  /** e.g. "contracts[0].address"; "" for the file as a whole. */
  field: string;
  line: number;
  column: number;
  message: string;
}

type Path = (string | number)[];

const topLevelKeys = [
  'version',
  'chains',
  'contracts',
  'transactions',
  'rules',
  'policies',
  'schedules',
];
const policyKeys = Object.keys(WorkspacePolicy.shape);
const policyTargetKeys = Object.keys(PolicyTargetInput.shape);
const policyFunctionKeys = Object.keys(PolicyFunctionInput.shape);
const scheduleKeys = Object.keys(ScheduleInput.shape).filter((key) => key !== 'approval');
const transactionKeys = Object.keys(WorkspaceTransaction.shape);
const ruleKinds = Object.keys(alertRuleInputKinds) as (keyof typeof alertRuleInputKinds)[];
const channelKeys = [
  ...new Set(AlertChannelInput.options.flatMap((option) => Object.keys(option.shape))),
];
const chainKeys = Object.keys(ChainsAddInput.shape);
const contractKeys = [...Object.keys(ContractsAddInput.shape), 'source', 'token'];
// Unknown keys under token are reported by checkKeys, at the key, with a suggestion.
const ContractWithoutAbi = ContractsAddInput.omit({ abi: true }).extend({
  token: zod.object(WorkspaceContractToken.shape).optional(),
});
const shownProblems = 3;

export function parseWorkspace(text: string, options: ParseWorkspaceOptions): Workspace {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const problems: WorkspaceProblem[] = [];

  for (const error of document.errors) {
    const position = error.linePos?.[0] ?? { line: 1, col: 1 };
    // yaml appends " at line X, column Y:" and a source excerpt; we give the position ourselves.
    const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    problems.push({
      field: '',
      line: position.line,
      column: position.col,
      message: lowerFirst(message),
    });
  }
  if (problems.length > 0) throw workspaceError(options.fileName, problems);

  const reader = new WorkspaceReader(document, lineCounter, problems);
  const workspace = reader.read(options);
  if (problems.length > 0) throw workspaceError(options.fileName, problems);
  return workspace;
}

/** Walks the parsed document, checking each part and remembering where each problem is. */
class WorkspaceReader {
  /** Fields a typo stands in for ("chainID" for chainId): their "is required" would only repeat the typo. */
  private readonly misspelledFields = new Set<string>();

  constructor(
    private readonly document: Document,
    private readonly lineCounter: LineCounter,
    private readonly problems: WorkspaceProblem[],
  ) {}

  read(options: ParseWorkspaceOptions): Workspace {
    const root = this.document.contents;
    if (!isMap(root)) {
      this.report(
        [],
        root === null
          ? 'the file is empty; expected version, chains, contracts, transactions, rules, policies and schedules'
          : 'must be a mapping with version, chains, contracts, transactions, rules, policies and schedules',
      );
      return {
        chains: [],
        contracts: [],
        transactions: [],
        rules: [],
        policies: [],
        schedules: [],
      };
    }
    this.checkKeys([], topLevelKeys);
    const version = this.valueAt(['version']);
    if (version === undefined)
      this.report([], 'is required; write "version: 1" at the top', 'version');
    else if (version !== 1)
      this.report(
        ['version'],
        `must be 1 (this Vigil reads workspace format version 1), got ${JSON.stringify(version)}`,
      );

    const chains = this.readList('chains', (index) => this.readChain(index));
    const contracts = this.readList('contracts', (index) => this.readContract(index, options));
    const transactions = this.readList('transactions', (index) => this.readTransaction(index));
    const rules = this.readList('rules', (index) => this.readRule(index));
    const policies = this.readList('policies', (index) => this.readPolicy(index));
    const schedules = this.readList('schedules', (index) => this.readSchedule(index));
    this.checkDuplicateChains(chains);
    this.checkDuplicateContracts(contracts);
    this.checkDuplicateTransactionKeys(transactions);
    this.checkDuplicateRules(rules);
    this.checkDuplicatePolicies(policies);
    this.checkDuplicateSchedules(schedules);
    return {
      transactions: transactions.filter(
        (transaction): transaction is NonNullable<typeof transaction> => transaction !== undefined,
      ),
      chains: chains.filter((chain): chain is NonNullable<typeof chain> => chain !== undefined),
      contracts: contracts.filter(
        (contract): contract is NonNullable<typeof contract> => contract !== undefined,
      ),
      rules: rules.filter((rule): rule is NonNullable<typeof rule> => rule !== undefined),
      policies: policies.filter(
        (policy): policy is NonNullable<typeof policy> => policy !== undefined,
      ),
      schedules: schedules.filter(
        (schedule): schedule is NonNullable<typeof schedule> => schedule !== undefined,
      ),
    };
  }

  /** A missing list is an empty one: a file may declare only chains, or only contracts. */
  private readList<T>(
    key: 'chains' | 'contracts' | 'transactions' | 'rules' | 'policies' | 'schedules',
    readEntry: (index: number) => T | undefined,
  ): (T | undefined)[] {
    const node = this.nodeAt([key]);
    if (node === undefined || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) {
      this.report([key], `must be a list (each entry starting with "- ")`);
      return [];
    }
    return node.items.map((_, index) => readEntry(index));
  }

  private readChain(index: number): z.output<typeof ChainsAddInput> | undefined {
    const path: Path = ['chains', index];
    if (!isMap(this.nodeAt(path))) {
      this.report(path, 'must be a mapping with name, chainId and rpcUrls');
      return undefined;
    }
    const keysValid = this.checkKeys(path, chainKeys);
    const result = ChainsAddInput.safeParse(this.valueAt(path));
    if (!result.success) {
      this.reportZodIssues(path, result.error.issues);
      return undefined;
    }
    return keysValid ? result.data : undefined;
  }

  private readPolicy(index: number): z.output<typeof WorkspacePolicy> | undefined {
    const path: Path = ['policies', index];
    if (!isMap(this.nodeAt(path))) {
      this.report(
        path,
        'must be a mapping with name, chainId, signer, targets and the limits (maxValuePerTx, maxFeePerGas, dailyBudget, maxPerHour)',
      );
      return undefined;
    }
    let keysValid = this.checkKeys(path, policyKeys);
    const targets = this.nodeAt([...path, 'targets']);
    if (isSeq(targets))
      targets.items.forEach((_, target) => {
        keysValid = this.checkKeys([...path, 'targets', target], policyTargetKeys) && keysValid;
        const functions = this.nodeAt([...path, 'targets', target, 'functions']);
        if (isSeq(functions))
          functions.items.forEach((_, fn) => {
            keysValid =
              this.checkKeys([...path, 'targets', target, 'functions', fn], policyFunctionKeys) &&
              keysValid;
          });
      });
    const result = WorkspacePolicy.safeParse(this.valueAt(path));
    if (!result.success) {
      // Unknown keys were reported above, at their line, with the key meant.
      this.reportZodIssues(
        path,
        result.error.issues.filter((issue) => issue.code !== 'unrecognized_keys'),
      );
      return undefined;
    }
    return keysValid ? result.data : undefined;
  }

  private checkDuplicatePolicies(policies: (z.output<typeof WorkspacePolicy> | undefined)[]): void {
    const firstIndexById = new Map<string, number>();
    policies.forEach((policy, index) => {
      if (policy === undefined) return;
      const id = policy.id ?? ruleSlug(policy.name);
      const first = firstIndexById.get(id);
      if (first === undefined) firstIndexById.set(id, index);
      else
        this.report(
          ['policies', index, policy.id === undefined ? 'name' : 'id'],
          `the policy id ${id} is already used by policies[${first}] (line ${this.lineOf(['policies', first])}); give one of them an id of its own`,
        );
    });
  }

  private readTransaction(index: number): z.output<typeof WorkspaceTransaction> | undefined {
    const path: Path = ['transactions', index];
    if (!isMap(this.nodeAt(path))) {
      this.report(path, 'must be a mapping with key, chainId, from and to');
      return undefined;
    }
    const keysValid = this.checkKeys(path, transactionKeys);
    const result = WorkspaceTransaction.safeParse(this.valueAt(path));
    if (!result.success) {
      this.reportZodIssues(path, result.error.issues);
      return undefined;
    }
    return keysValid ? result.data : undefined;
  }

  private checkDuplicateTransactionKeys(
    transactions: (z.output<typeof WorkspaceTransaction> | undefined)[],
  ): void {
    const firstIndexByKey = new Map<string, number>();
    transactions.forEach((transaction, index) => {
      if (transaction === undefined) return;
      const first = firstIndexByKey.get(transaction.key);
      if (first === undefined) firstIndexByKey.set(transaction.key, index);
      else
        this.report(
          ['transactions', index, 'key'],
          `key "${transaction.key}" is already used by transactions[${first}] (line ${this.lineOf(['transactions', first])})`,
        );
    });
  }

  private readContract(
    index: number,
    options: ParseWorkspaceOptions,
  ): WorkspaceContract | undefined {
    const path: Path = ['contracts', index];
    if (!isMap(this.nodeAt(path))) {
      this.report(path, 'must be a mapping with chainId, address, startBlock and abi (or source)');
      return undefined;
    }
    let keysValid = this.checkKeys(path, contractKeys);
    if (isMap(this.nodeAt([...path, 'token'])))
      keysValid = this.checkKeys([...path, 'token'], ['decimals', 'symbol']) && keysValid;
    const {
      abi: rawAbi,
      source: rawSource,
      ...rest
    } = this.valueAt(path) as Record<string, unknown>;
    const result = ContractWithoutAbi.safeParse(rest);
    if (!result.success) this.reportZodIssues(path, result.error.issues);
    if (rawSource !== undefined) {
      if (rawAbi !== undefined) {
        this.report(
          [...path, 'source'],
          'give either abi or source, not both: source fetches the ABI that abi would give',
        );
        return undefined;
      }
      const source = this.readSource([...path, 'source'], rawSource, options);
      if (!result.success || source === undefined || !keysValid) return undefined;
      return { ...result.data, source };
    }
    const abi = this.readAbi([...path, 'abi'], rawAbi, options);
    if (!result.success || abi === undefined || !keysValid) return undefined;
    return { ...result.data, abi: abi as unknown[] };
  }

  /** `source: sourcify`, `source: etherscan`, or a path to the project folder that deployed it. */
  private readSource(
    path: Path,
    raw: unknown,
    options: ParseWorkspaceOptions,
  ): WorkspaceContractSource | undefined {
    const at = this.positionOf(path);
    const expected =
      'sourcify, etherscan, or the path of the Foundry or Hardhat project that deployed it (./contracts-repo)';
    if (typeof raw !== 'string' || raw.trim() === '') {
      this.report(path, `must be ${expected}, got ${describeValue(raw)}`);
      return undefined;
    }
    const value = raw.trim();
    if (value === 'sourcify' || value === 'etherscan') return { kind: value, ...at };
    if (!/^(\.{1,2}[\\/]|\.{1,2}$|[\\/]|[A-Za-z]:[\\/])/.test(value)) {
      const suggestion = closestMatch(value, ['sourcify', 'etherscan']);
      this.report(
        path,
        `must be ${expected}, got ${JSON.stringify(value)}${suggestion ? `; did you mean "${suggestion}"?` : '; a folder path starts with ./ or /'}`,
      );
      return undefined;
    }
    const folder = isAbsolute(value) ? value : resolve(dirname(options.fileName), value);
    return { kind: 'project', path: folder, ...at };
  }

  private readRule(index: number): z.output<typeof AlertRuleInput> | undefined {
    const path: Path = ['rules', index];
    if (!isMap(this.nodeAt(path))) {
      this.report(
        path,
        `must be a mapping with name, kind (${ruleKinds.join(', ')}) and its settings`,
      );
      return undefined;
    }
    const kind = this.valueAt([...path, 'kind']);
    if (!ruleKinds.includes(kind as never)) {
      this.report(
        [...path, 'kind'],
        kind === undefined
          ? `is required: one of ${ruleKinds.join(', ')}`
          : `must be one of ${ruleKinds.join(', ')}, got ${describeValue(kind)}`,
        kind === undefined ? fieldName([...path, 'kind']) : undefined,
      );
      return undefined;
    }
    let keysValid = this.checkKeys(
      path,
      // A person's approval is given in the app, never written in a file.
      Object.keys(alertRuleInputKinds[kind as keyof typeof alertRuleInputKinds].shape).filter(
        (key) => key !== 'approval',
      ),
    );
    const channels = this.nodeAt([...path, 'channels']);
    if (isSeq(channels))
      channels.items.forEach((_, channel) => {
        keysValid = this.checkKeys([...path, 'channels', channel], channelKeys) && keysValid;
      });
    const result = AlertRuleInput.safeParse(this.valueAt(path));
    if (!result.success) {
      this.reportZodIssues(path, result.error.issues);
      return undefined;
    }
    if (
      'condition' in result.data &&
      !this.conditionParses([...path, 'condition'], result.data.condition)
    )
      return undefined;
    return keysValid ? result.data : undefined;
  }

  /** Reports a condition that does not parse at its line and column inside the file. */
  private conditionParses(path: Path, condition: string): boolean {
    try {
      parseCondition(condition);
      return true;
    } catch (error) {
      if (!(error instanceof ConditionSyntaxError)) throw error;
      const node = this.nodeAt(path);
      const scalar = isScalar(node) ? node : undefined;
      // In a one-line scalar the text starts at the node (after its quote, if quoted).
      const inline =
        scalar?.range &&
        (scalar.type === 'PLAIN' ||
          scalar.type === 'QUOTE_DOUBLE' ||
          scalar.type === 'QUOTE_SINGLE') &&
        !condition.includes('\n');
      const position = inline
        ? this.positionAtOffset(scalar.range![0] + (scalar.type === 'PLAIN' ? 0 : 1) + error.offset)
        : this.positionOf(path);
      this.problems.push({
        field: fieldName(path),
        ...position,
        message: `${error.message} (column ${error.offset + 1} of the condition)`,
      });
      return false;
    }
  }

  private checkDuplicateRules(rules: (z.output<typeof AlertRuleInput> | undefined)[]): void {
    const firstIndexById = new Map<string, number>();
    rules.forEach((rule, index) => {
      if (rule === undefined) return;
      const id = rule.id ?? ruleSlug(rule.name);
      const first = firstIndexById.get(id);
      if (first === undefined) firstIndexById.set(id, index);
      else
        this.report(
          ['rules', index, rule.id === undefined ? 'name' : 'id'],
          `the rule id ${id} is already used by rules[${first}] (line ${this.lineOf(['rules', first])}); give one of them an id of its own`,
        );
    });
  }

  private readSchedule(index: number): z.output<typeof ScheduleInput> | undefined {
    const path: Path = ['schedules', index];
    if (!isMap(this.nodeAt(path))) {
      this.report(path, 'must be a mapping with name, cron or everySeconds, and propose');
      return undefined;
    }
    const keysValid = this.checkKeys(path, scheduleKeys);
    const result = ScheduleInput.safeParse(this.valueAt(path));
    if (!result.success) {
      const entry = `${fieldName(path)}.`;
      const typo = [...this.misspelledFields].some((field) => field.startsWith(entry));
      // checkKeys reported unknown keys at the key already; the schema's own checks (exactly one
      // of cron and everySeconds) say more than "is required", unless a typo is the reason.
      const issues = result.error.issues.filter((issue) => issue.code !== 'unrecognized_keys');
      for (const issue of issues.filter((issue) => issue.code === 'custom'))
        if (!typo) this.report([...path, ...issue.path.map(String)], issue.message);
      this.reportZodIssues(
        path,
        issues.filter((issue) => issue.code !== 'custom'),
      );
      return undefined;
    }
    return keysValid ? result.data : undefined;
  }

  private checkDuplicateSchedules(schedules: (z.output<typeof ScheduleInput> | undefined)[]): void {
    const firstIndexById = new Map<string, number>();
    schedules.forEach((schedule, index) => {
      if (schedule === undefined) return;
      const id = schedule.id ?? ruleSlug(schedule.name);
      const first = firstIndexById.get(id);
      if (first === undefined) firstIndexById.set(id, index);
      else
        this.report(
          ['schedules', index, schedule.id === undefined ? 'name' : 'id'],
          `the schedule id ${id} is already used by schedules[${first}] (line ${this.lineOf(['schedules', first])}); give one of them an id of its own`,
        );
    });
  }

  /** The abi: a path to a JSON ABI or artifact, inline signatures, or an inline JSON ABI. */
  private readAbi(path: Path, raw: unknown, options: ParseWorkspaceOptions): unknown[] | undefined {
    const field = fieldName(path);
    if (raw === undefined || raw === null) {
      this.report(
        path,
        'is required: a path to an ABI or artifact file, a list of event signatures, or a JSON ABI (or give source: sourcify, etherscan or the project folder instead)',
      );
      return undefined;
    }
    let input = raw;
    let source = '';
    if (typeof raw === 'string' && !looksLikeInlineAbi(raw)) {
      const absolutePath = isAbsolute(raw) ? raw : resolve(dirname(options.fileName), raw);
      try {
        input = options.readFile(absolutePath);
      } catch (error) {
        this.report(
          path,
          `cannot read the ABI file ${absolutePath}: ${(error as Error).message ?? String(error)}`,
        );
        return undefined;
      }
      source = ` (in ${absolutePath})`;
    }
    try {
      return parseAbiInput(input, field) as unknown[];
    } catch (error) {
      if (!(error instanceof VigilError)) throw error;
      // parseAbiInput's messages start with the field. "[3]: …" names an entry of an inline
      // list: point at that line. ".abi[3]: …" is inside an artifact: keep the inner path.
      const rest = error.message.startsWith(field)
        ? error.message.slice(field.length)
        : `: ${error.message}`;
      const item = source === '' ? /^\[(\d+)\]: /.exec(rest) : null;
      if (item !== null) {
        this.report([...path, Number(item[1])], rest.slice(item[0].length), `${field}[${item[1]}]`);
      } else {
        this.report(path, `${rest.replace(/^: |^\./, '')}${source}`);
      }
      return undefined;
    }
  }

  private checkDuplicateChains(chains: (z.output<typeof ChainsAddInput> | undefined)[]): void {
    const firstIndexByChainId = new Map<number, number>();
    chains.forEach((chain, index) => {
      if (chain === undefined) return;
      const first = firstIndexByChainId.get(chain.chainId);
      if (first === undefined) firstIndexByChainId.set(chain.chainId, index);
      else
        this.report(
          ['chains', index, 'chainId'],
          `chain id ${chain.chainId} is already declared by chains[${first}] (line ${this.lineOf(['chains', first])})`,
        );
    });
  }

  private checkDuplicateContracts(contracts: (WorkspaceContract | undefined)[]): void {
    const firstIndexByKey = new Map<string, number>();
    contracts.forEach((contract, index) => {
      if (contract === undefined) return;
      const key = `${contract.chainId}:${contract.address.toLowerCase()}`;
      const first = firstIndexByKey.get(key);
      if (first === undefined) firstIndexByKey.set(key, index);
      else {
        this.report(
          ['contracts', index, 'address'],
          `${contract.address} on chain ${contract.chainId} is already declared by contracts[${first}] (line ${this.lineOf(['contracts', first])})`,
        );
      }
    });
  }

  /** Reports keys the schema does not know (a typo like chainID or rpcUrl), at the key itself. */
  private checkKeys(path: Path, knownKeys: string[]): boolean {
    const node = this.nodeAt(path);
    if (!isMap(node)) return true;
    let valid = true;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (typeof key === 'string' && knownKeys.includes(key)) continue;
      valid = false;
      const suggestion = typeof key === 'string' ? closestMatch(key, knownKeys) : undefined;
      const hint =
        suggestion === undefined
          ? `; expected one of ${knownKeys.join(', ')}`
          : `; did you mean "${suggestion}"?`;
      const keyName = typeof key === 'string' ? key : String(key);
      if (suggestion !== undefined) this.misspelledFields.add(fieldName([...path, suggestion]));
      this.problems.push({
        field: fieldName([...path, keyName]),
        ...this.positionOfNode(pair.key as Node | null, path),
        message: `unknown key "${keyName}"${hint}`,
      });
    }
    return valid;
  }

  private reportZodIssues(path: Path, issues: z.core.$ZodIssue[]): void {
    for (const issue of issues) {
      const issuePath: Path = [
        ...path,
        ...issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment))),
      ];
      const value = this.valueAt(issuePath);
      if (value === undefined && this.misspelledFields.has(fieldName(issuePath))) continue;
      this.report(issuePath, describeIssue(issue, value));
    }
  }

  private report(path: Path, message: string, field = fieldName(path)): void {
    this.problems.push({ field, ...this.positionOf(path), message });
  }

  // ---- locating things in the document ------------------------------------------------------

  /** The node at a path, or undefined when some step is missing. */
  private nodeAt(path: Path): Node | undefined {
    let node: unknown = this.document.contents;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && item.key.value === segment,
        );
        if (pair === undefined) return undefined;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
      } else {
        return undefined;
      }
      if (node === undefined || node === null) return undefined;
    }
    return node as Node;
  }

  private valueAt(path: Path): unknown {
    const node = this.nodeAt(path);
    if (node === undefined) return undefined;
    return isScalar(node) || isMap(node) || isSeq(node) ? node.toJS(this.document) : undefined;
  }

  /** Where the deepest existing node along the path starts: a missing key points at its parent. */
  private positionOf(path: Path): { line: number; column: number } {
    for (let length = path.length; length >= 0; length--) {
      const node = this.nodeAt(path.slice(0, length));
      if (node?.range) return this.positionAtOffset(node.range[0]);
    }
    return { line: 1, column: 1 };
  }

  private positionOfNode(node: Node | null, fallbackPath: Path): { line: number; column: number } {
    return node?.range ? this.positionAtOffset(node.range[0]) : this.positionOf(fallbackPath);
  }

  private positionAtOffset(offset: number): { line: number; column: number } {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  private lineOf(path: Path): number {
    return this.positionOf(path).line;
  }
}

function looksLikeInlineAbi(text: string): boolean {
  const trimmed = text.trim();
  return (
    trimmed.startsWith('[') ||
    trimmed.startsWith('{') ||
    /^(event|function|error|struct|constructor|fallback|receive)[\s(]/.test(trimmed)
  );
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined) return 'is required';
  if (issue.code === 'invalid_type') {
    const expected = issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`;
    return `must be ${expected}, got ${describeValue(value)}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'number')
    return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${String(issue.minimum)}, got ${String(value)}`;
  if (issue.code === 'too_big' && issue.origin === 'number')
    return `must be at most ${String(issue.maximum)}, got ${String(value)}`;
  return issue.message;
}

function describeValue(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** "contracts", 0, "address" → "contracts[0].address" */
function fieldName(path: Path): string {
  return path.reduce<string>(
    (name, segment) =>
      typeof segment === 'number'
        ? `${name}[${segment}]`
        : name === ''
          ? segment
          : `${name}.${segment}`,
    '',
  );
}

function lowerFirst(text: string): string {
  return text.replace(/^./, (first) => first.toLowerCase());
}

function workspaceError(file: string, problems: WorkspaceProblem[]): VigilError {
  const ordered = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
  const first = ordered[0]!;
  const lines = ordered
    .slice(0, shownProblems)
    .map(
      (problem) =>
        `${file}:${problem.line}:${problem.column}: ${problem.field === '' ? '' : `${problem.field}: `}${problem.message}`,
    );
  if (ordered.length > shownProblems)
    lines.push(`… and ${ordered.length - shownProblems} more problem(s)`);
  return new VigilError('WORKSPACE_INVALID', lines.join('\n'), {
    field: first.field === '' ? undefined : first.field,
    details: { file, line: first.line, column: first.column, problems: ordered },
  });
}
