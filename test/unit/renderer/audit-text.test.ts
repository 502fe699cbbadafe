// How audit entries read in the Audit view: links to what an entry is about, one-line details.
import { describe, expect, it } from 'vitest';
import {
  detailsSummary,
  subjectLink,
  verificationHeadline,
} from '../../../src-renderer/src/audit-text.ts';
import { describeChanges } from '../../../src-main/core/engine/watch-config-updates.ts';

describe('subject links', () => {
  it('lead from an entry to what it is about', () => {
    expect(subjectLink('tx:7')?.href).toBe('#/transactions?id=7');
    expect(subjectLink('rule:large-transfer')?.href).toBe('#/alerts?rule=large-transfer');
    expect(subjectLink('firing:12')?.href).toBe('#/alerts?firing=12');
    expect(subjectLink('chain:31337')?.href).toBe('#/chains?chainId=31337');
    expect(subjectLink('contract:1:0xab')?.href).toBe('#/contracts?id=1%3A0xab');
    expect(subjectLink('app')).toBeNull();
    expect(subjectLink('audit')).toBeNull();
  });
});

describe('details in one line', () => {
  it('say what changed, before → after', () => {
    const changes = describeChanges(
      { name: 'Anvil', rpcUrls: ['http://a'], confirmations: 2 },
      { name: 'Anvil local', rpcUrls: ['http://a'], confirmations: 5 },
      ['name', 'rpcUrls', 'confirmations'],
    );
    expect(changes).toEqual({
      name: { from: 'Anvil', to: 'Anvil local' },
      confirmations: { from: 2, to: 5 },
    });
    expect(detailsSummary({ name: 'Anvil local', changes })).toBe(
      'name: Anvil → Anvil local; confirmations: 2 → 5',
    );
  });

  it('show the first fields otherwise, long text cut', () => {
    expect(detailsSummary({ name: 'x'.repeat(60), rpcUrls: ['a', 'b'], n: 3, extra: {} })).toBe(
      `name=${'x'.repeat(39)}…  rpcUrls=[2]  n=3  extra={…}`,
    );
  });

  it('read a check result as the command line does', () => {
    expect(
      verificationHeadline({
        intact: true,
        count: 1200,
        firstSeq: 1,
        lastSeq: 1200,
        headHash: 'ab',
      }),
    ).toBe('Intact: 1,200 entries, seq 1..1200, head ab');
    expect(
      verificationHeadline({
        intact: false,
        count: 3,
        atSeq: 4,
        atPosition: 5,
        kind: 'missing',
        message: '…',
      }),
    ).toBe('Broken: missing at line 5 (seq 4)');
  });
});

describe('detailsSummary of an imported Safe signature', () => {
  it('says whose signature it is and how it came', () => {
    expect(
      detailsSummary({
        chainId: 1,
        safe: '0x5afe',
        safeTxHash: '0x1234',
        safeNonce: '3',
        owner: '0xabc',
        source: 'imported',
        importedFrom: '0xabc',
        file: 'from-b.json',
      }),
    ).toBe('signature imported from 0xabc — imported (from-b.json)  safeTxHash=0x1234');
    expect(
      detailsSummary({ importedFrom: '0xdef', source: 'approveHash', safeTxHash: '0x9' }),
    ).toBe('signature imported from 0xdef — approveHash  safeTxHash=0x9');
  });
});
