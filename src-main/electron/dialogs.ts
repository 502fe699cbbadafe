// The desktop shell's answers to the contract's dialog requests (see shellRequestNames): the
// save dialog for an audit export and the folder dialog for project discovery, raised by main.
// The chosen export path stays in main; the window gets a one-time handle
// (ipc/export-handles.ts). A chosen project folder is recorded by the core as one discovery may
// read. What the dialogs offer is decided in ipc/export-dialog.ts and ipc/project-folder-dialog.ts.
import { app, BrowserWindow, dialog } from 'electron';
import { chosenExportFile, exportSaveDialogOptions } from '../ipc/export-dialog.ts';
import { createExportHandleBook } from '../ipc/export-handles.ts';
import { chosenProjectFolder, projectFolderDialogOptions } from '../ipc/project-folder-dialog.ts';
import type { DesktopShell } from '../ipc/server.ts';

export function createDesktopShell(core: {
  allowProjectRoot(path: string): Promise<string>;
}): DesktopShell {
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
      async 'dialog.chooseProjectFolder'() {
        const options = projectFolderDialogOptions(app.getPath('home'));
        const window = BrowserWindow.getFocusedWindow();
        const result = window
          ? await dialog.showOpenDialog(window, options)
          : await dialog.showOpenDialog(options);
        return chosenProjectFolder(result, (path) => core.allowProjectRoot(path));
      },
    },
  };
}
