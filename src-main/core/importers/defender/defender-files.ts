// The shapes of a Defender as Code serverless.yml's resources, strictly: the plugin validates its
// files against a schema too, so a typo is reported at its line rather than silently ignored.
// Integers come from YAML as bigint (amounts and caps do not fit a number).
import { z } from 'zod';

const integer = z.union([z.bigint(), z.number().int()]).transform((value) => BigInt(value));
/** An amount: an integer, or digits (what `${env:…}` gives). */
const amount = z
  .union([integer, z.string().regex(/^[0-9]+$/, 'must be a whole number')])
  .transform((value) => BigInt(value));

const condition = z
  .object({ signature: z.string().min(1), expression: z.string().nullable().optional() })
  .strict();

/** The keys a BLOCK monitor may have (v2 `monitors`, v1 `sentinels`). */
export const DefenderBlockMonitor = z
  .object({
    name: z.string().min(1),
    type: z.literal('BLOCK'),
    network: z.string().min(1),
    addresses: z.array(z.string()).optional(),
    contracts: z.array(z.unknown()).optional(),
    abi: z.unknown().optional(),
    'alert-threshold': z
      .object({ amount: integer, 'window-seconds': integer })
      .strict()
      .nullable()
      .optional(),
    paused: z.boolean().optional(),
    'action-condition': z.unknown().optional(),
    'action-trigger': z.unknown().optional(),
    'autotask-condition': z.unknown().optional(),
    'autotask-trigger': z.unknown().optional(),
    'confirm-level': z.union([integer, z.enum(['safe', 'finalized'])]).optional(),
    'notify-config': z
      .object({
        timeout: integer.optional(),
        message: z.string().nullable().optional(),
        'message-subject': z.string().nullable().optional(),
        channels: z.array(z.unknown()),
        category: z.unknown().optional(),
        'severity-level': z.unknown().optional(),
      })
      .strict()
      .optional(),
    conditions: z
      .object({
        event: z.array(condition).optional(),
        function: z.array(condition).optional(),
        transaction: z.string().nullable().optional(),
      })
      .strict()
      .optional(),
    'risk-category': z.string().nullable().optional(),
    'skip-abi-validation': z.boolean().optional(),
  })
  .strict();
export type DefenderBlockMonitor = z.output<typeof DefenderBlockMonitor>;

export const DefenderNotification = z
  .object({
    type: z.enum([
      'slack',
      'email',
      'discord',
      'telegram',
      'datadog',
      'webhook',
      'opsgenie',
      'pager-duty',
    ]),
    name: z.string().min(1),
    config: z.record(z.string(), z.unknown()),
    paused: z.boolean().optional(),
  })
  .strict();
export type DefenderNotification = z.output<typeof DefenderNotification>;

export const DefenderCategory = z
  .object({
    name: z.string().min(1),
    description: z.string().nullable().optional(),
    'notification-ids': z.array(z.unknown()).optional(),
  })
  .strict();

export const DefenderRelayer = z
  .object({
    name: z.string().min(1),
    network: z.string().min(1),
    'min-balance': amount,
    policy: z.unknown().optional(),
    'api-keys': z.array(z.string()).optional(),
    'address-from-relayer': z.unknown().optional(),
  })
  .strict();
export type DefenderRelayer = z.output<typeof DefenderRelayer>;

export const DefenderPolicy = z
  .object({
    'gas-price-cap': amount.optional(),
    'whitelist-receivers': z.array(z.string()).optional(),
    'eip1559-pricing': z.boolean().optional(),
    'private-transactions': z.union([z.boolean(), z.string()]).optional(),
  })
  .strict();
export type DefenderPolicy = z.output<typeof DefenderPolicy>;

export const DefenderContract = z
  .object({
    name: z.string().min(1),
    address: z.string(),
    network: z.string().min(1),
    abi: z.unknown().optional(),
    'nat-spec': z.unknown().optional(),
  })
  .strict();
export type DefenderContract = z.output<typeof DefenderContract>;

export const DefenderPrivateNetwork = z
  .object({
    name: z.string().min(1),
    configuration: z.record(z.string(), z.unknown()),
    'rpc-url': z.string().regex(/^https?:\/\//, 'must be an http(s):// URL'),
    'api-key': z.string().optional(),
    'block-explorer-url': z.string().optional(),
  })
  .strict();
export type DefenderPrivateNetwork = z.output<typeof DefenderPrivateNetwork>;

export const DefenderForkedNetwork = z
  .object({
    name: z.string().min(1),
    'supported-network': z.string().optional(),
    'forked-network': z.string().optional(),
    'rpc-url': z.string().regex(/^https?:\/\//, 'must be an http(s):// URL'),
    'api-key': z.string().nullable().optional(),
    'block-explorer-url': z.string().nullable().optional(),
  })
  .strict();

/** Resource kinds of the v2 layout (`resources:`) and the v1 one (`resources: Resources:`). */
export const resourceKinds = {
  v2: [
    'monitors',
    'contracts',
    'notifications',
    'relayers',
    'policies',
    'private-networks',
    'forked-networks',
    'actions',
    'secrets',
    'categories',
    'block-explorer-api-keys',
    'relayer-groups',
  ],
  v1: [
    'sentinels',
    'contracts',
    'notifications',
    'relayers',
    'policies',
    'secrets',
    'categories',
    'block-explorer-api-keys',
  ],
} as const;
