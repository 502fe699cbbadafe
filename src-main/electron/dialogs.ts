// The desktop shell's answers to the contract's dialog requests (see shellRequestNames): the
// save dialog for an audit export. What it offers is decided in ipc/export-dialog.ts.
import { app, BrowserWindow, dialog } from 'electron';
import { chosenPath, exportSaveDialogOptions } from '../ipc/export-dialog.ts';
import type { ShellHandlers } from '../ipc/server.ts';

export const dialogHandlers: ShellHandlers = {
  async 'dialog.chooseExportPath'({ format }) {
    const options = exportSaveDialogOptions(format, new Date(), app.getPath('documents'));
    const window = BrowserWindow.getFocusedWindow();
    const result = window
      ? await dialog.showSaveDialog(window, options)
      : await dialog.showSaveDialog(options);
    return chosenPath(result);
  },
};
