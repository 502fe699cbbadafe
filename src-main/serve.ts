// Headless mode: `npm run serve -- --data-dir DIR [--port N] [--token T] [--workspace FILE] [--host H]`.
// Runs the same core as the desktop app, serves the built renderer, and prints one line with
// the console URL (token included). Scripts can speak JSON-RPC 2.0 at ws://HOST:PORT/rpc?token=T.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
// Only light modules load before main(): the contract's schemas (zod) and the servers are imported
// while the engine thread starts, so the two threads load their code at the same time.
import { consoleLogger, createVigil } from './core/app.ts';
import { VigilError } from './core/errors/index.ts';

function rendererDir(): string {
  for (const candidate of ['../out/renderer', '../renderer']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}/index.html`)) return dir;
  }
  throw new Error(
    'The renderer is not built (out/renderer/index.html is missing). Run `npm run build` first.',
  );
}

const usage =
  'Usage: npm run serve -- --data-dir DIR [--port N] [--token T] [--workspace FILE] [--host 127.0.0.1] [--profile NAME]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string' },
      workspace: { type: 'string' },
      host: { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error(`--data-dir is required.\n${usage}`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port ${values.port} is not a port number.`);
  const token = values.token ?? randomBytes(24).toString('base64url');
  const renderer = rendererDir();

  const [core, { createContractServer }, { startHeadlessServer }, { exportsDirOf }] =
    await Promise.all([
      createVigil({
        dataDir,
        ...(values.workspace ? { workspaceFile: values.workspace } : {}),
        ...(values.profile ? { profile: values.profile } : {}),
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
    log: consoleLogger,
    exportsDir: exportsDirOf(dataDir),
    ...(values.host ? { host: values.host } : {}),
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
