// What the desktop app's approval dialog shows: main's own summary of the request (never text
// from the renderer), with Cancel as the default and the button that approves named for what it
// does, so a stray Enter or a scripted click on the window cannot approve.
import type { GateSubject } from '../core/app.ts';

const confirmLabels: Record<string, string> = {
  'txs.approve': 'Sign',
  'signers.import': 'Import key',
  'signers.remove': 'Remove signer',
};

export interface ApprovalDialogOptions {
  type: 'warning';
  title: string;
  message: string;
  detail: string;
  buttons: [string, string];
  defaultId: 0;
  cancelId: 0;
  noLink: true;
}

export function approvalDialogOptions(subject: GateSubject): ApprovalDialogOptions {
  return {
    type: 'warning',
    title: 'Vigil: approval needed',
    message: subject.summary[0] ?? subject.action,
    detail: [...subject.summary.slice(1), '', `Digest ${subject.digest}`].join('\n'),
    buttons: ['Cancel', confirmLabels[subject.action] ?? 'Approve'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
}

/** The dialog's answer: approved only by the second button. */
export const approvedByDialog = (response: number): boolean => response === 1;
