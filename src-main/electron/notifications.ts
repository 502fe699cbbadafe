// Desktop notifications for alert rules with the desktop channel: the engine pushes
// alerts.notification, and this shows it with Electron's Notification. Clicking one brings the
// window forward on the Alerts view.
import { BrowserWindow, Notification } from 'electron';
import type { ContractServer } from '../ipc/server.ts';
import { createNotifier } from './alert-notification.ts';

export function showAlertNotifications(
  server: ContractServer,
  mainWindow: () => BrowserWindow | undefined,
): () => void {
  if (!Notification.isSupported()) return () => undefined;
  const notify = createNotifier((notification) => {
    const shown = new Notification({ ...notification, silent: notification.urgency === 'low' });
    shown.on('click', () => {
      const window = mainWindow();
      if (!window || window.isDestroyed()) return;
      if (window.isMinimized()) window.restore();
      window.focus();
      // The app's own page, on its hash route: no navigation away from the app.
      void window.webContents.executeJavaScript("location.hash = '#/alerts'");
    });
    shown.show();
  });
  return server.onPush((name, payload) => {
    if (name === 'alerts.notification') notify(payload as Parameters<typeof notify>[0]);
  });
}
