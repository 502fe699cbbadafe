// A Kwala workflow's actions as Vigil has them: `post` actions become channels (Slack and
// Discord webhooks in their own formats, other URLs Vigil webhooks, Telegram not carried over),
// `call` actions proposals of the workflow's rule or schedule, sent from the signer the operator
// gives.
import { encodeFunctionData, parseAbiItem, type AbiFunction } from 'viem';
import type { z } from 'zod';
import type { AlertChannelInput, RuleProposeInput } from '../../../ipc/contract.ts';
import type { ImportContext, ImportPlan } from '../import-plan.ts';
import { isUnset } from './kwala-filter.ts';
import type { AbiEvent } from './kwala-trigger.ts';
import { planContract } from '../shared/plan-contracts.ts';
import { isAddress, truncate } from '../shared/text.ts';
import { note, type KwalaSection } from './kwala-workflow.ts';

export type Channel = z.output<typeof AlertChannelInput>;

const envPlaceholder = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function postChannel(
  section: KwalaSection,
  what: string,
  context: ImportContext,
  plan: ImportPlan,
): Channel | undefined {
  const endpoint = section.get('APIEndpoint')?.value;
  if (typeof endpoint !== 'string' || isUnset(endpoint)) {
    note(
      section,
      'APIEndpoint',
      `${what}: a post action without an APIEndpoint URL is not carried over`,
      plan,
    );
    return undefined;
  }
  // Tokens kept out of the file as ${NAME} are read from the environment Vigil runs in.
  const missing: string[] = [];
  const url = endpoint.replace(envPlaceholder, (_, variable: string) => {
    plan.secrets.push({
      env: variable,
      purpose: `part of the URL of ${what}`,
      file: section.doc.file,
      line: section.lineOf('APIEndpoint'),
    });
    const value = context.env[variable];
    if (value === undefined || value === '') missing.push(variable);
    return value ?? '';
  });
  if (missing.length > 0) {
    note(
      section,
      'APIEndpoint',
      `${what}: the URL needs the environment variable(s) ${missing.join(', ')}, not set where Vigil runs; set them and import again`,
      plan,
    );
    return undefined;
  }
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    note(section, 'APIEndpoint', `${what}: ${JSON.stringify(endpoint)} is not a URL`, plan);
    return undefined;
  }
  if (host === 'api.telegram.org') {
    note(
      section,
      'APIEndpoint',
      `${what}: Telegram is not a Vigil channel; alerts reach it only through a webhook relay you add by hand`,
      plan,
    );
    return undefined;
  }
  if (!isUnset(section.get('APIPayload')?.value))
    note(
      section,
      'APIPayload',
      `${what}: the payload template is not sent; Vigil sends its own alert (rule, event and its values)`,
      plan,
    );
  if (host === 'hooks.slack.com') return { type: 'webhook', url, format: 'slack' };
  if (/(^|\.)discord(app)?\.com$/.test(host) && new URL(url).pathname.startsWith('/api/webhooks/'))
    return { type: 'webhook', url, format: 'discord' };
  note(
    section,
    'APIEndpoint',
    `${what}: Vigil signs webhook bodies (HMAC-SHA256 in its own header, with a secret shown once when the import is applied) and sends its own JSON body; the receiver must accept it`,
    plan,
  );
  return { type: 'webhook', url, format: 'json' };
}

/** What a call runs on: the watched event (its chain the default, its values arguments), if any. */
export interface CallOrigin {
  chainId?: number | undefined;
  event?: AbiEvent | undefined;
}

