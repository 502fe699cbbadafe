// The data directory as another user on the machine would find it: the directory 0700 and every
// file Vigil wrote 0600, even when the directory already existed with looser permissions.
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAnvil } from '../../helpers/anvil.ts';
import { connectRpc, startServe } from '../../helpers/serve.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const parent = makeTempDir();
afterAll(() => parent.remove());

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('the data directory', () => {
  it('is 0700 and its files 0600', async () => {
    const dataDir = join(parent.path, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const anvil = await startAnvil();
    const server = await startServe({ dataDir });
    const rpc = await connectRpc(server.wsUrl, {}, { person: null });
    await rpc.call('chains.add', { name: 'x', chainId: anvil.chainId, rpcUrls: [anvil.rpcUrl] });
    await rpc.call('audit.export', { format: 'csv' });
    rpc.close();
    expect(await server.kill('SIGTERM')).toBe(0);
    await anvil.stop();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const files = filesUnder(dataDir);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) expect(statSync(file).mode & 0o077, file).toBe(0);
  });
});
