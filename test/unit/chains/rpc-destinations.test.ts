// Which RPC URLs a client alone may make Vigil connect to (see chains/rpc-destinations.ts).
import { describe, expect, it } from 'vitest';
import {
  checkRpcDestinations,
  literallyInwardRpcUrls,
} from '../../../src-main/core/chains/index.ts';
import { VigilError } from '../../../src-main/core/errors/index.ts';

const resolveAs =
  (table: Record<string, string[]>) =>
  async (host: string): Promise<string[]> =>
    table[host] ?? [];

describe('RPC destinations', () => {
  it('asks a person for inward literals and localhost, not for names or public addresses', () => {
    const asked = new Map([
      ['http://127.0.0.1:8545', true],
      ['http://LOCALHOST:8545', true],
      ['ws://node.localhost/', true],
      ['http://[::1]:8545', true],
      ['http://[::ffff:10.1.2.3]/', true],
      ['http://192.168.1.20:8545', true],
      ['https://eth.example.org/v3/key', false],
      ['http://8.8.8.8/', false],
      ['not a url', false],
    ]);
    expect(literallyInwardRpcUrls([...asked.keys()])).toEqual(
      [...asked].filter(([, inward]) => inward).map(([url]) => url),
    );
  });

  it('refuses a name that resolves inward, naming the field and the address, keys redacted', async () => {
    const error = await checkRpcDestinations(
      ['https://public.example/', 'https://rebind.example/v3/SECRETKEY123456789'],
      {
        allowInward: false,
        field: 'chains[2].',
        resolve: resolveAs({
          'public.example': ['93.184.216.34'],
          'rebind.example': ['93.184.216.35', '169.254.169.254'],
        }),
      },
    ).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(VigilError);
    const refused = error as VigilError;
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.field).toBe('chains[2].rpcUrls[1]');
    expect(refused.message).toContain('169.254.169.254');
    expect(refused.message).toContain('give the address itself');
    expect(refused.message).not.toContain('SECRETKEY');
  });

  it('accepts public destinations, and inward ones when the operator allowed them', async () => {
    const resolve = resolveAs({ 'public.example': ['93.184.216.34'] });
    await expect(
      checkRpcDestinations(['https://public.example/'], { allowInward: false, resolve }),
    ).resolves.toBeUndefined();
    await expect(
      checkRpcDestinations(['http://127.0.0.1:8545'], { allowInward: true, resolve }),
    ).resolves.toBeUndefined();
    await expect(
      checkRpcDestinations(['http://127.0.0.1:8545'], { allowInward: false, resolve }),
    ).rejects.toThrow(/add the chain in the app \(a person approves it\)/);
  });
});
