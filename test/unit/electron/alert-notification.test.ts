// What the desktop shows for an alert, tested without Electron (notifications.ts only hands this
// to Electron's Notification).
import { describe, expect, it } from 'vitest';
import {
  createNotifier,
  desktopNotificationFor,
  type AlertNotificationPush,
} from '../../../src-main/electron/alert-notification.ts';

const push: AlertNotificationPush = {
  deliveryId: 'f1.fired.desktop',
  firingId: 'f1',
  kind: 'fired',
  severity: 'critical',
  title: '[critical] Large transfer fired (tentative)',
  body: 'Transfer on DemoToken at block 12: value=5000000000000000000000',
};

describe('desktop notifications for alerts', () => {
  it('a critical firing stays on screen; a retraction never alarms', () => {
    expect(desktopNotificationFor(push)).toEqual({
      title: push.title,
      body: push.body,
      urgency: 'critical',
      timeoutType: 'never',
    });
    expect(desktopNotificationFor({ ...push, kind: 'retracted' })).toMatchObject({
      urgency: 'low',
      timeoutType: 'default',
    });
    expect(desktopNotificationFor({ ...push, severity: 'warning' }).urgency).toBe('normal');
  });

  it('cuts a long body, and shows each delivery once', () => {
    expect(desktopNotificationFor({ ...push, body: 'x'.repeat(500) }).body).toHaveLength(240);
    const shown: string[] = [];
    const notify = createNotifier((notification) => shown.push(notification.title));
    notify(push);
    notify(push);
    notify({ ...push, deliveryId: 'f1.retracted.desktop', kind: 'retracted', title: 'retracted' });
    expect(shown).toEqual([push.title, 'retracted']);
  });
});
