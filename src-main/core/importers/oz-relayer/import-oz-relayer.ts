// OpenZeppelin Relayer's config.json as a Vigil workspace: the EVM networks its relayers use
// become chains, `local` keystore signers become keychain signers (decrypted by the engine when
// applied), `min_balance` a balance rule on the signer notifying the relayer's webhook. Remote
// signers, the other policies, plugins and non-EVM relayers are listed with the reason.
import { normalize } from 'node:path';
import { getAddress } from 'viem';
import type { z } from 'zod';
import type { AlertChannelInput, AlertRuleInput } from '../../../ipc/contract.ts';
import { ruleSlug } from '../../rule-syntax/index.ts';
import {
  emptyPlan,
  importError,
  type ImportContext,
  type ImportFile,
  type ImportKeystoreSigner,
  type ImportPlan,
  type ImportProblem,
} from '../import-plan.ts';
import type { SourceDocument, SourcePath } from '../source-document.ts';
import { isObject, kindOf, readRelayerJson } from './relayer-json.ts';
import {
  candidatePaths,
  readNetworkEntries,
  resolveEvmNetwork,
  type EvmNetwork,
} from './relayer-networks.ts';

type BalanceRule = Extract<z.output<typeof AlertRuleInput>, { kind: 'balance' }>;
type Channel = z.output<typeof AlertChannelInput>;

const topLevelKeys = ['relayers', 'signers', 'notifications', 'networks', 'plugins'];
const relayerKeys = [
  'id',
  'name',
  'network',
  'paused',
  'network_type',
  'signer_id',
  'notification_id',
  'policies',
  'custom_rpc_urls',
];
// Why each EVM relayer policy other than min_balance has no Vigil counterpart. A Vigil automation
// policy allows named functions of watched contracts up to fee and value caps; a relayer's
// policies name no contract or function, so none of them can become one on its own.
const policyReasons: Record<string, string> = {
  gas_price_cap:
    'Vigil caps the fee per gas in an automation policy (maxFeePerGas), and a policy needs the contracts and functions it allows, which the relayer config does not name; give this cap to the policy you create for this signer',
  whitelist_receivers:
    'Vigil policies allow functions of watched contracts, not plain receivers by address; proposals to other receivers wait for approval by hand, which is at least as strict',
  eip1559_pricing:
    'Vigil prices transactions with EIP-1559 fees wherever the chain supports them; there is no per-signer switch',
  private_transactions:
    'Vigil sends through the chain’s RPC URLs; it has no private-mempool submission',
  gas_limit_estimation: 'Vigil always estimates the gas limit and simulates before signing',
};

interface Located {
  doc: SourceDocument;
  path: SourcePath;
  value: Record<string, unknown>;
}

