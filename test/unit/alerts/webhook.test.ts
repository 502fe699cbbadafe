// What a webhook receiver gets, pinned by known answers: the signature as the README describes it
// (checked with node:crypto here and with `openssl dgst -sha256 -hmac` when the vectors were
// written, never with Vigil's own verifier), and the JSON, Slack and Discord bodies byte for byte.
// A change to any of these breaks every receiver already deployed, so it must break a test first.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AlertFiring } from '../../../src-main/ipc/contract.ts';
import { verifyWebhookSignature, webhookSignature } from '../../../src-main/core/alerts/index.ts';
import {
  notificationTitle,
  webhookBody,
  webhookHeaders,
} from '../../../src-main/core/alerts/webhook.ts';
import { readmeSignatureHolds } from '../../helpers/webhook-receiver.ts';

// printf '%s' '1700000000.{"hello":"world"}' | openssl dgst -sha256 -hmac 'whsec_known-answer'
const KNOWN_SIGNATURE = 'sha256=691e4d797372e9518e8d2fd2ce0682ff807d6c5f967fc61ee792048c4204469f';

const firing: AlertFiring = {
  id: 'f-1',
  ruleId: 'large-transfer',
  ruleName: 'Large transfer',
  kind: 'event',
  severity: 'critical',
  subject: 'event:31337:0xabc:3',
  state: 'fired',
  revision: 1,
  summary: 'Transfer of 2000000000000000000000000 from 0xf39F…',
  chainId: 31337,
  event: null,
  measure: null,
  firedAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
  endedAt: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  snoozedUntil: null,
  inApp: true,
};

describe('webhook signature', () => {
  it('matches the known answer for fixed secret, timestamp and body', () => {
    expect(webhookSignature('whsec_known-answer', 1_700_000_000, '{"hello":"world"}')).toBe(
      KNOWN_SIGNATURE,
    );
  });

  it('sends headers an independent receiver following the README accepts', () => {
    const body = webhookBody('json', 'd-1', 'fired', firing);
    const headers = webhookHeaders('d-1', 'fired', 'whsec_s3cret', body, 1_700_000_123);
    expect(headers).toEqual({
      'content-type': 'application/json',
      'user-agent': 'Vigil-Alerts/1',
      'X-Vigil-Timestamp': '1700000123',
      'X-Vigil-Signature': expect.stringMatching(/^sha256=[0-9a-f]{64}$/) as unknown,
      'X-Vigil-Delivery': 'd-1',
      'X-Vigil-Event': 'alert.fired',
    });
    const mac = createHmac('sha256', 'whsec_s3cret').update(`1700000123.${body}`).digest('hex');
    expect(headers['X-Vigil-Signature']).toBe(`sha256=${mac}`);
    expect(
      readmeSignatureHolds(
        'whsec_s3cret',
        headers['X-Vigil-Timestamp']!,
        body,
        headers['X-Vigil-Signature']!,
      ),
    ).toBe(true);
    expect(webhookHeaders('d-1', 'retracted', 's', body, 1)['X-Vigil-Event']).toBe(
      'alert.retracted',
    );
  });

  it('changes with the secret, the timestamp and every byte of the body', () => {
    const base = webhookSignature('a', 100, 'body');
    expect(webhookSignature('b', 100, 'body')).not.toBe(base);
    expect(webhookSignature('a', 101, 'body')).not.toBe(base);
    expect(webhookSignature('a', 100, 'bodY')).not.toBe(base);
    // The separator is part of the signed text: "1" + "00.body" is not "10" + "0.body".
    expect(webhookSignature('a', 10, '0.body')).not.toBe(webhookSignature('a', 100, 'body'));
  });

  it('verifies for TypeScript receivers: the right signature only, and no prefix of it', () => {
    expect(
      verifyWebhookSignature(
        'whsec_known-answer',
        '1700000000',
        '{"hello":"world"}',
        KNOWN_SIGNATURE,
      ),
    ).toBe(true);
    expect(
      verifyWebhookSignature(
        'whsec_known-answer',
        1_700_000_000,
        '{"hello":"world"}',
        KNOWN_SIGNATURE,
      ),
    ).toBe(true);
    expect(
      verifyWebhookSignature('other', 1_700_000_000, '{"hello":"world"}', KNOWN_SIGNATURE),
    ).toBe(false);
    expect(
      verifyWebhookSignature(
        'whsec_known-answer',
        1_700_000_000,
        '{"hello":"world"}',
        KNOWN_SIGNATURE.slice(0, -1),
      ),
    ).toBe(false);
    expect(
      readmeSignatureHolds(
        'whsec_known-answer',
        '1700000000',
        '{"hello":"world"}',
        KNOWN_SIGNATURE,
      ),
    ).toBe(true);
  });
});

describe('webhook bodies', () => {
  it('Vigil JSON: the known answer, with the firing time as ISO 8601 UTC', () => {
    expect(webhookBody('json', 'd-1', 'fired', firing)).toBe(
      '{"deliveryId":"d-1","kind":"fired","firing":{"id":"f-1","ruleId":"large-transfer",' +
        '"ruleName":"Large transfer","ruleKind":"event","severity":"critical","state":"fired",' +
        '"revision":1,"subject":"event:31337:0xabc:3",' +
        '"summary":"Transfer of 2000000000000000000000000 from 0xf39F…","chainId":31337,' +
        '"event":null,"measure":null,"firedAt":"2023-11-14T22:13:20.000Z"}}',
    );
  });

  it('Slack: the known answer; `text` (required by Slack as the fallback) leads', () => {
    const body = webhookBody('slack', 'd-1', 'fired', firing);
    expect(body).toBe(
      '{"text":"[critical] Large transfer fired: Transfer of 2000000000000000000000000 from 0xf39F…",' +
        '"blocks":[{"type":"section","text":{"type":"mrkdwn",' +
        '"text":"*[critical] Large transfer fired*\\nTransfer of 2000000000000000000000000 from 0xf39F…"}},' +
        '{"type":"context","elements":[{"type":"mrkdwn","text":"firing f-1 · delivery d-1"}]}]}',
    );
  });

  it('Discord: the known answer; the embed colour is the severity as an integer', () => {
    expect(webhookBody('discord', 'd-1', 'fired', firing)).toBe(
      '{"content":"[critical] Large transfer fired","embeds":[{"title":"Large transfer",' +
        '"description":"Transfer of 2000000000000000000000000 from 0xf39F…","color":14705775,' +
        '"footer":{"text":"firing f-1 · delivery d-1"}}]}',
    );
    const colour = (severity: AlertFiring['severity']) =>
      (
        JSON.parse(webhookBody('discord', 'd', 'fired', { ...firing, severity })) as {
          embeds: { color: number }[];
        }
      ).embeds[0]!.color;
    expect([colour('info'), colour('warning'), colour('critical')]).toEqual([
      0x5aa2dd, 0xd6a445, 0xe0646f,
    ]);
  });

  it('titles say whether the firing still stands', () => {
    expect(notificationTitle({ ...firing, state: 'tentative' }, 'fired')).toBe(
      '[critical] Large transfer fired (tentative)',
    );
    expect(notificationTitle({ ...firing, state: 'tentative' }, 'resolved')).toBe(
      '[critical] Large transfer resolved',
    );
    expect(notificationTitle({ ...firing, severity: 'info' }, 'retracted')).toBe(
      '[info] Large transfer RETRACTED (the event was removed by a reorg)',
    );
  });
});
