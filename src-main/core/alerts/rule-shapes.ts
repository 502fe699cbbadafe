// The shapes a rule takes once checked, as types only: every rule kind, the runner and the firing
// ledger need them, and rule-definition.ts (which checks rules) needs every rule kind, so they
// live apart from it to keep the room's files free of import cycles.
import type { z } from 'zod';
import type { AlertRuleInput } from '../../ipc/contract.ts';

export type ValidRuleInput = z.output<typeof AlertRuleInput>;

export type StoredChannel =
  | { type: 'in-app' }
  | { type: 'desktop' }
  | {
      type: 'webhook';
      url: string;
      format: 'json' | 'slack' | 'discord';
      secret: string;
      /** Kept when the secret came from a workspace file's environment variable. */
      secretEnv?: string;
    };

/** Omit over each member of a union, keeping it a union. */
export type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What StoredRule.definition holds: the rule input minus id, name and enabled, secrets resolved. */
export type RuleDefinition = OmitEach<ValidRuleInput, 'id' | 'name' | 'enabled' | 'channels'> & {
  channels: StoredChannel[];
};
