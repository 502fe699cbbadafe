// A rule from the editor, the API or a workspace file, checked in full and put in the form it is
// stored in: the condition as canonical text, webhook secrets resolved (given, kept from the
// rule's previous version, read from the environment, or generated), and when it was armed.
import { randomBytes } from 'node:crypto';
import type { AlertChannel, AlertRule, ConditionNode } from '../../ipc/contract.ts';
import { redactUrl } from '../chains/index.ts';
import { VigilError } from '../errors/index.ts';
import type { StoredRule } from '../store/index.ts';
import { parseCondition } from '../rule-syntax/index.ts';
import { ruleKinds, type RuleKindContext } from './rule-kinds.ts';
import type { OmitEach, RuleDefinition, StoredChannel, ValidRuleInput } from './rule-shapes.ts';

export interface PreparedRule {
  rule: StoredRule;
  /** Secrets generated for webhook channels of this save, by channel index. */
  generatedSecrets: Record<string, string>;
}

export interface PrepareRuleContext extends RuleKindContext {
  now: number;
  /** The rule this save replaces, if any. */
  existing: StoredRule | undefined;
  /** The chain's head as its watcher knows it: a rule enabled now fires for blocks after it. */
  headBlock(chainId: number): number | null;
  env: Record<string, string | undefined>;
  /** Prefix for error fields: "" from the API, "rules[2]." from a workspace file. */
  field: string;
}

export function prepareRule(
  id: string,
  input: ValidRuleInput,
  context: PrepareRuleContext,
): PreparedRule {
  const {
    id: _id,
    name,
    enabled,
    channels: channelInputs,
    approval: _approval,
    ...settings
  } = input;
  const kind = ruleKinds[input.kind];
  const fieldOf = (name: string): string => `${context.field}${name}`;
  const spec = kind.validate(settings as never, context, fieldOf) as Omit<
    RuleDefinition,
    'channels'
  >;
  const generatedSecrets: Record<string, string> = {};
  const previous = (context.existing?.definition as RuleDefinition | undefined)?.channels ?? [];
  const channels = channelInputs.map((channel, index): StoredChannel => {
    if (channel.type !== 'webhook') return channel;
    let secret = channel.secret;
    if (secret === undefined && channel.secretEnv !== undefined) {
      secret = context.env[channel.secretEnv];
      if (!secret || secret.length < 16)
        throw new VigilError(
          'INVALID_INPUT',
          `The environment variable ${channel.secretEnv} ${secret ? 'holds fewer than 16 characters' : 'is not set'}; set it to the webhook's secret (16 characters or more), or type the secret in the import, before importing.`,
          { field: fieldOf(`channels[${index}].secretEnv`) },
        );
    }
    if (secret === undefined)
      secret = previous.find(
        (old): old is Extract<StoredChannel, { type: 'webhook' }> =>
          old.type === 'webhook' && old.url === channel.url,
      )?.secret;
    if (secret === undefined) {
      secret = randomBytes(24).toString('base64url');
      generatedSecrets[String(index)] = secret;
    }
    return {
      type: 'webhook',
      url: channel.url,
      format: channel.format,
      secret,
      ...(channel.secretEnv === undefined ? {} : { secretEnv: channel.secretEnv }),
    };
  });
  const definition: RuleDefinition = { ...spec, channels } as RuleDefinition;
  const existing = context.existing;
  const unchanged =
    existing !== undefined &&
    existing.name === name &&
    JSON.stringify(existing.definition) === JSON.stringify(definition);
  // Enabling arms a rule at the chain's current head; so does changing an enabled rule, since
  // what came before was judged by the old definition.
  const keepArming = existing?.enabled === true && enabled && unchanged;
  return {
    rule: {
      id,
      name,
      kind: input.kind,
      enabled,
      definition: definition as unknown as Record<string, unknown>,
      ...(keepArming
        ? { armedAt: existing.armedAt, armedBlock: existing.armedBlock }
        : arming(enabled, kind.chainOf(spec as never, context), context)),
      createdAt: existing?.createdAt ?? context.now,
      updatedAt: unchanged && existing!.enabled === enabled ? existing!.updatedAt : context.now,
    },
    generatedSecrets,
  };
}

/** The same rule with a new enabled flag (arming it at the head when it is switched on). */
export function withEnabled(
  rule: StoredRule,
  enabled: boolean,
  context: Pick<PrepareRuleContext, 'now' | 'headBlock'> & RuleKindContext,
): StoredRule {
  if (rule.enabled === enabled) return rule;
  const definition = rule.definition as RuleDefinition;
  const chainId = ruleKinds[definition.kind].chainOf(definition as never, context);
  return { ...rule, enabled, ...arming(enabled, chainId, context), updatedAt: context.now };
}

/** When a rule (re)armed now starts judging: from now, and after its chain's current head. */
function arming(
  enabled: boolean,
  chainId: number | null,
  context: Pick<PrepareRuleContext, 'now' | 'headBlock'>,
): Pick<StoredRule, 'armedAt' | 'armedBlock'> {
  if (!enabled) return { armedAt: null, armedBlock: null };
  return { armedAt: context.now, armedBlock: chainId === null ? null : context.headBlock(chainId) };
}

/** What the audit log keeps of a rule: everything but secrets. */
export function auditedDefinition(rule: StoredRule): Record<string, unknown> {
  const definition = rule.definition as RuleDefinition;
  return {
    name: rule.name,
    enabled: rule.enabled,
    ...definition,
    // The audit log names the endpoint; a key in its URL stays out.
    channels: definition.channels.map((channel) => {
      const shown = publicChannel(channel);
      return shown.type === 'webhook' ? { ...shown, url: redactUrl(shown.url) } : shown;
    }),
  };
}

function publicChannel(channel: StoredChannel): AlertChannel {
  if (channel.type !== 'webhook') return channel;
  return {
    type: 'webhook',
    url: channel.url,
    format: channel.format,
    secretHint: `…${channel.secret.slice(-4)}`,
  };
}

/**
 * A channel as the workspace file writes it: a webhook's secret left out (secretEnv stays), and a
 * key in its URL redacted (a Slack or Discord hook URL is itself a credential).
 */
export function withoutSecret(channel: StoredChannel): OmitEach<StoredChannel, 'secret'> {
  if (channel.type !== 'webhook') return channel;
  const { secret: _secret, ...rest } = channel;
  return { ...rest, url: redactUrl(rest.url) };
}

export function toWireRule(
  rule: StoredRule,
  stats: { count: number; lastFiredAt: number | null },
  problem: string | null,
): AlertRule {
  const definition = rule.definition as RuleDefinition;
  const common = {
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    createdAt: rule.createdAt,
    updatedAt: rule.updatedAt,
    armedAt: rule.armedAt,
    problem,
    lastFiredAt: stats.lastFiredAt,
    firingCount: stats.count,
  };
  const channels = definition.channels.map(publicChannel);
  if (definition.kind === 'event' || definition.kind === 'silence') {
    let conditionTree: ConditionNode;
    try {
      conditionTree = parseCondition(definition.condition).condition;
    } catch {
      conditionTree = { type: 'all', conditions: [] };
    }
    return { ...definition, ...common, channels, conditionTree } as AlertRule;
  }
  return { ...definition, ...common, channels } as AlertRule;
}
