// The rule editor's form state, as the inputs hold it (strings until saved). Its own file because
// both the editor and the per-kind fields (RuleKindFields.tsx, which the editor renders) use it.
import type { AlertRuleKind, AlertSeverity } from '@contract';

export type WebhookDraft = {
  url: string;
  format: 'json' | 'slack' | 'discord';
  secret: string;
  secretHint?: string;
};

export interface Draft {
  id?: string;
  name: string;
  kind: AlertRuleKind;
  severity: AlertSeverity;
  enabled: boolean;
  cooldownSeconds: string;
  contractId: string;
  eventName: string;
  confirmations: string;
  withinSeconds: string;
  chainId: string;
  maxBlocks: string;
  maxSeconds: string;
  forSeconds: string;
  inApp: boolean;
  desktop: boolean;
  webhooks: WebhookDraft[];
  /** Transaction rules: '' for any chain or signer. */
  txChainId: string;
  txFrom: string;
  txOn: ('failed' | 'dropped' | 'stuck')[];
  stuckSeconds: string;
  /** Balance rules. */
  signer: string;
  belowEther: string;
  /** Failed-call rules: the watched addresses, one a line (or separated by commas). */
  addresses: string;
  propose: ProposeDraft | null;
}

/** The transaction a rule proposes when it fires; value in ETH, arguments as a JSON list. */
export interface ProposeDraft {
  chainId: string;
  from: string;
  /** `from` is a Safe (the rule proposes as it); kept as it was when the rule is edited. */
  asSafe?: boolean;
  to: string;
  valueEther: string;
  functionName: string;
  functionArgs: string;
  data: string;
  note: string;
}
