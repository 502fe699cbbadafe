// What a webhook receives: a JSON body (Vigil's own, or one that Slack's or Discord's incoming
// webhooks accept), signed with HMAC-SHA256 over `${timestamp}.${body}` so the receiver can check
// it came from Vigil and is fresh, and a delivery id that stays the same across retries.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AlertFiring } from '../../ipc/contract.ts';

export const webhookHeaderNames = {
  timestamp: 'X-Vigil-Timestamp',
  signature: 'X-Vigil-Signature',
  delivery: 'X-Vigil-Delivery',
  event: 'X-Vigil-Event',
} as const;

export type WebhookFormat = 'json' | 'slack' | 'discord';
export type DeliveryKind = 'fired' | 'retracted' | 'resolved';

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`). */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers written in TypeScript (and the tests): a constant-time check of a signature. */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(webhookSignature(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The headers of one attempt; the timestamp is the attempt's, in Unix seconds. */
export function webhookHeaders(
  deliveryId: string,
  kind: DeliveryKind,
  secret: string,
  body: string,
  timestamp: number,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Vigil-Alerts/1',
    [webhookHeaderNames.timestamp]: String(timestamp),
    [webhookHeaderNames.signature]: webhookSignature(secret, timestamp, body),
    [webhookHeaderNames.delivery]: deliveryId,
    [webhookHeaderNames.event]: `alert.${kind}`,
  };
}

const kindWords: Record<DeliveryKind, string> = {
  fired: 'fired',
  retracted: 'RETRACTED (the event was removed by a reorg)',
  resolved: 'resolved',
};

const severityColours = { info: 0x5aa2dd, warning: 0xd6a445, critical: 0xe0646f } as const;

/** One line a person reads first: what, how bad, and whether it still stands. */
export function notificationTitle(firing: AlertFiring, kind: DeliveryKind): string {
  const tentative = kind === 'fired' && firing.state === 'tentative' ? ' (tentative)' : '';
  return `[${firing.severity}] ${firing.ruleName} ${kindWords[kind]}${tentative}`;
}

/** The body every attempt of a delivery sends, in the channel's format. */
export function webhookBody(
  format: WebhookFormat,
  deliveryId: string,
  kind: DeliveryKind,
  firing: AlertFiring,
): string {
  const title = notificationTitle(firing, kind);
  switch (format) {
    case 'slack':
      return JSON.stringify({
        text: `${title}: ${firing.summary}`,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${firing.summary}` } },
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: `firing ${firing.id} · delivery ${deliveryId}` }],
          },
        ],
      });
    case 'discord':
      return JSON.stringify({
        content: title,
        embeds: [
          {
            title: firing.ruleName,
            description: firing.summary,
            color: severityColours[firing.severity],
            footer: { text: `firing ${firing.id} · delivery ${deliveryId}` },
          },
        ],
      });
    case 'json':
      return JSON.stringify({
        deliveryId,
        kind,
        firing: {
          id: firing.id,
          ruleId: firing.ruleId,
          ruleName: firing.ruleName,
          ruleKind: firing.kind,
          severity: firing.severity,
          state: firing.state,
          revision: firing.revision,
          subject: firing.subject,
          summary: firing.summary,
          chainId: firing.chainId,
          event: firing.event,
          measure: firing.measure,
          firedAt: new Date(firing.firedAt).toISOString(),
        },
      });
  }
}