export function importOzRelayer(files: readonly ImportFile[], _context: ImportContext): ImportPlan {
  const problems: ImportProblem[] = [];
  const signers: ImportKeystoreSigner[] = [];
  const plan: ImportPlan = { ...emptyPlan('oz-relayer'), signers };
  const configs = files.filter(
    (file) => /\.json$/i.test(file.path) && /"relayers"\s*:/.test(file.text),
  );
  if (configs.length !== 1)
    throw importError([
      {
        file: configs[1]?.path ?? files[0]!.path,
        line: 1,
        message:
          configs.length === 0
            ? 'no OpenZeppelin Relayer config.json (a JSON object with "relayers") among the files given'
            : `more than one relayer config (${configs.map((file) => file.path).join(', ')}); import one at a time`,
      },
    ]);
  const config = readRelayerJson(configs[0]!, problems);
  if (!config) throw importError(problems);
  if (!isObject(config.value))
    throw importError([
      { file: config.file, line: 1, message: 'config.json must be a JSON object' },
    ]);
  const root = config.value;
  for (const key of Object.keys(root))
    if (!topLevelKeys.includes(key))
      plan.notCarried.push({
        file: config.file,
        line: config.keyLineOf([], key),
        reason: `${key}: not an OpenZeppelin Relayer section Vigil's importer knows`,
      });
  const list = (key: string): Located[] => {
    const value = root[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      problems.push({
        file: config.file,
        line: config.lineOf([key]),
        message: `${key}: must be a list, not ${kindOf(value)}`,
      });
      return [];
    }
    return value.flatMap((item: unknown, index) => {
      const path = [key, index];
      if (isObject(item) && typeof item.id === 'string')
        return [{ doc: config, path, value: item }];
      problems.push({
        file: config.file,
        line: config.lineOf(path),
        message: `${key}[${index}]: must be an object with an "id" as text`,
      });
      return [];
    });
  };
  const relayers = list('relayers');
  const signerEntries = list('signers');
  const notifications = list('notifications');
  (Array.isArray(root.plugins) ? root.plugins : []).forEach((plugin: unknown, index) =>
    plan.notCarried.push({
      file: config.file,
      line: config.lineOf(['plugins', index]),
      reason: `plugin ${isObject(plugin) && typeof plugin.id === 'string' ? `"${plugin.id}"` : `#${index + 1}`}: Vigil does not run OZ Relayer plugins (TypeScript run inside the relayer)`,
    }),
  );
  const networkEntries = readNetworkEntries(config, files, problems);
  if (problems.length > 0) throw importError(problems);

  const usedNetworks = new Set<string>();
  const usedSigners = new Set<string>();
  const usedNotifications = new Set<string>();
  const resolved = new Map<string, EvmNetwork | undefined>();
  for (const relayer of relayers) {
    const { value } = relayer;
    const id = value.id as string;
    const about = `relayer "${id}"`;
    const line = (key: string): number => config.lineOf([...relayer.path, key]);
    const fail = (key: string, message: string): void => {
      problems.push({
        file: config.file,
        line: line(key),
        message: `${about}, ${key}: ${message}`,
      });
    };
    for (const key of Object.keys(value))
      if (!relayerKeys.includes(key))
        plan.notCarried.push({
          file: config.file,
          line: config.keyLineOf(relayer.path, key),
          reason: `${about}: ${key} is not a relayer field Vigil's importer knows`,
        });
    for (const key of ['network', 'network_type', 'signer_id'])
      if (typeof value[key] !== 'string') fail(key, `must be text, not ${kindOf(value[key])}`);
    if (value.paused !== undefined && typeof value.paused !== 'boolean')
      fail('paused', `must be true or false, not ${kindOf(value.paused)}`);
    if (value.notification_id !== undefined && value.notification_id !== null) {
      if (typeof value.notification_id !== 'string')
        fail('notification_id', `must be text, not ${kindOf(value.notification_id)}`);
      else if (!notifications.some((entry) => entry.value.id === value.notification_id))
        fail('notification_id', `no notification with id "${value.notification_id}"`);
    }
    const signer = signerEntries.find((entry) => entry.value.id === value.signer_id);
    if (typeof value.signer_id === 'string' && !signer)
      fail('signer_id', `no signer with id "${value.signer_id}"`);
    if (typeof value.network_type !== 'string' || typeof value.network !== 'string') continue;
    if (value.network_type !== 'evm') {
      plan.notCarried.push({
        file: config.file,
        line: line('network_type'),
        reason: `${about}: a ${value.network_type} relayer; Vigil works with EVM chains only`,
      });
      continue;
    }
    // Resolved once per name: two relayers on one network must not report its problems twice.
    if (!resolved.has(value.network))
      resolved.set(value.network, resolveEvmNetwork(value.network, networkEntries, problems));
    const network = resolved.get(value.network);
    if (!network) {
      if (!networkEntries.some((entry) => entry.type === 'evm' && entry.name === value.network))
        fail('network', `no evm network named "${value.network}"`);
      continue;
    }
    if (!signer) continue;
    usedNetworks.add(network.name);
    usedSigners.add(signer.value.id as string);
    addChain(plan, network);
    if (value.paused === true)
      plan.notCarried.push({
        file: config.file,
        line: line('paused'),
        reason: `${about}: paused; Vigil has no pause for one signer (its policies start disabled; the automation stop halts all of them)`,
      });
    if (Array.isArray(value.custom_rpc_urls) && value.custom_rpc_urls.length > 0)
      plan.notCarried.push({
        file: config.file,
        line: line('custom_rpc_urls'),
        reason: `${about}: custom_rpc_urls are not kept; Vigil sends through chain ${network.chainId}'s RPC URLs for every signer`,
      });
    const address = readSigner(signer, about, files, config, plan, problems);
    const channels: Channel[] = [];
    const notification = notifications.find((entry) => entry.value.id === value.notification_id);
    if (notification) {
      usedNotifications.add(notification.value.id as string);
      const channel = webhookChannel(notification, plan, problems);
      if (channel) channels.push(channel);
    }
    readPolicies(relayer, about, network, address, channels, plan, problems);
  }
  // OZ Relayer refuses a file with any malformed network, used or not: so does the import.
  for (const entry of networkEntries)
    if (entry.type === 'evm' && !resolved.has(entry.name))
      resolved.set(entry.name, resolveEvmNetwork(entry.name, networkEntries, problems));
  const unused = (entries: Located[], used: Set<string>, what: string): void => {
    for (const entry of entries)
      if (!used.has(entry.value.id as string))
        plan.notCarried.push({
          file: config.file,
          line: config.lineOf([...entry.path, 'id']),
          reason: `${what} "${String(entry.value.id)}": used by no EVM relayer Vigil carries over`,
        });
  };
  unused(signerEntries, usedSigners, 'signer');
  unused(notifications, usedNotifications, 'notification');
  for (const entry of networkEntries)
    if (!(entry.type === 'evm' && usedNetworks.has(entry.name)))
      plan.notCarried.push({
        file: entry.doc.file,
        line: entry.doc.lineOf([...entry.path, 'network']),
        reason: `network "${entry.name}" (${entry.type}): used by no EVM relayer, so not added as a chain`,
      });
  if (problems.length > 0) throw importError(problems);
  return plan;
}

