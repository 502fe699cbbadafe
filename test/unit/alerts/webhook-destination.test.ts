// Webhook destinations: loopback, private, link-local and metadata addresses are refused unless
// the operator allows them, including a name that resolves to one.
import { describe, expect, it } from 'vitest';
import {
  guardWebhookDestinations,
  isInwardAddress,
  webhookDestinationProblem,
} from '../../../src-main/core/alerts/webhook-destination.ts';
import type { HttpPost } from '../../../src-main/core/alerts/delivery-queue.ts';

const resolveTo =
  (...addresses: string[]) =>
  async (): Promise<string[]> =>
    addresses;

describe('webhook destinations', () => {
  it('knows inward addresses', () => {
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00:ec2::254',
      '::ffff:127.0.0.1',
    ])
      expect(isInwardAddress(address), address).toBe(true);
    for (const address of ['93.184.216.34', '2606:4700::1111', '8.8.8.8'])
      expect(isInwardAddress(address), address).toBe(false);
  });

  it('refuses 127.0.0.1, 10.0.0.1, 169.254.169.254 and a name resolving inward, by default', async () => {
    for (const url of [
      'http://127.0.0.1:9/hook',
      'http://10.0.0.1/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:8080/',
    ])
      expect(await webhookDestinationProblem(url, resolveTo()), url).toMatch(/^refused: /);
    expect(
      await webhookDestinationProblem('https://hooks.example/x', resolveTo('10.1.2.3')),
    ).toMatch(/hooks\.example resolves to 10\.1\.2\.3/);
    expect(
      await webhookDestinationProblem('https://hooks.example/x', resolveTo('93.184.216.34')),
    ).toBeNull();
  });

  it('sends nothing to a refused destination unless allowed', async () => {
    const sent: string[] = [];
    const http: HttpPost = async (url) => {
      sent.push(url);
      return { status: 200 };
    };
    const request = { headers: {}, body: '{}', signal: new AbortController().signal };
    const guarded = guardWebhookDestinations(http, { allowPrivate: false, resolve: resolveTo() });
    await expect(guarded('http://169.254.169.254/', request)).rejects.toThrow(/refused/);
    expect(sent).toEqual([]);
    const allowed = guardWebhookDestinations(http, { allowPrivate: true });
    await allowed('http://127.0.0.1:9/', request);
    expect(sent).toEqual(['http://127.0.0.1:9/']);
  });
});