export function callProposal(
  section: KwalaSection,
  what: string,
  origin: CallOrigin,
  context: ImportContext,
  plan: ImportPlan,
): RuleProposeInput | undefined {
  const refuse = (key: string | undefined, reason: string): undefined => {
    note(section, key, `${what}: ${reason}`, plan);
    return undefined;
  };
  const target = section.get('TargetContract')?.value;
  if (typeof target !== 'string' || !isAddress(target))
    return refuse(
      'TargetContract',
      `the call's TargetContract ${JSON.stringify(target)} is not a 20-byte 0x address`,
    );
  const chainValue = section.get('ChainID')?.value;
  const chainId = isUnset(chainValue) ? origin.chainId : Number(chainValue);
  if (chainId === undefined)
    return refuse('ChainID', 'the call names no ChainID, and no trigger event gives one');
  if (!Number.isSafeInteger(chainId) || chainId <= 0)
    return refuse('ChainID', `ChainID ${JSON.stringify(chainValue)} is not a chain id`);
  const functionText = section.get('TargetFunction')?.value;
  if (typeof functionText !== 'string' || isUnset(functionText))
    return refuse('TargetFunction', 'the call names no TargetFunction');
  const rawParams = section.get('TargetParams')?.value;
  const params = isUnset(rawParams) ? [] : Array.isArray(rawParams) ? rawParams : [rawParams];
  let dynamic = false;
  const args: unknown[] = [];
  for (const param of params) {
    const reference = typeof param === 'string' ? /^\s*re\.event\((\d+)\)\s*$/.exec(param) : null;
    if (!reference) {
      if (typeof param === 'number' && !Number.isSafeInteger(param))
        return refuse('TargetParams', `the argument ${param} was read inexactly by YAML; quote it`);
      args.push(typeof param === 'number' ? String(param) : param);
      continue;
    }
    if (!origin.event)
      return refuse(
        'TargetParams',
        `${param.trim()} is a value of the triggering event, and the workflow runs on time, with no event`,
      );
    const input = origin.event.inputs[Number(reference[1])];
    if (!input?.name)
      return refuse(
        'TargetParams',
        `${param.trim()} names no named argument of ${origin.event.name}`,
      );
    dynamic = true;
    args.push(`{{event.args.${input.name}}}`);
  }
  if (!isUnset(section.get('EncodedABI')?.value))
    note(
      section,
      'EncodedABI',
      `${what}: the pre-encoded call is not used; Vigil encodes TargetFunction with TargetParams`,
      plan,
    );

  const fragment = functionFragment(functionText);
  const name = fragment?.name ?? functionText.trim();
  const watchedTarget = planContract(plan, chainId, target);
  const knowsFunction = watchedTarget?.abi?.some(
    (item) =>
      (item as { type?: string; name?: string }).type === 'function' &&
      (item as { name: string }).name === name,
  );
  const base: RuleProposeInput = { chainId, to: target };
  if (knowsFunction) base.function = { name, args };
  else if (fragment && !dynamic) {
    // A static call to a contract the import does not watch: encoded here, as Kwala would.
    try {
      base.data = encodeFunctionData({ abi: [fragment], functionName: fragment.name, args });
    } catch (error) {
      return refuse(
        'TargetParams',
        `the arguments do not fit ${functionText.trim()}: ${(error as Error).message.split('\n')[0]}`,
      );
    }
  } else
    return refuse(
      'TargetFunction',
      `${target} is not a contract this import watches with an ABI that has ${name}, so a call using the event's values cannot be encoded; watch it in Vigil first`,
    );
  if (context.proposeFrom === undefined)
    return refuse(
      'Type',
      'Kwala sends calls from its own wallet; Vigil needs a keychain signer for them: import again giving the signer (and a policy if the call should not wait for approval)',
    );
  base.from = context.proposeFrom;
  base.note = truncate(`Kwala ${what}`, 500);
  // Waits for approval by hand unless the operator named a policy: the file cannot grant one.
  if (context.proposePolicy !== undefined) base.execute = { policy: context.proposePolicy };
  return base;
}

function functionFragment(text: string): AbiFunction | undefined {
  const trimmed = text.trim();
  if (!trimmed.includes('(')) return undefined;
  try {
    const item = parseAbiItem(trimmed.startsWith('function ') ? trimmed : `function ${trimmed}`);
    return item.type === 'function' ? item : undefined;
  } catch {
    return undefined;
  }
}