function addChain(plan: ImportPlan, network: EvmNetwork): void {
  if (plan.workspace.chains.some((chain) => chain.chainId === network.chainId)) return;
  plan.workspace.chains.push({
    name: network.name.slice(0, 80),
    chainId: network.chainId,
    rpcUrls: network.rpcUrls.slice(0, 16),
    ...(network.confirmations === undefined ? {} : { confirmations: network.confirmations }),
  });
}

/** The signer's address when its key can come to Vigil (a local keystore), listing it to import. */
function readSigner(
  signer: Located,
  about: string,
  files: readonly ImportFile[],
  config: SourceDocument,
  plan: ImportPlan,
  problems: ImportProblem[],
): string | undefined {
  const id = signer.value.id as string;
  const line = (...keys: string[]): number => config.lineOf([...signer.path, ...keys]);
  const type = signer.value.type;
  if (type !== 'local') {
    plan.notCarried.push({
      file: config.file,
      line: line('type'),
      reason: `signer "${id}" of ${about}: a ${typeof type === 'string' ? type : 'remote'} signer; its key never leaves that service, and Vigil signs only with keys in the OS keychain (import the key by hand if you can export it)`,
    });
    return undefined;
  }
  const settings = signer.value.config;
  const path = isObject(settings) ? settings.path : undefined;
  const passphrase = isObject(settings) ? settings.passphrase : undefined;
  if (typeof path !== 'string' || !isObject(passphrase) || typeof passphrase.value !== 'string') {
    problems.push({
      file: config.file,
      line: line('config'),
      message: `signer "${id}", config: a local signer needs "path" and "passphrase": { "type", "value" }`,
    });
    return undefined;
  }
  if (passphrase.type !== 'env') {
    plan.notCarried.push({
      file: config.file,
      line: line('config', 'passphrase'),
      reason: `signer "${id}": its passphrase is written in config.json; Vigil reads keystore passphrases only from the environment: put it in a variable, name it with "type": "env", and import again`,
    });
    return undefined;
  }
  const candidates = candidatePaths(config.file, path);
  const keystoreFile = files.find((file) => candidates.includes(normalize(file.path)));
  if (!keystoreFile) {
    plan.notCarried.push({
      file: config.file,
      line: line('config', 'path'),
      reason: `signer "${id}": its keystore ${path} is not among the files given (looked for ${candidates.join(' and ')}); import the folder that holds it too`,
    });
    return undefined;
  }
  const keystore = readRelayerJson(keystoreFile, problems);
  if (!keystore) return undefined;
  const ks = keystore.value;
  const crypto = isObject(ks) ? (ks.crypto ?? ks.Crypto) : undefined;
  if (!isObject(ks) || !isObject(crypto) || (ks.version !== 3n && ks.version !== 3)) {
    problems.push({
      file: keystore.file,
      line: 1,
      message: 'not a Web3 Secret Storage keystore (version 3, with "crypto")',
    });
    return undefined;
  }
  const written = ks.address;
  if (typeof written !== 'string' || !/^(0x)?[0-9a-fA-F]{40}$/.test(written)) {
    plan.notCarried.push({
      file: keystore.file,
      line: keystore.lineOf(['address']),
      reason: `signer "${id}": the keystore states no address, so its rules cannot be planned; import the key by hand under Signers`,
    });
    return undefined;
  }
  const address = getAddress(written.startsWith('0x') ? written : `0x${written}`);
  if (!plan.signers!.some((known) => known.address === address)) {
    plan.signers!.push({
      file: config.file,
      line: line('id'),
      keystorePath: keystoreFile.path,
      passphraseEnv: passphrase.value,
      address,
      label: `OZ Relayer ${id}`.slice(0, 80),
    });
    plan.secrets.push({
      env: passphrase.value,
      purpose: `passphrase of the keystore of signer "${id}" (${keystoreFile.path})`,
      file: config.file,
      line: line('config', 'passphrase'),
    });
  }
  return address;
}

