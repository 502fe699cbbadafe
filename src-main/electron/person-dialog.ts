// The desktop app's person gate: a native dialog raised by main, modal to the focused window.
import { BrowserWindow, dialog } from 'electron';
import type { GateSubject } from '../core/app.ts';
import { approvalDialogOptions, approvedByDialog } from '../ipc/approval-dialog.ts';

export async function askPerson(subject: GateSubject): Promise<boolean> {
  const options = approvalDialogOptions(subject);
  const window = BrowserWindow.getFocusedWindow();
  const { response } = window
    ? await dialog.showMessageBox(window, options)
    : await dialog.showMessageBox(options);
  return approvedByDialog(response);
}
