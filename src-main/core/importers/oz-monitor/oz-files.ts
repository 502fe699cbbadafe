// The shapes of OpenZeppelin Monitor's configuration files, strictly: OZ Monitor refuses keys it
// does not know in these files, so a typo here is reported rather than silently ignored.
import { z } from 'zod';

/** A value given inline, from an environment variable, or from HashiCorp Cloud Vault. */
export const OzSecretValue = z
  .object({ type: z.enum(['plain', 'environment', 'hashicorp_cloud_vault']), value: z.string() })
  .strict();
export type OzSecretValue = z.infer<typeof OzSecretValue>;

export const OzNetwork = z
  .object({
    network_type: z.enum(['EVM', 'Stellar', 'Midnight']),
    slug: z.string().min(1),
    name: z.string().min(1),
    rpc_urls: z
      .array(
        z
          .object({
            type_: z.string(),
            url: OzSecretValue,
            weight: z.number().int().min(0).max(100),
          })
          .strict(),
      )
      .min(1),
    chain_id: z.number().int().positive().optional(),
    network_passphrase: z.string().optional(),
    block_time_ms: z.number().int().positive(),
    confirmation_blocks: z.number().int().nonnegative(),
    cron_schedule: z.string(),
    max_past_blocks: z.number().int().nonnegative().optional(),
    store_blocks: z.boolean().optional(),
    recovery_config: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type OzNetwork = z.infer<typeof OzNetwork>;

const OzCondition = z
  .object({ signature: z.string().min(1), expression: z.string().nullable().optional() })
  .strict();

export const OzMonitor = z
  .object({
    name: z.string().min(1),
    networks: z.array(z.string()).min(1),
    paused: z.boolean(),
    addresses: z.array(
      z
        .object({
          address: z.string(),
          contract_spec: z.unknown().optional(),
          abi: z.unknown().optional(),
        })
        .strict(),
    ),
    match_conditions: z
      .object({
        functions: z.array(OzCondition),
        events: z.array(OzCondition),
        transactions: z.array(
          z
            .object({
              status: z.enum(['Any', 'Success', 'Failure']),
              expression: z.string().nullable().optional(),
            })
            .strict(),
        ),
      })
      .strict(),
    trigger_conditions: z.array(z.record(z.string(), z.unknown())).optional(),
    triggers: z.array(z.string()),
    chain_configurations: z.array(z.unknown()).optional(),
  })
  .strict();
export type OzMonitor = z.infer<typeof OzMonitor>;

export const OzTrigger = z
  .object({
    name: z.string().min(1),
    trigger_type: z.enum(['slack', 'discord', 'webhook', 'telegram', 'email', 'script']),
    config: z.record(z.string(), z.unknown()),
  })
  .strict();
export type OzTrigger = z.infer<typeof OzTrigger>;

/** A trigger file maps trigger ids (what monitors list) to triggers. */
export const OzTriggerFile = z.record(z.string(), OzTrigger);
