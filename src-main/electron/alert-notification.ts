// What the desktop shows for an alert: pure, so it is tested without Electron. notifications.ts
// is the thin part that hands it to Electron's Notification.
import type { PushPayload } from '../ipc/contract.ts';

export type AlertNotificationPush = PushPayload<'alerts.notification'>;

export interface DesktopNotification {
  title: string;
  body: string;
  /** Linux urgency: critical notifications stay until dismissed. */
  urgency: 'low' | 'normal' | 'critical';
  /** Windows and macOS: keep a critical one on screen rather than timing it out. */
  timeoutType: 'default' | 'never';
}

const urgencyBySeverity = { info: 'low', warning: 'normal', critical: 'critical' } as const;

export function desktopNotificationFor(push: AlertNotificationPush): DesktopNotification {
  // A retraction or resolution is news, not an alarm: shown, but never as critical.
  const urgency = push.kind === 'fired' ? urgencyBySeverity[push.severity] : 'low';
  return {
    title: push.title,
    body: push.body.length > 240 ? `${push.body.slice(0, 239)}…` : push.body,
    urgency,
    timeoutType: urgency === 'critical' ? 'never' : 'default',
  };
}

/**
 * Shows each delivery once, even if the push arrives twice (two listeners, a resent batch).
 * Returns the function to call with each push.
 */
export function createNotifier(
  show: (notification: DesktopNotification) => void,
  remember = 500,
): (push: AlertNotificationPush) => void {
  const shown: string[] = [];
  return (push) => {
    if (shown.includes(push.deliveryId)) return;
    shown.push(push.deliveryId);
    if (shown.length > remember) shown.shift();
    show(desktopNotificationFor(push));
  };
}
