// The contract over Electron IPC: one invoke channel for requests, one push channel. Every
// request is checked for its sender (the app's own top frame) before the contract server
// validates its input. The only place in main that touches ipcMain.
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { electronChannels, type Envelope } from '../ipc/contract.ts';
import { isTrustedSender, type AppOrigin } from '../ipc/electron-guards.ts';
import type { ContractServer } from '../ipc/server.ts';

export function wireContract(server: ContractServer, origin: AppOrigin): () => void {
  ipcMain.handle(
    electronChannels.invoke,
    async (
      event: IpcMainInvokeEvent,
      name: unknown,
      input: unknown,
    ): Promise<Envelope<unknown>> => {
      const frame = event.senderFrame;
      const trusted =
        frame !== null &&
        isTrustedSender(
          {
            frameUrl: frame.url,
            isMainFrame: frame.parent === null,
            fromAppWindow: BrowserWindow.fromWebContents(event.sender) !== null,
          },
          origin,
        );
      if (!trusted) {
        return {
          ok: false,
          error: {
            code: 'FORBIDDEN',
            message: 'Requests are accepted only from the Vigil window.',
          },
        };
      }
      if (typeof name !== 'string') {
        return {
          ok: false,
          error: { code: 'INVALID_INPUT', message: 'The request name must be a string.' },
        };
      }
      return server.handle(name, input, { kind: 'desktop' });
    },
  );
  const unsubscribe = server.onPush((name, payload) => {
    for (const window of BrowserWindow.getAllWindows()) {
      if (!window.isDestroyed()) window.webContents.send(electronChannels.push, name, payload);
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(electronChannels.invoke);
  };
}
