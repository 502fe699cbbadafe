// The desktop shell's answers to the contract's dialog requests (see shellRequestNames): the
// save dialog for an audit export, raised by main. The chosen path stays in main; the window gets
// a one-time handle (ipc/export-handles.ts). What the dialog offers is decided in
// ipc/export-dialog.ts.
import { app, BrowserWindow, dialog } from 'electron';
import { chosenExportFile, exportSaveDialogOptions } from '../ipc/export-dialog.ts';
import { createExportHandleBook } from '../ipc/export-handles.ts';
import type { DesktopShell } from '../ipc/server.ts';

export function createDesktopShell(): DesktopShell {
  const exportHandles = createExportHandleBook();
  return {
    exportHandles,
    handlers: {
      async 'dialog.chooseExportFile'({ format }) {
        const options = exportSaveDialogOptions(format, new Date(), app.getPath('documents'));
        const window = BrowserWindow.getFocusedWindow();
        const result = window
          ? await dialog.showSaveDialog(window, options)
          : await dialog.showSaveDialog(options);
        return chosenExportFile(result, exportHandles);
      },
    },
  };
}