function webhookChannel(
  notification: Located,
  plan: ImportPlan,
  problems: ImportProblem[],
): Channel | undefined {
  const { doc, value } = notification;
  const id = value.id as string;
  const line = (key: string): number => doc.lineOf([...notification.path, key]);
  if (value.type !== 'webhook' || typeof value.url !== 'string') {
    problems.push({
      file: doc.file,
      line: line(typeof value.url === 'string' ? 'type' : 'url'),
      message: `notification "${id}": must be { "type": "webhook", "url": … }`,
    });
    return undefined;
  }
  const channel: Channel = { type: 'webhook', url: value.url, format: 'json' };
  const key = value.signing_key;
  if (isObject(key) && key.type === 'env' && typeof key.value === 'string') {
    channel.secretEnv = key.value;
    plan.secrets.push({
      env: key.value,
      purpose: `webhook signing key of notification "${id}"`,
      file: doc.file,
      line: line('signing_key'),
    });
  } else if (isObject(key) && key.type === 'plain' && typeof key.value === 'string')
    channel.secret = key.value;
  plan.notCarried.push({
    file: doc.file,
    line: line('url'),
    reason: `notification "${id}": Vigil posts its own JSON alert, signed with HMAC-SHA256 in its own header, not OZ Relayer's transaction-status payload and signature; the receiver must accept Vigil's, and it hears only of the balance rule`,
  });
  return channel;
}

function readPolicies(
  relayer: Located,
  about: string,
  network: EvmNetwork,
  address: string | undefined,
  channels: Channel[],
  plan: ImportPlan,
  problems: ImportProblem[],
): void {
  const { doc } = relayer;
  const policies = relayer.value.policies;
  if (policies === undefined || policies === null) return;
  const path = [...relayer.path, 'policies'];
  if (!isObject(policies)) {
    problems.push({
      file: doc.file,
      line: doc.lineOf(path),
      message: `${about}, policies: must be an object, not ${kindOf(policies)}`,
    });
    return;
  }
  for (const [key, value] of Object.entries(policies)) {
    const line = doc.keyLineOf(path, key);
    if (key === 'min_balance') {
      const wei = typeof value === 'bigint' ? value : undefined;
      if (wei === undefined || wei < 0n) {
        problems.push({
          file: doc.file,
          line,
          message: `${about}, policies.min_balance: must be a whole number of wei, not ${kindOf(value)}`,
        });
        continue;
      }
      if (address === undefined) {
        plan.notCarried.push({
          file: doc.file,
          line,
          reason: `${about}: min_balance needs the signer's address, which Vigil does not carry over (see its signer)`,
        });
        continue;
      }
      if (wei === 0n) continue;
      const rule: BalanceRule = {
        id: ruleSlug(`oz relayer ${String(relayer.value.id)} min balance`).slice(0, 64),
        name: `Relayer ${String(relayer.value.name ?? relayer.value.id)}: balance below min_balance`.slice(
          0,
          120,
        ),
        kind: 'balance',
        chainId: network.chainId,
        address,
        below: wei.toString(),
        enabled: true,
        severity: 'warning',
        cooldownSeconds: 0,
        channels: channels.length > 0 ? channels : [{ type: 'in-app' }],
      };
      plan.workspace.rules.push(rule);
      plan.notCarried.push({
        file: doc.file,
        line,
        reason: `${about}: min_balance becomes an alert when the balance falls below it; Vigil does not refuse to send below it as the relayer does`,
      });
      continue;
    }
    const reason = policyReasons[key];
    if (reason === undefined)
      problems.push({
        file: doc.file,
        line,
        message: `${about}, policies.${key}: not an EVM relayer policy (OZ Relayer refuses unknown policies)`,
      });
    else plan.notCarried.push({ file: doc.file, line, reason: `${about}, ${key}: ${reason}` });
  }
}
