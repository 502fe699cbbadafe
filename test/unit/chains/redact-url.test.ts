// Provider keys in RPC and webhook URLs are replaced with *** wherever a URL is written down.
import { describe, expect, it } from 'vitest';
import { redactUrl, redactUrlsIn } from '../../../src-main/core/chains/index.ts';

describe('redactUrl', () => {
  it.each([
    [
      'https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161',
      'https://mainnet.infura.io/v3/***',
    ],
    [
      'https://eth-mainnet.g.alchemy.com/v2/Wh4t3v3rTh1sK3yIsAbcdEf_-12',
      'https://eth-mainnet.g.alchemy.com/v2/***',
    ],
    [
      'wss://eth-mainnet.g.alchemy.com/v2/Wh4t3v3rTh1sK3yIsAbcdEf',
      'wss://eth-mainnet.g.alchemy.com/v2/***',
    ],
    [
      'https://api.etherscan.io/api?module=proxy&apikey=ABCDEF',
      'https://api.etherscan.io/api?module=proxy&apikey=***',
    ],
    ['https://rpc.example/?token=t0k3n', 'https://rpc.example/?token=***'],
    ['https://user:hunter2@rpc.example:8545/', 'https://***@rpc.example:8545/'],
    [
      'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX1',
      'https://hooks.slack.com/services/T00000000/B00000000/***',
    ],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it('leaves URLs without credentials exactly as they were', () => {
    for (const url of [
      'http://127.0.0.1:8545',
      'https://rpc.ankr.com/eth',
      'https://base.llamarpc.com/',
    ])
      expect(redactUrl(url)).toBe(url);
  });

  it('redacts every URL inside a message', () => {
    expect(
      redactUrlsIn(
        'RPC https://a.example/v3/9aa3d95b3bc440fa88ea12eaa4456161 answered 401, http://b.example fine',
      ),
    ).toBe('RPC https://a.example/v3/*** answered 401, http://b.example fine');
  });
});
