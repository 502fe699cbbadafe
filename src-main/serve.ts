// Headless mode: `npm run serve -- --data-dir DIR [--port N] [--workspace FILE] [--host H]
// [--project-root DIR ...]`.
// Runs the same core as the desktop app, serves the built renderer, and prints one line with
// the console URL (the token in its fragment). Scripts speak JSON-RPC 2.0 at ws://HOST:PORT/rpc
// with the header `Authorization: Bearer TOKEN`. A fixed token comes from the VIGIL_TOKEN
// environment variable or --token-file, never from argv (every user on the machine can read it).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
// Only light modules load before main(): the contract's schemas (zod) and the servers are imported
// while the engine thread starts, so the two threads load their code at the same time.
import { consoleLogger, createVigil } from './core/app.ts';
import { VigilError } from './core/errors/index.ts';
import { isLoopbackHost } from './web/request-guards.ts';

function rendererDir(): string {
  for (const candidate of ['../out/renderer', '../renderer']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}/index.html`)) return dir;
  }
  throw new Error(
    'The renderer is not built (out/renderer/index.html is missing). Run `npm run build` first.',
  );
}

const usage = [
  'Usage: npm run serve -- --data-dir DIR [--port N] [--workspace FILE] [--profile NAME]',
  '         [--token-file FILE] [--host 127.0.0.1] [--tls-cert FILE --tls-key FILE]',
  '         [--allow-insecure-network] [--allow-private-webhooks] [--allow-private-rpc]',
  '         [--sourcify-url URL] [--etherscan-url URL]  (another Sourcify server, or another',
  '         explorer of the Etherscan API v2 family; the public services by default)',
  '         [--project-root DIR]...  (a folder contracts.discover may read, with what is inside;',
  '         repeat it for several. Clients can name no other folder.)',
  '         [--safe-service-url CHAINID=URL]…  (a Safe Transaction Service for that chain)',
  'A fixed token: VIGIL_TOKEN=… in the environment, or --token-file FILE (its first line).',
].join('\n');

const MIN_TOKEN_LENGTH = 16;

/** The token from the environment or a file, else a fresh random one printed in the URL. */
function readToken(tokenFile: string | undefined): string {
  const fromEnv = process.env.VIGIL_TOKEN;
  // Not inherited by anything this process starts.
  delete process.env.VIGIL_TOKEN;
  const given = tokenFile
    ? (readFileSync(tokenFile, 'utf8').split(/\r?\n/)[0] ?? '').trim()
    : fromEnv?.trim();
  if (given === undefined || given === '') return randomBytes(24).toString('base64url');
  if (given.length < MIN_TOKEN_LENGTH || !/^[A-Za-z0-9._~-]+$/.test(given))
    throw new Error(
      `The token from ${tokenFile ?? 'VIGIL_TOKEN'} must be at least ${MIN_TOKEN_LENGTH} characters of A-Z, a-z, 0-9, . _ ~ -.`,
    );
  return given;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      workspace: { type: 'string' },
      host: { type: 'string' },
      profile: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'allow-insecure-network': { type: 'boolean' },
      'allow-private-webhooks': { type: 'boolean' },
      'allow-private-rpc': { type: 'boolean' },
      'sourcify-url': { type: 'string' },
      'etherscan-url': { type: 'string' },
      'project-root': { type: 'string', multiple: true },
      'safe-service-url': { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (values.token !== undefined)
    throw new Error(
      '--token is not accepted: a command line is readable by every user of this machine (ps). Put the token in VIGIL_TOKEN or in a file given with --token-file.',
    );
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error(`--data-dir is required.\n${usage}`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port ${values.port} is not a port number.`);
  const host = values.host ?? '127.0.0.1';
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key']))
    throw new Error('--tls-cert and --tls-key go together.');
  const tls =
    values['tls-cert'] && values['tls-key']
      ? {
          cert: readFileSync(values['tls-cert'], 'utf8'),
          key: readFileSync(values['tls-key'], 'utf8'),
        }
      : undefined;
  if (!isLoopbackHost(host) && !tls) {
    if (!values['allow-insecure-network'])
      throw new Error(
        `--host ${host} puts Vigil on the network. Give --tls-cert and --tls-key, reach it through an SSH tunnel (ssh -L) instead, or pass --allow-insecure-network if you accept that anyone on the path can read the token and everything Vigil shows.`,
      );
    console.error(
      [
        '',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
        `!! WARNING: serving on ${host} WITHOUT TLS. The token and every answer cross the network`,
        '!! in cleartext. Anyone on the path can take over this console. Use TLS or an SSH tunnel.',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
        '',
      ].join('\n'),
    );
  }
  const verifiedSourceUrls: { sourcify?: string; etherscan?: string } = {};
  for (const service of ['sourcify', 'etherscan'] as const) {
    const url = values[`${service}-url`];
    if (url === undefined) continue;
    if (!/^https?:\/\/\S+$/i.test(url))
      throw new Error(`--${service}-url ${url} is not an http(s):// URL.`);
    verifiedSourceUrls[service] = url;
  }
  const projectRoots = (values['project-root'] ?? []).map((folder) => {
    const path = resolve(folder);
    if (!existsSync(path) || !statSync(path).isDirectory())
      throw new Error(`--project-root ${folder} is not a folder.`);
    return path;
  });
  const safeServiceUrls: Record<string, string> = {};
  for (const entry of values['safe-service-url'] ?? []) {
    const match = /^(\d+)=(https?:\/\/\S+)$/i.exec(entry);
    if (!match)
      throw new Error(
        `--safe-service-url ${entry} is not CHAINID=URL (e.g. 1=https://safe-transaction-mainnet.safe.global).`,
      );
    safeServiceUrls[match[1]!] = match[2]!;
  }
  const tuning = {
    ...(Object.keys(safeServiceUrls).length > 0 ? { safeServiceUrls } : {}),
    // Webhooks to this machine or the private network are the operator's explicit choice.
    ...(values['allow-private-webhooks'] ? { allowPrivateWebhooks: true } : {}),
    // So are RPC URLs there added by any client (without it, a person approves each one).
    ...(values['allow-private-rpc'] ? { allowPrivateRpc: true } : {}),
    ...(projectRoots.length > 0 ? { projectRoots } : {}),
    ...(Object.keys(verifiedSourceUrls).length > 0 ? { verifiedSourceUrls } : {}),
  };
  const token = readToken(values['token-file']);
  const renderer = rendererDir();

  const [core, { createContractServer }, { startHeadlessServer }, { exportsDirOf }] =
    await Promise.all([
      createVigil({
        dataDir,
        ...(values.workspace ? { workspaceFile: values.workspace } : {}),
        ...(values.profile ? { profile: values.profile } : {}),
        ...(Object.keys(tuning).length > 0 ? { tuning } : {}),
        log: consoleLogger,
      }),
      import('./ipc/server.ts'),
      import('./web/server.ts'),
      import('./core/audit/index.ts'),
    ]);
  const server = await startHeadlessServer({
    contract: createContractServer(core),
    rendererDir: renderer,
    token,
    port,
    host,
    log: consoleLogger,
    exportsDir: exportsDirOf(dataDir),
    ...(tls ? { tls } : {}),
  });
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}; saving and stopping.`);
    await server.close();
    await core.close();
    process.exit(0);
  };
  // Before the URL is printed: whoever reads it may stop the process at once.
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  console.log(`Vigil console: ${server.consoleUrl}`);
}

main().catch((error: unknown) => {
  if (error instanceof VigilError) console.error(`error: ${error.message}`);
  else console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
